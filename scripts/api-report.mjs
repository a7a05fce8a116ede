#!/usr/bin/env node
// The API report of @placet/core: API Extractor reads the built declarations of each entry (the `types`
// of every subpath in packages/core/package.json: `.`, `./plugin`, `./adapter`, `./contract`,
// `./browser`) and writes every exported name with its full signature to packages/core/etc/<entry>.api.md.
// The reports are committed, so a change of public surface is a visible diff in review.
//
//   npm run api:check    (CI, after the build) fails when a report differs from what the code exports
//   npm run api:update   rewrites the reports; commit them with the change that caused them
//
// Besides the reports, the check fails when
// - a type that a public declaration names is exported by no entry (it would be API nobody can import,
//   and a change to it would show in no report). One entry may name another's type: the plugin entry's
//   `PluginContext.placet` is the host entry's `Placet`. The five entries are analysed together for this,
//   so two entries exporting different declarations under one name fail too;
// - a report names tsyringe: hosts never see the dependency-injection container or its types.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { root } from './workspace-list.mjs';

const update = process.argv.includes('--update');
const coreDir = join(root, 'packages/core');
const reportFolder = join(coreDir, 'etc');
const packageJsonFullPath = join(coreDir, 'package.json');
const manifest = JSON.parse(readFileSync(packageJsonFullPath, 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'placet-api-report-'));
const generated = join(scratch, 'generated');

/**
 * The report without what the compiler orders by chance: the members of a zod enum's object type
 * (`z.ZodEnum<{ active: "active"; … }>`) come in the order the checker first met their literal types,
 * which differs between a clean and an incremental build of the same code. Sorted, a report depends on
 * the code only.
 */
function normalise(text) {
  const out = [];
  let members;
  for (const line of text.split('\n')) {
    if (members) {
      if (/^\s*}>/.test(line)) {
        out.push(...members.sort(), line);
        members = undefined;
      } else members.push(line);
    } else {
      out.push(line);
      if (/z\.ZodEnum<\{$/.test(line)) members = [];
    }
  }
  return out.join('\n');
}

/** Each subpath's declaration file, from the `types` conditions: `{ name: 'plugin', dts: '…/dist/plugin.d.ts' }`. */
const entries = Object.entries(manifest.exports)
  .filter(([, target]) => typeof target === 'object' && target.types)
  .map(([subpath, target]) => ({
    subpath: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
    name: target.types.replace(/^.*\//, '').replace(/\.d\.ts$/, ''),
    dts: join(coreDir, target.types),
  }));

function config({ dts, report, forgottenExports }) {
  return ExtractorConfig.prepare({
    configObjectFullPath: undefined,
    packageJsonFullPath,
    configObject: {
      projectFolder: coreDir,
      mainEntryPointFilePath: dts,
      compiler: {
        // The declarations only (the build made them); the compiler API Extractor bundles reads them.
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2023',
            lib: ['ES2023', 'DOM', 'DOM.Iterable'],
            module: 'ESNext',
            moduleResolution: 'Bundler',
            strict: true,
            skipLibCheck: true,
            types: ['node'],
          },
          files: [dts],
        },
      },
      apiReport: {
        enabled: report !== undefined,
        reportFileName: report ?? 'unused',
        // Written to the scratch folder, then normalised and compared (or copied) here: see `normalise`.
        reportFolder: generated,
        reportTempFolder: scratch,
      },
      newlineKind: 'lf',
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'error' } },
        extractorMessageReporting: {
          default: { logLevel: 'error' },
          // No release tags (@public, @beta) in this code base: every exported name is public.
          'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
          'ae-unresolved-link': { logLevel: 'none', addToApiReportFile: false },
          'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
          'ae-forgotten-export': forgottenExports
            ? { logLevel: 'error', addToApiReportFile: false }
            : { logLevel: 'none', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
      },
    },
  });
}

/**
 * Declarations a public one may name without any entry exporting them, each with its reason.
 * - `ElementBase`: what `PlacetReviewElement` (`@placet/core/browser`) extends — `HTMLElement`, or a stub
 *   where there is no DOM so that the module loads in Node (`typeof HTMLElement` either way).
 */
const UNEXPORTED = ['ElementBase'];

let failures = 0;
function run(label, extractorConfig) {
  const messages = [];
  Extractor.invoke(extractorConfig, {
    localBuild: true,
    showVerboseMessages: false,
    messageCallback(message) {
      message.handled = true;
      if (message.logLevel !== 'error') return;
      if (
        message.messageId === 'ae-forgotten-export' &&
        UNEXPORTED.some((name) => message.text.includes(`"${name}"`))
      )
        return;
      messages.push(message.formatMessageWithLocation(`${root}/`));
    },
  });
  const name = extractorConfig.reportFilePath
    ? extractorConfig.reportFilePath.replace(/^.*[\\/]/, '')
    : undefined;
  if (name) {
    const fresh = normalise(readFileSync(join(generated, name), 'utf8'));
    const committedPath = join(reportFolder, name);
    let committed = '';
    try {
      committed = readFileSync(committedPath, 'utf8');
    } catch {}
    if (update) writeFileSync(committedPath, fresh);
    else if (normalise(committed) !== fresh)
      messages.push(
        `the public surface differs from ${report(label)}: run npm run api:update, review and commit the diff`,
      );
  }
  // Every error comes through messageCallback (the allowed ones are dropped there): `succeeded` counts them all.
  const ok = messages.length === 0;
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}`);
  for (const line of messages) console.log(`     ${line}`);
}
const report = (label) => `packages/core/etc/${entries.find((e) => e.subpath === label)?.name}.api.md`;

try {
  mkdirSync(reportFolder, { recursive: true });
  mkdirSync(generated, { recursive: true });
  for (const entry of entries) run(entry.subpath, config({ dts: entry.dts, report: entry.name }));

  // Every type a public declaration names is exported by some entry: one analysis of all the entries.
  const all = join(scratch, 'all-entries.d.ts');
  writeFileSync(
    all,
    entries.map((e) => `export * from ${JSON.stringify(e.dts.replace(/\.d\.ts$/, '.js'))};\n`).join(''),
  );
  run(
    'every type a public declaration names is exported by an entry',
    config({ dts: all, forgottenExports: true }),
  );

  for (const entry of entries) {
    const file = join(reportFolder, `${entry.name}.api.md`);
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {}
    if (/tsyringe/.test(text)) {
      failures++;
      console.log(
        `FAIL ${report(entry.subpath)} names tsyringe: no container type may reach a public declaration`,
      );
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (failures > 0) {
  console.log(`api report: ${failures} problem(s)`);
  process.exit(1);
}
console.log(
  `api report: ${entries.length} entries of ${manifest.name} ${update ? 'written to' : 'match'} packages/core/etc/`,
);
