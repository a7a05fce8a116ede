import { describe, expect, it } from 'vitest';
import { auditExports } from '../test/audit-export.js';
import { AUDIT_HELP, type AuditCliIo, runAuditCli } from './audit-cli.js';

/** Runs the command in-process on files held in memory; collects what it prints. */
async function cli(argv: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AuditCliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readFile: async (path) => {
      const content = files[path];
      if (content === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return content;
    },
  };
  const code = await runAuditCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('placet-audit (in-process)', () => {
  it('verifies an NDJSON and a CSV export, and names the first bad line of a tampered one', async () => {
    const { ndjson, csv, count } = await auditExports();
    const ok = await cli(['verify', 'a.ndjson'], { 'a.ndjson': ndjson });
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toMatch(
      new RegExp(`^ok: ${count} entries, head [0-9a-f]{64}\\n    ndjson, seq 1\\.\\.${count} from the start`),
    );
    const fromCsv = await cli(['verify', 'a.csv'], { 'a.csv': csv });
    expect(fromCsv.code).toBe(0);
    expect(fromCsv.out.split('\n')[0]).toBe(ok.out.split('\n')[0]);

    const lines = ndjson.split('\n');
    lines[5] = lines[5]!.replace('"via":"dashboard"', '"via":"api"');
    expect(lines[5]).not.toBe(ndjson.split('\n')[5]);
    const bad = await cli(['verify', 'b.ndjson'], { 'b.ndjson': lines.join('\n') });
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      'FAILED: b.ndjson: line 6 (seq 6): hash does not match the entry: its content was changed',
    );

    const rows = csv.split('\r\n');
    rows[3] = rows[3]!.replace(',api,', ',email,');
    const badCsv = await cli(['verify', 'b.csv'], { 'b.csv': rows.join('\r\n') });
    expect(badCsv).toMatchObject({ code: 1, out: '' });
    expect(badCsv.err).toMatch(/^FAILED: b\.csv: line 4 \(seq 3\): hash does not match/);

    const notJson = await cli(['verify', 'c.ndjson'], { 'c.ndjson': `${ndjson.split('\n')[0]}\n{oops\n` });
    expect(notJson).toMatchObject({
      code: 1,
      err: 'FAILED: c.ndjson: line 2: not a JSON line (NDJSON: one entry per line)',
    });
  });

  it('accepts a later page, and a one-review export with --allow-gaps', async () => {
    const { ndjson } = await auditExports();
    const lines = ndjson.trimEnd().split('\n');
    const later = await cli(['verify', 'p2'], { p2: lines.slice(4).join('\n') });
    expect(later.code).toBe(0);
    expect(later.out).toContain('starts after seq 4');
    const sparse = `${[lines[0], lines[4], lines[5]].join('\n')}\n`;
    expect((await cli(['verify', 'r'], { r: sparse })).code).toBe(1);
    const allowed = await cli(['verify', 'r', '--allow-gaps'], { r: sparse });
    expect(allowed.code).toBe(0);
    expect(await cli(['verify', 'e'], { e: '' })).toMatchObject({
      code: 0,
      out: 'ok: 0 entries (ndjson, an empty export)',
    });
  });

  it('explains itself, and refuses a wrong usage or an unreadable file with status 2', async () => {
    expect(await cli(['--help'])).toEqual({ code: 0, out: AUDIT_HELP, err: '' });
    expect((await cli(['-h'])).code).toBe(0);
    expect(await cli([])).toMatchObject({ code: 2, err: expect.stringContaining('name the file to verify') });
    expect(await cli(['check', 'x'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown command "check"'),
    });
    expect(await cli(['verify', 'a', 'b'])).toMatchObject({ code: 2 });
    expect(await cli(['verify', 'missing.ndjson'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('cannot read missing.ndjson'),
    });
  });
});
