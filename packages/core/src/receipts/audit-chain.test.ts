import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, type AuditEntry } from '../contract/audit.js';
import { auditEntryCanonical, auditEntryHash, verifyAuditChain } from './audit-chain.js';
import {
  AuditFormatError,
  auditCsvHeader,
  auditCsvRow,
  auditNdjsonLine,
  parseAuditExport,
} from './audit-format.js';

/** A chain of `n` entries of one owner, hashed as the server does. */
async function chain(n: number, ownerId = 'owner-1'): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let prevHash = AUDIT_GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      seq,
      at: new Date(Date.UTC(2026, 2, 1, 12, 0, seq)).toISOString(),
      type: seq % 2 ? 'review.created' : 'review.voted',
      messageId: `m-${Math.ceil(seq / 2)}`,
      actor:
        seq % 3 === 0 ? { kind: 'system' as const, id: null } : { kind: 'user' as const, id: `u-${seq}` },
      via: 'api',
      data: { n: seq, note: 'a, "b"\nc', nested: { z: 1, a: [true, null] } },
      ownerId,
      prevHash,
    };
    const hash = await auditEntryHash(content);
    out.push({ ...content, hash });
    prevHash = hash;
  }
  return out;
}

describe('auditEntryHash', () => {
  it('is the SHA-256 hex of the canonical JSON, whatever the key order', async () => {
    const [entry] = await chain(1);
    const { hash, ...content } = entry!;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(createHash('sha256').update(auditEntryCanonical(content)).digest('hex')).toBe(hash);
    const reordered = Object.fromEntries(Object.entries(content).reverse()) as typeof content;
    expect(await auditEntryHash(reordered)).toBe(hash);
    expect(auditEntryCanonical(content)).toContain('"actor":{"id":"u-1","kind":"user"}');
    expect(await auditEntryHash({ ...content, via: 'email' })).not.toBe(hash);
  });
});

describe('verifyAuditChain', () => {
  it('accepts a chain, a later part of it, and nothing at all', async () => {
    const entries = await chain(6);
    expect(await verifyAuditChain(entries)).toEqual({
      ok: true,
      count: 6,
      firstSeq: 1,
      lastSeq: 6,
      head: entries[5]!.hash,
      fromGenesis: true,
    });
    expect(await verifyAuditChain(entries.slice(3))).toMatchObject({
      ok: true,
      firstSeq: 4,
      fromGenesis: false,
    });
    expect(await verifyAuditChain([])).toEqual({
      ok: true,
      count: 0,
      firstSeq: null,
      lastSeq: null,
      head: null,
      fromGenesis: false,
    });
  });

  it('names the first entry that is not a link of the chain, and why', async () => {
    const entries = await chain(5);
    const fault = async (list: unknown[], options = {}) => {
      const report = await verifyAuditChain(list, options);
      return report.ok ? undefined : report.fault;
    };
    expect(await fault([entries[0], { ...entries[1], data: { n: 99 } }])).toMatchObject({
      index: 1,
      seq: 2,
      reason: expect.stringContaining('hash does not match'),
    });
    expect(await fault([{ ...entries[0], prevHash: 'f'.repeat(64) }])).toMatchObject({
      index: 0,
      reason: expect.stringContaining('64 zeros'),
    });
    expect(await fault([entries[0], entries[2]])).toMatchObject({
      index: 1,
      reason: 'seq 3 follows seq 1: 1 entry is missing',
    });
    expect(await fault([entries[0], entries[1], entries[1]])).toMatchObject({
      index: 2,
      reason: expect.stringContaining('out of order or repeated'),
    });
    expect(await fault([entries[0], entries[2]], { allowGaps: true })).toBeUndefined();
    const [foreign] = await chain(2, 'owner-2');
    expect(await fault([entries[0], { ...foreign, seq: 2 }])).toMatchObject({
      index: 1,
      reason: 'belongs to owner owner-2, not owner-1',
    });
    expect(await fault([entries[0], { ...entries[1], hash: 'nope' }])).toMatchObject({
      index: 1,
      seq: 2,
      reason: expect.stringMatching(/^not an audit entry \(hash: /),
    });
    expect(await fault(['just text'])).toMatchObject({ index: 0, seq: null });
    expect(await fault([null])).toMatchObject({ index: 0, seq: null });
  });
});

describe('the export formats', () => {
  it('round-trip through NDJSON and CSV (with a BOM, CRLF, quotes, commas and line breaks)', async () => {
    const entries = await chain(4);
    entries[1] = { ...entries[1]!, actor: { kind: 'user', id: '' } };
    const ndjson = entries.map(auditNdjsonLine).join('');
    expect(parseAuditExport(ndjson)).toEqual({ format: 'ndjson', entries, lines: [1, 2, 3, 4] });
    expect(parseAuditExport(`\ufeff${ndjson.replace(/\n/g, '\r\n')}\n\n`).entries).toEqual(entries);

    const csv = auditCsvHeader() + entries.map(auditCsvRow).join('');
    const parsed = parseAuditExport(csv);
    expect(parsed).toEqual({ format: 'csv', entries, lines: [2, 3, 4, 5] });
    // null and the empty string stay apart: an empty cell, and a quoted empty one.
    expect(csv.split('\r\n')[2]).toContain(',user,"",');
    expect(csv.split('\r\n')[3]).toContain(',system,,');
    // A cell with a real line break (a hand-edited file) moves the line numbers on.
    const multiline = csv.replace(',api,', ',"a\r\nb",');
    expect(parseAuditExport(multiline).lines).toEqual([2, 4, 5, 6]);
  });

  it('refuses what is no export, naming the line', () => {
    const error = (text: string) => {
      try {
        parseAuditExport(text);
      } catch (e) {
        return e instanceof AuditFormatError ? `${e.line}: ${e.message}` : String(e);
      }
      return 'parsed';
    };
    expect(error('{"seq":1}\nnot json\n')).toBe('2: line 2: not a JSON line (NDJSON: one entry per line)');
    expect(error(`${auditCsvHeader()}1,2,3\r\n`)).toMatch(/^2: line 2: a CSV row needs 11 cells/);
    expect(error(`${auditCsvHeader()}"open`)).toMatch(/^2: line 2: a quoted CSV cell is not closed/);
    expect(error('seq,at\r\n')).toMatch(/^1: line 1: a CSV header must be exactly/);
    const row = `1,2026-01-01T00:00:00.000Z,t,m,user,u,api,{oops,o,${'0'.repeat(64)},${'0'.repeat(64)}\r\n`;
    expect(error(auditCsvHeader() + row)).toBe('2: line 2: the data cell is not JSON');
    expect(error('')).toBe('parsed');
  });
});
