import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/report.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Every figure `--quick` must report, each beside its baseline. */
const FIGURES = [
  'ingest.rps',
  'ingest.p99',
  'wake.inProcess.p50',
  'wake.inProcess.p99',
  'wake.postgres.p50',
  'wake.postgres.p99',
  'idle.rssPerWaiter',
  'idle.storeQueriesPerSecond',
  'idle.wakeAllMs',
  'fanout.p50',
  'fanout.p99',
  'streaming.patchP99',
  'streaming.eventsDelivered',
  'scaling.firstPage',
  'scaling.deepPage',
  'concurrency.per-call',
  // Postgres ingest: only with a database (it has no figure to report without one).
  ...(process.env.PLACET_TEST_POSTGRES_URL ? ['ingest.postgres.1', 'ingest.postgres.2'] : []),
];

/** Runs the bench as `npm run bench -- --quick` does, writing its report to `out`. */
function runQuick(out: string): Promise<{ code: number | null; output: string }> {
  // The child is a plain Node process: none of this runner's variables leak into it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'src/main.ts', '--quick', '--out', out],
      { cwd: PACKAGE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 140_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run bench -- --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'placet-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports every figure beside its baseline, and no store query while waiters idle', async () => {
    const out = join(dir, 'latest.json');
    const { code, output } = await runQuick(out);
    expect(code, output.slice(-4000)).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.mode).toBe('quick');
    expect(report.errors).toEqual([]);

    const byId = new Map(report.figures.map((f) => [f.id, f]));
    expect([...byId.keys()].sort()).toEqual([...FIGURES].sort());
    for (const id of FIGURES) {
      const figure = byId.get(id)!;
      expect(figure.baseline.label, id).not.toBe('');
      expect(Number.isFinite(figure.baseline.value), id).toBe(true);
      expect(figure.unit, id).not.toBe('');
      if (figure.skipped !== undefined) {
        // Only the Postgres figures may be skipped, and only without a database.
        expect(id.startsWith('wake.postgres') && !process.env.PLACET_TEST_POSTGRES_URL, id).toBe(true);
        expect(figure.value).toBeNull();
      } else {
        expect(Number.isFinite(figure.value), id).toBe(true);
      }
    }

    // Waiters sleep on events, never on a timer: not one store call while they idle.
    expect(byId.get('idle.storeQueriesPerSecond')!.value).toBe(0);
    // Every PATCH accepted was delivered as one message:updated event.
    const events = byId.get('streaming.eventsDelivered')!;
    expect(events.value).toBe(events.baseline.value);
  }, 150_000);
});
