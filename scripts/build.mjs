#!/usr/bin/env node
// `npm run build` (and the root `prepare`, so `npm install`): builds every workspace package that has a
// `build` script, in two halves that run at the same time:
//   - declarations: ONE incremental `tsc -b` over every package's tsconfig.build.json (project references,
//     `emitDeclarationOnly`, its build info in dist/ so that deleting dist/ rebuilds it);
//   - JavaScript: tsup in each package, `--jobs` packages at once (default: one per CPU), a package after
//     the workspace packages it depends on (a bundle may bundle their dist/).
// What a package's own `npm run build` does decides what this script runs for it:
//   `tsup && tsc -b tsconfig.build.json`  tsup (its config has `dts: false` and keeps dist/*.d.ts), and its
//                                         project in the one tsc -b;
//   `tsup`, with a tsconfig.build.json     a package built as one outside this repository would be
//                                         (plugins/rating: tsup writes its declarations): `tsup --no-dts`,
//                                         and its project in the one tsc -b, started after this tsup (whose
//                                         clean would delete what tsc wrote);
//   `tsup`, without one                    tsup as it is (the examples: no declarations);
//   anything else                          `npm run build` as it is.
// A package's build output is shown when it fails; lines starting with `[size] ` (what the dashboard's
// assets and the review widgets weigh) are shown always.
// Usage: node scripts/build.mjs [--jobs N]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { listWorkspaces, root } from './workspace-list.mjs';

const TYPES_CONFIG = 'tsconfig.build.json';
const SPLIT_SCRIPT = `tsup && tsc -b ${TYPES_CONFIG}`;

const jobsArg = process.argv.indexOf('--jobs');
const jobs =
  jobsArg > 0 ? Math.max(1, Number(process.argv[jobsArg + 1])) : Math.max(1, availableParallelism());

const require = createRequire(import.meta.url);
const binOf = (name, bin) => {
  const manifestPath = require.resolve(`${name}/package.json`);
  const { bin: bins } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return join(dirname(manifestPath), typeof bins === 'string' ? bins : bins[bin]);
};
const TSUP = binOf('tsup', 'tsup');
const TSC = binOf('typescript', 'tsc');

const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const rel = (dir) => relative(root, dir) || '.';

/** Runs a command, collecting its output; resolves with { code, output }. */
function run(command, args, cwd) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => done({ code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

const workspaces = listWorkspaces(); // in dependency order
const byName = new Map(workspaces.map((pkg) => [pkg.name, pkg]));
const packages = workspaces.filter((pkg) => pkg.manifest.scripts?.build);
const built = new Set(packages);
/** The workspace packages with a build that `pkg` depends on (dependencies and peers). */
const buildDeps = (pkg) =>
  Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies })
    .map((name) => byName.get(name))
    .filter((dep) => dep !== undefined && built.has(dep));

const typed = packages.filter((pkg) => existsSync(join(pkg.dir, TYPES_CONFIG)));
const script = (pkg) => pkg.manifest.scripts.build.trim();
/** Packages whose tsup run must finish before tsc -b starts. */
const gates = new Set(typed.filter((pkg) => script(pkg) === 'tsup'));

