#!/usr/bin/env node
// `npm run test:packages`: Placet as a user outside this repository gets it, from the packed tarballs only.
//   1. Packs every publishable package (`npm pack` with its prepack/postpack: the published manifest) and
//      checks each tarball with the rules of check:packages (scripts/tarball-rules.mjs: every file its
//      exports name is in it, …).
//   2. In a new directory under os.tmpdir() (never inside the repository, whose node_modules it never
//      touches), at the same time:
//      - a host app (scripts/test-packages/host/) installs the tarballs as file: dependencies, with
//        everything else from the registry;
//      - the plugin guide's third-party review type (docs/guides/writing-a-plugin.md) is written from the
//        guide's own code blocks (package.json, tsconfig.json, tsup.config.ts, src/*, the tests), gets the
//        core's and test-utils' tarballs, and is type-checked, tested (its unit tests, and its element in
//        Chromium through @placet/test-utils/browser), built and packed by its own prepack.
//   3. The host installs the plugin's tarball, type-checks (strict, exactOptionalPropertyTypes,
//      skipLibCheck false) and builds, then runs its scenario (host/src/scenario.ts) on SQLite and on
//      Postgres: an agent asks, a person signed in at the host answers, the long-poll returns; the plugin
//      is listed by GET /plugins; the WebSocket and the dashboard answer under the host's prefix.
// Postgres: PLACET_TEST_POSTGRES_URL (a fresh schema per run, dropped after). Without it the Postgres run
// is skipped with a notice, unless PLACET_REQUIRE_POSTGRES=1 (CI), which makes a skip a failure.
// Run it after `npm run build`: the packs reuse dist/ (PLACET_PACK_SKIP_BUILD=1, as check:packages does).
// The temporary directory is removed after a pass and kept after a failure (its path is printed), or
// always with PLACET_KEEP_TMP=1. Servers listen on 127.0.0.1 only; npm reaches the registry (its cache first).
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { missingExportTargets, packPackage, run, tarballProblems } from './tarball-rules.mjs';
import { listWorkspaces, root } from './workspace-list.mjs';

const CHROMIUM = '/usr/bin/chromium';
const GUIDE_PATH = join(root, 'docs/guides/writing-a-plugin.md');
const HOST_TEMPLATE = join(root, 'scripts/test-packages/host');
/** Packages the host does not install: test-utils is the plugin's (a test library), rating comes from the guide. */
const NOT_IN_HOST = new Set(['@placet/test-utils', '@placet/plugin-rating']);

const started = Date.now();
const seconds = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const log = (line) => console.log(`[${seconds(started).padStart(7)}] ${line}`);
const timings = [];

/** Runs one named step, printing its start, its end and its time. */
async function step(title, fn) {
  const from = Date.now();
  log(`▶ ${title}`);
  try {
    const result = await fn();
    timings.push([title, Date.now() - from]);
    log(`✔ ${title} (${seconds(from)})`);
    return result;
  } catch (error) {
    log(`✘ ${title} (${seconds(from)})`);
    throw error;
  }
}

/**
 * The environment of the commands run outside the repository: this process's, without what `npm run`
 * adds (`npm_config_local_prefix` would point npm back at the repository, `npm_package_*` describe it),
 * keeping the user's registry and cache settings.
 */
function outsideEnv(extra = {}) {
  const keep =
    /^npm_config_(registry|cache|userconfig|globalconfig|cafile|nodedir|strict_ssl|proxy|https_proxy|noproxy)$/i;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.test(key)),
  );
  delete env.INIT_CWD;
  return { ...env, NO_COLOR: '1', ...extra };
}

let work = '';
const logFile = (name) => join(work, 'logs', `${name}.log`);

/** Runs a command in `cwd` (outside the repository); its output goes to logs/<name>.log, and its tail to the error. */
async function sh(name, command, args, cwd, extraEnv = {}) {
  const result = await run(command, args, { cwd, env: outsideEnv(extraEnv) });
  writeFileSync(logFile(name), `$ ${command} ${args.join(' ')}\n${result.stdout}${result.stderr}`);
  if (result.code !== 0) {
    const tail = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${name}: \`${command} ${args.join(' ')}\` exited ${result.code} (in ${cwd})\n${tail}`);
  }
  return result;
}

