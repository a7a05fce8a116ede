import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditExports } from './audit-export.js';

/** The built command, as `placet-audit` (the package's `bin`) and `npm run audit` run it. */
const AUDIT_BIN = fileURLToPath(new URL('../dist/audit.js', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'placet-audit-bin-'));
let files: { good: string; csv: string; tampered: string; count: number };

function run(args: string[], cwd = dir) {
  const result = spawnSync(process.execPath, [AUDIT_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  if (!existsSync(AUDIT_BIN))
    throw new Error(`${AUDIT_BIN} is missing: run \`npm run build\` at the repository root first.`);
  const { ndjson, csv, count } = await auditExports();
  const lines = ndjson.split('\n');
  // Line 2 is the first "review.shown" (via the dashboard): claim it came through the API instead.
  lines[1] = lines[1]!.replace('"via":"dashboard"', '"via":"api"');
  files = {
    good: join(dir, 'audit.ndjson'),
    csv: join(dir, 'audit.csv'),
    tampered: join(dir, 'bad.ndjson'),
    count,
  };
  writeFileSync(files.good, ndjson);
  writeFileSync(files.csv, csv);
  writeFileSync(files.tampered, lines.join('\n'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('placet-audit (the built bin)', () => {
  it('is the package bin, and an npm script', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(manifest.bin['placet-audit']).toBe('./dist/audit.js');
    expect(manifest.scripts.audit).toBe('node dist/audit.js');
    expect(readFileSync(AUDIT_BIN, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('verifies a good NDJSON and CSV export: exit 0, "ok: N entries, head <hash>"', () => {
    const ndjson = run(['verify', files.good]);
    expect(ndjson.stderr).toBe('');
    expect(ndjson.code).toBe(0);
    const head = JSON.parse(readFileSync(files.good, 'utf8').trimEnd().split('\n').at(-1)!).hash as string;
    expect(ndjson.stdout.split('\n')[0]).toBe(`ok: ${files.count} entries, head ${head}`);
    const csv = run(['verify', 'audit.csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe(`ok: ${files.count} entries, head ${head}`);
  });

  it('names the tampered line and why: exit 1', () => {
    const bad = run(['verify', files.tampered]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim()).toBe(
      `FAILED: ${files.tampered}: line 2 (seq 2): hash does not match the entry: its content was changed`,
    );
  });

  it('prints its help, and refuses a wrong usage with exit 2', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: placet-audit verify <file> [--allow-gaps]');
    expect(run([]).code).toBe(2);
    const missing = run(['verify', join(dir, 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});