// Every workspace package a package depends on must be one of its project references, or `tsc -b` would
// build them out of order (or pull their sources into the wrong project).
const problems = [];
for (const pkg of typed) {
  const config = JSON.parse(readFileSync(join(pkg.dir, TYPES_CONFIG), 'utf8'));
  const referenced = new Set((config.references ?? []).map((ref) => resolve(pkg.dir, ref.path)));
  for (const dep of buildDeps(pkg)) {
    const depConfig = join(dep.dir, TYPES_CONFIG);
    if (existsSync(depConfig) && !referenced.has(depConfig))
      problems.push(
        `${rel(pkg.dir)}/${TYPES_CONFIG}: add { "path": "${relative(pkg.dir, depConfig)}" } to "references" (${pkg.name} depends on ${dep.name})`,
      );
  }
  if (script(pkg) !== SPLIT_SCRIPT && script(pkg) !== 'tsup')
    problems.push(
      `${rel(pkg.dir)}/package.json: with a ${TYPES_CONFIG}, the build script is "${SPLIT_SCRIPT}"`,
    );
}
if (problems.length > 0) {
  console.error(
    `build: the declaration projects are out of step with package.json:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}

// Declarations: one tsc -b over every project, as soon as the gates' JavaScript is written.
let startTypes;
const typesGo = new Promise((go) => {
  startTypes = go;
});
const typesStarted = { at: 0 };
const types = typesGo.then(async () => {
  if (typed.length === 0) return { code: 0, output: '' };
  typesStarted.at = Date.now();
  const result = await run(
    process.execPath,
    [TSC, '-b', ...typed.map((pkg) => join(rel(pkg.dir), TYPES_CONFIG))],
    root,
  );
  const status = result.code === 0 ? 'ok  ' : 'FAIL';
  console.log(`${status} declarations: tsc -b over ${typed.length} project(s) (${seconds(typesStarted.at)})`);
  return result;
});
if (gates.size === 0) startTypes();

// JavaScript: a pool of tsup processes. The gates and what they depend on go first.
const needed = new Set();
const need = (pkg) => {
  if (needed.has(pkg)) return;
  needed.add(pkg);
  for (const dep of buildDeps(pkg)) need(dep);
};
for (const gate of gates) need(gate);
const pending = [...packages.filter((pkg) => needed.has(pkg)), ...packages.filter((pkg) => !needed.has(pkg))];
const done = new Set();
const failed = [];
let running = 0;

function jsCommand(pkg) {
  if (script(pkg) === SPLIT_SCRIPT) return [process.execPath, [TSUP]];
  if (script(pkg) === 'tsup') return [process.execPath, gates.has(pkg) ? [TSUP, '--no-dts'] : [TSUP]];
  return ['npm', ['run', 'build', '--silent']];
}

const pool = new Promise((finish) => {
  const next = () => {
    if (running === 0 && (failed.length > 0 || pending.length === 0)) return finish();
    if (failed.length > 0) return;
    for (const pkg of [...pending]) {
      if (running >= jobs) break;
      if (buildDeps(pkg).some((dep) => !done.has(dep))) continue;
      pending.splice(pending.indexOf(pkg), 1);
      running++;
      const t0 = Date.now();
      const [command, args] = jsCommand(pkg);
      run(command, args, pkg.dir).then((result) => {
        running--;
        if (result.code === 0) {
          done.add(pkg);
          console.log(`ok   ${pkg.name} (${seconds(t0)})`);
          // What a build reports about its output (the dashboard's and the widgets' sizes): `[size] …` lines.
          for (const line of result.output.split('\n'))
            if (line.startsWith('[size] ')) console.log(`     ${line}`);
          if ([...gates].every((gate) => done.has(gate))) startTypes();
        } else {
          failed.push({ name: pkg.name, output: result.output });
          console.log(`FAIL ${pkg.name} (${seconds(t0)})`);
        }
        next();
      });
    }
    if (running === 0 && pending.length > 0) {
      failed.push({
        name: pending.map((pkg) => pkg.name).join(', '),
        output: 'their dependencies never built\n',
      });
      finish();
    }
  };
  next();
});
await pool;
if (failed.length > 0) startTypes(); // report the declarations too (tsc -b is incremental: no time lost later)

const typesResult = await types;
for (const { name, output } of failed) console.error(`\n--- ${name}\n${output}`);
if (typesResult.code !== 0) console.error(`\n--- declarations (tsc -b)\n${typesResult.output}`);
if (failed.length > 0 || typesResult.code !== 0) process.exit(1);
console.log(
  `build: ${packages.length} package(s), ${typed.length} declaration project(s) in ${seconds(started)} (${jobs} job(s))`,
);