/** The `@placet/*` packages npm installed in `dir`, each of which must come from a tarball (never the registry). */
function assertPlacetFromTarballs(dir, lockfile) {
  const lock = JSON.parse(readFileSync(join(dir, lockfile), 'utf8'));
  const placet = Object.entries(lock.packages).filter(([path]) => /node_modules\/@placet\//.test(path));
  const fromElsewhere = placet.filter(([, entry]) => !String(entry.resolved ?? '').startsWith('file:'));
  if (placet.length === 0 || fromElsewhere.length > 0)
    throw new Error(
      `@placet/* packages not installed from the tarballs in ${dir}: ${fromElsewhere.map(([p, e]) => `${p} (${e.resolved ?? e.version})`).join(', ') || 'none at all'}`,
    );
  return placet.length;
}

// --- The guide's code blocks ------------------------------------------------------------------------

const GUIDE = readFileSync(GUIDE_PATH, 'utf8');

/** The first fenced block of `lang` after the heading (or line) that starts with `heading`, as printed. */
function snippet(heading, lang) {
  const start = GUIDE.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`docs/guides/writing-a-plugin.md has no "${heading}"`);
  const open = GUIDE.indexOf(`\n\`\`\`${lang}\n`, start);
  const nextHeading = GUIDE.slice(start + 1).search(/\n#{1,3} /);
  if (open < 0 || (nextHeading >= 0 && open > start + 1 + nextHeading))
    throw new Error(`docs/guides/writing-a-plugin.md has no \`\`\`${lang} block under "${heading}"`);
  const close = GUIDE.indexOf('\n```\n', open + 1);
  return GUIDE.slice(open + lang.length + 5, close + 1);
}

/** The files of the guide's plugin, each from the code block that shows it (in the order of the guide). */
const GUIDE_FILES = {
  'package.json': ['## 1. ', 'json'],
  'tsconfig.json': ['A `tsconfig.json` next to it', 'json'],
  'src/schema.ts': ['## 2. ', 'ts'],
  'src/index.ts': ['## 3. ', 'ts'],
  'src/ui.ts': ['### `PlacetReviewElement` does most of it', 'ts'],
  'tsup.config.ts': ['## 5. ', 'ts'],
  'src/index.test.ts': ['### Unit tests', 'ts'],
  'test/ui.browser.test.ts': ['### The element in Chromium', 'ts'],
};

// --- The run ----------------------------------------------------------------------------------------

async function main() {
  const postgresUrl = process.env.PLACET_TEST_POSTGRES_URL;
  if (!postgresUrl && process.env.PLACET_REQUIRE_POSTGRES === '1')
    throw new Error(
      'PLACET_REQUIRE_POSTGRES=1 but PLACET_TEST_POSTGRES_URL is not set: the Postgres run must happen',
    );
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the plugin's browser test needs it (apt-get install -y chromium)`,
    );
  const packages = listWorkspaces().filter((pkg) => !pkg.manifest.private);
  const unbuilt = packages.filter((pkg) => !existsSync(join(pkg.dir, 'dist')));
  if (unbuilt.length > 0)
    throw new Error(
      `run npm run build first: no dist/ in ${unbuilt.map((p) => relative(root, p.dir)).join(', ')}`,
    );

  work = realpathSync(mkdtempSync(join(tmpdir(), 'placet-test-packages-')));
  if (work === root || work.startsWith(root + sep) || root.startsWith(work + sep))
    throw new Error(`the temporary directory ${work} must be outside the repository ${root}`);
  for (const dir of ['tarballs', 'logs', 'plugin/src', 'plugin/test'])
    mkdirSync(join(work, dir), { recursive: true });
  log(`working in ${work} (outside ${root})`);

  let passed = false;
  try {
    await runAll(packages, postgresUrl);
    passed = true;
  } finally {
    if (passed && process.env.PLACET_KEEP_TMP !== '1') rmSync(work, { recursive: true, force: true });
    else log(`kept ${work} (logs in ${join(work, 'logs')})`);
  }
}

