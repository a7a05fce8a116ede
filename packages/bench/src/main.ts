// `npm run bench [-- --quick] [--out <file>] [--only ingest,wake]`: runs the scenarios one after the
// other, prints each figure beside its baseline as it is measured, then the whole table, and writes
// the report as JSON (default results/latest.json; also PLACET_BENCH_OUT).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { unbuiltPackages } from './built.js';
import { Reporter } from './report.js';
import { concurrency } from './scenarios/concurrency.js';
import { fanout } from './scenarios/fanout.js';
import { idle } from './scenarios/idle.js';
import { ingest } from './scenarios/ingest.js';
import { ingestPostgres } from './scenarios/ingest-postgres.js';
import { scaling } from './scenarios/scaling.js';
import { type Settings, settingsFor } from './scenarios/settings.js';
import { streaming } from './scenarios/streaming.js';
import { wake } from './scenarios/wake.js';

const SCENARIOS: Record<string, (reporter: Reporter, settings: Settings) => Promise<void>> = {
  ingest,
  'ingest-postgres': ingestPostgres,
  wake,
  idle,
  fanout,
  streaming,
  scaling,
  concurrency,
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});
const unbuilt = unbuiltPackages();
if (unbuilt.length > 0) {
  console.error(`The bench runs the built packages: ${unbuilt.join('; ')}. Run npm run build first.`);
  process.exit(1);
}
const names = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SCENARIOS);
const unknown = names.filter((name) => !SCENARIOS[name]);
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
const out = resolve(
  values.out ??
    process.env.PLACET_BENCH_OUT ??
    fileURLToPath(new URL('../results/latest.json', import.meta.url)),
);

const settings = settingsFor(values.quick);
const reporter = new Reporter(values.quick ? 'quick' : 'full');
console.log(
  `Placet bench (${reporter.mode}${values.quick ? '' : '; --quick for a short run'}): ${names.join(', ')}`,
);
if (!(globalThis as { gc?: unknown }).gc) console.log('(no --expose-gc: memory figures are noisier)');
reporter.header();
for (const name of names) {
  try {
    await SCENARIOS[name]!(reporter, settings);
  } catch (error) {
    reporter.error(name, error);
  }
}
reporter.summary();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(reporter.report(), null, 2)}\n`);
console.log(`\nWrote ${out}`);
process.exit(reporter.errors.length > 0 ? 1 : 0);
