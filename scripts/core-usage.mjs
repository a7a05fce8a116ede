#!/usr/bin/env node
// Who uses which public name of @placet/core: lists every name each entry of the core exports (read with
// the TypeScript compiler from the entries' sources, the `@placet/source` paths of its `exports`), and
// every name the rest of the repository imports from `@placet/core` or one of its subpaths (the packages'
// and plugins' sources and tests, the examples, the scripts and the TypeScript blocks of docs/ and the
// READMEs). Used to decide which entry a name belongs in, and that a name nothing uses is not exported.
//
//   node scripts/core-usage.mjs            a table: entry, name, the folders that import it
//   node scripts/core-usage.mjs --unused   only the names nothing outside the core imports
//   node scripts/core-usage.mjs --check    exit 1 when an import names an entry that does not export it
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { root } from './workspace-list.mjs';

const coreDir = join(root, 'packages/core');
const manifest = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8'));

/** subpath ('@placet/core', '@placet/core/plugin', …) → its source file. */
const entries = new Map();
for (const [key, value] of Object.entries(manifest.exports)) {
  if (typeof value !== 'object' || !value['@placet/source']) continue;
  entries.set(
    key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
    join(coreDir, value['@placet/source']),
  );
}

/** subpath → Map<name, kind> of what the entry exports. */
function exportedNames() {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.base.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  const program = ts.createProgram([...entries.values()], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const out = new Map();
  for (const [subpath, file] of entries) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    const names = new Map();
    for (const symbol of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const value = target.flags & ts.SymbolFlags.Value;
      names.set(symbol.name, value ? 'value' : 'type');
    }
    out.set(subpath, names);
  }
  return out;
}

const SKIP = new Set(['node_modules', 'dist', 'coverage', '.turbo', 'test-output']);
function files(dir, acc = []) {
  if (!existsSync(dir)) return acc;
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, acc);
    else if (/\.(m?[jt]sx?|md)$/.test(name) && !name.endsWith('.d.ts')) acc.push(path);
  }
  return acc;
}

/** The folder a file counts for: `packages/express`, `plugins/rating`, `docs`, `scripts`, `README.md`. */
function owner(file) {
  const parts = relative(root, file).split('/');
  return ['packages', 'plugins', 'examples'].includes(parts[0]) ? `${parts[0]}/${parts[1]}` : parts[0];
}

const IMPORT = /(?:import|export)\s+(?:type\s+)?\{([^{}]*)\}\s*from\s*['"](@placet\/core(?:\/[\w-]+)?)['"]/g;
const INLINE = /import\(\s*['"](@placet\/core(?:\/[\w-]+)?)['"]\s*\)\.(\w+)/g;
const DYNAMIC = /\{([^{}]*)\}\s*=\s*await\s+import\(\s*['"](@placet\/core(?:\/[\w-]+)?)['"]\s*\)/g;

/** `${subpath} ${name}` → { subpath, name, users: Set<folder>, files: Set<file> } */
const uses = new Map();
function use(subpath, name, file) {
  const key = `${subpath} ${name}`;
  const entry = uses.get(key) ?? { subpath, name, users: new Set(), files: new Set() };
  entry.users.add(owner(file));
  entry.files.add(relative(root, file));
  uses.set(key, entry);
}

const scanned = [
  ...['packages', 'plugins', 'examples'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => join(root, group, name))
      .filter((dir) => dir !== coreDir)
      .flatMap((dir) => files(dir)),
  ),
  ...files(join(root, 'docs')),
  ...files(join(root, 'scripts')).filter((file) => !file.endsWith('core-usage.mjs')),
  join(root, 'README.md'),
  join(coreDir, 'README.md'),
];
for (const file of scanned) {
  let text = readFileSync(file, 'utf8');
  if (file.endsWith('.md')) {
    // Only the code blocks of a Markdown file.
    text = [...text.matchAll(/```(?:ts|typescript|js|javascript|mjs)\n([\s\S]*?)```/g)]
      .map((m) => m[1])
      .join('\n');
  }
  for (const [, list, subpath] of [...text.matchAll(IMPORT), ...text.matchAll(DYNAMIC)]) {
    for (const item of list.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+|\s*:\s*/)[0]
        .trim();
      if (name) use(subpath, name, file);
    }
  }
  for (const [, subpath, name] of text.matchAll(INLINE)) use(subpath, name, file);
}

const exported = exportedNames();
const mode = process.argv[2];
let problems = 0;
for (const { subpath, name, files: where } of uses.values()) {
  if (!exported.get(subpath)?.has(name)) {
    problems++;
    const home = [...exported].filter(([, names]) => names.has(name)).map(([s]) => s);
    console.log(
      `MISSING ${name} from ${subpath} (${[...where].join(', ')})${home.length ? `: exported by ${home.join(', ')}` : ''}`,
    );
  }
}
if (mode === '--check') {
  console.log(
    problems
      ? `core-usage: ${problems} import(s) name a missing export`
      : 'core-usage: every import resolves',
  );
  process.exit(problems ? 1 : 0);
}

for (const [subpath, names] of exported) {
  const rows = [...names].sort(([a], [b]) => a.localeCompare(b));
  const unused = rows.filter(([name]) => !uses.has(`${subpath} ${name}`));
  console.log(`\n## ${subpath}: ${names.size} names, ${unused.length} imported by nothing outside the core`);
  for (const [name, kind] of mode === '--unused' ? unused : rows) {
    const users = [...(uses.get(`${subpath} ${name}`)?.users ?? [])].sort();
    console.log(`  ${name.padEnd(34)} ${kind.padEnd(5)} ${users.join(' ') || '-'}`);
  }
}