async function runAll(packages, postgresUrl) {
  const tarballs = join(work, 'tarballs');
  const packed = await step(
    `pack ${packages.length} publishable packages (npm pack: prepack/postpack)`,
    async () => {
      const results = [];
      const queue = [...packages];
      const problems = [];
      await Promise.all(
        Array.from({ length: Math.max(2, availableParallelism()) }, async () => {
          for (let pkg = queue.shift(); pkg; pkg = queue.shift()) {
            const before = readFileSync(join(pkg.dir, 'package.json'), 'utf8');
            const result = await packPackage(pkg.dir, tarballs, { PLACET_PACK_SKIP_BUILD: '1' });
            if (readFileSync(join(pkg.dir, 'package.json'), 'utf8') !== before)
              problems.push(`${pkg.name}: npm pack left package.json changed (postpack did not restore it)`);
            if (result.error) problems.push(`${pkg.name}: ${result.error}`);
            else {
              for (const problem of tarballProblems(result)) problems.push(`${pkg.name}: ${problem}`);
              results.push({ pkg, ...result });
            }
          }
        }),
      );
      if (problems.length > 0) throw new Error(`the tarballs are not right:\n${problems.join('\n')}`);
      log(`  ${results.length} tarballs, every file their exports name included`);
      return new Map(results.map((r) => [r.pkg.name, r]));
    },
  );

  const hostDir = join(work, 'host');
  const pluginDir = join(work, 'plugin');
  const [, pluginTarball] = await Promise.all([
    step('host: npm install the tarballs (+ registry dependencies; better-sqlite3 compiles)', async () => {
      cpSync(HOST_TEMPLATE, hostDir, {
        recursive: true,
        filter: (path) => !/[\\/](node_modules|dist)([\\/]|$)/.test(path),
      });
      const manifest = JSON.parse(readFileSync(join(hostDir, 'package.json'), 'utf8'));
      for (const [name, { filename }] of packed)
        if (!NOT_IN_HOST.has(name)) manifest.dependencies[name] = `file:../tarballs/${filename}`;
      writeFileSync(join(hostDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      await sh('host-install', 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], hostDir);
      const count = assertPlacetFromTarballs(hostDir, 'package-lock.json');
      log(`  host: ${count} @placet/* packages, all from the tarballs`);
    }),
    pluginFromGuide(pluginDir, packed),
  ]);

  await step("host: npm install the guide plugin's tarball", async () => {
    await sh(
      'host-install-plugin',
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', pluginTarball],
      hostDir,
    );
    assertPlacetFromTarballs(hostDir, 'package-lock.json');
  });

  await step('host: tsc (strict, exactOptionalPropertyTypes, skipLibCheck: false) and build', () =>
    sh('host-tsc', join(hostDir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], hostDir),
  );

  await step('host on SQLite: agent asks, person answers, long-poll completes, plugin listed', () =>
    scenario(hostDir, 'sqlite', []),
  );
  if (postgresUrl)
    await step('host on Postgres: the same', () => scenario(hostDir, 'postgres', [postgresUrl]));
  else log('host on Postgres: skipped (set PLACET_TEST_POSTGRES_URL=postgres://user:pass@127.0.0.1:5432/db)');
}

/** The guide's plugin: written from the guide, installed, type-checked, tested, packed. Its tarball's path. */
function pluginFromGuide(pluginDir, packed) {
  const tarball = (name) => packed.get(name).tarball;
  return (async () => {
    await step(
      "plugin: write the guide's files, npm install (core and test-utils from their tarballs)",
      async () => {
        for (const [file, [heading, lang]] of Object.entries(GUIDE_FILES))
          writeFileSync(join(pluginDir, file), snippet(heading, lang));
        // --no-save: the package.json stays as the guide prints it (npm would write file: specs into it).
        await sh(
          'plugin-install',
          'npm',
          [
            'install',
            '--no-save',
            '--prefer-offline',
            '--no-audit',
            '--no-fund',
            tarball('@placet/core'),
            tarball('@placet/test-utils'),
          ],
          pluginDir,
        );
        assertPlacetFromTarballs(pluginDir, 'node_modules/.package-lock.json');
      },
    );
    await step("plugin: npx tsc (the guide's code type-checks)", () =>
      sh('plugin-tsc', join(pluginDir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], pluginDir),
    );
    await step(
      'plugin: vitest (unit tests; the element in Chromium via @placet/test-utils/browser)',
      async () => {
        const report = join(work, 'logs', 'plugin-vitest.json');
        // CI=true: a missing Chromium fails the browser test instead of skipping it.
        await sh(
          'plugin-vitest',
          join(pluginDir, 'node_modules/.bin/vitest'),
          ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
          pluginDir,
          { CI: 'true' },
        );
        const result = JSON.parse(readFileSync(report, 'utf8'));
        const browser = result.testResults.find((f) => f.name.endsWith('test/ui.browser.test.ts'));
        const ran = browser?.assertionResults.filter((t) => t.status === 'passed').length ?? 0;
        if (result.numFailedTests > 0 || result.numPendingTests > 0 || result.numTodoTests > 0 || ran === 0)
          throw new Error(`plugin tests: ${JSON.stringify({ ...result, testResults: undefined })}`);
        log(`  plugin: ${result.numPassedTests} tests passed, ${ran} of them in Chromium`);
      },
    );
    return step("plugin: npm pack (its prepack runs the guide's tsup build)", async () => {
      const result = await packPackage(pluginDir, join(work, 'tarballs'));
      writeFileSync(logFile('plugin-pack'), JSON.stringify(result.files ?? result, null, 2));
      if (result.error) throw new Error(result.error);
      for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/ui.js'])
        if (!result.files.includes(file)) throw new Error(`the plugin's tarball has no ${file}`);
      const missing = missingExportTargets(result.manifest, result.files);
      if (missing.length > 0)
        throw new Error(`the plugin's exports name files it does not ship: ${missing.join(', ')}`);
      return result.tarball;
    });
  })();
}

/** Runs the built host's scenario, printing its lines as they come. */
async function scenario(hostDir, kind, args) {
  const result = await sh(`scenario-${kind}`, 'node', ['dist/scenario.js', kind, ...args], hostDir);
  for (const line of result.stdout.trim().split('\n')) log(`  ${line.trim()}`);
}

main().then(
  () => {
    console.log('\ntest:packages: step times');
    for (const [title, ms] of timings) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${title}`);
    console.log(`test:packages: passed in ${seconds(started)}`);
  },
  (error) => {
    console.error(`\ntest:packages: FAILED after ${seconds(started)}\n${error?.stack ?? error}`);
    process.exitCode = 1;
  },
);
