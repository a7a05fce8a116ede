import { describeAuditEngine } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT_TYPES, type AuditEntry } from '../src/contract.js';
import { type AuditExport, memoryStore, type Placet, type UserPrincipal } from '../src/index.js';
import { parseAuditExport, verifyAuditChain } from '../src/receipts.js';
import { choiceReview, codeOf, type World, world } from './fixtures.js';

describeAuditEngine({ name: 'memory', store: async () => ({ store: memoryStore() }) });

const APPROVE = { selectedOption: 'approve' };

async function text(file: AuditExport): Promise<string> {
  const decoder = new TextDecoder();
  let out = '';
  for await (const chunk of file.body) out += decoder.decode(chunk, { stream: true });
  return out + decoder.decode();
}

async function member(placet: Placet, name: string): Promise<UserPrincipal> {
  const user = await placet.users.create({
    email: `${name}-${Math.random().toString(36).slice(2)}@example.test`,
    displayName: name,
    role: 'member',
  });
  return placet.userPrincipal(user);
}

interface Run {
  w: World;
  ana: UserPrincipal;
  ben: UserPrincipal;
  /** Answered by a 2-of-2 quorum. */
  quorumId: string;
  /** Decided by its default outcome at expiry. */
  defaultId: string;
  /** Expired (no policy). */
  expiredId: string;
  /** Answered by the owner in the dashboard, with a free-form response. */
  freeformId: string;
}

/** Everything the audit log records, once: the run the tests below export. */
async function run(): Promise<Run> {
  const w = await world();
  const ana = await member(w.placet, 'ana');
  const ben = await member(w.placet, 'ben');
  const ask = (review: { type: string } & Record<string, unknown>) =>
    w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'Deploy?', review });

  const quorum = await ask(
    choiceReview({ assignees: [ana.userId, ben.userId], policy: { mode: 'quorum', required: 2 } }),
  );
  await w.placet.reviews.markRead(ana, quorum.id, { via: 'dashboard' });
  await w.clock.advance(1_000);
  await w.placet.reviews.markRead(ana, quorum.id, { via: 'dashboard' }); // not shown twice
  await w.placet.reviews.respond(ana, quorum.id, { response: APPROVE }, { via: 'email' });
  await w.placet.reviews.respond(ben, quorum.id, { response: APPROVE }, { via: 'push' });

  const byDefault = await ask(
    choiceReview({
      assignees: [ana.userId],
      expiresInSeconds: 20,
      onTimeout: { response: { selectedOption: 'reject' } },
    }),
  );
  const expiring = await ask(choiceReview({ expiresInSeconds: 30 }));
  const freeform = await ask({ type: 'freeform', payload: {} });
  await w.placet.reviews.respond(
    w.user,
    freeform.id,
    // Commas, quotes, line breaks and non-ASCII: what CSV has to quote.
    { response: { note: 'fine, "ship it"\nsecond line – ✓', n: 1.5, list: [null, true] } },
    { via: 'dashboard' },
  );
  await w.clock.advance(31_000);
  await w.placet.sweep();
  return {
    w,
    ana,
    ben,
    quorumId: quorum.id,
    defaultId: byDefault.id,
    expiredId: expiring.id,
    freeformId: freeform.id,
  };
}

describe('the audit log on the memory store', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });
  const started = async () => {
    const r = await run();
    stops.push(() => r.w.placet.stop());
    return r;
  };

  it('a run exports one chain that verifies; every event is there, with its actor and path', async () => {
    const { w, ana, ben, quorumId, defaultId, expiredId, freeformId } = await started();
    const file = await w.placet.audit.export(w.user);
    expect(file.contentType).toBe('application/x-ndjson; charset=utf-8');
    expect(file.nextAfter).toBeNull();
    const parsed = parseAuditExport(await text(file));
    expect(parsed.format).toBe('ndjson');
    const report = await verifyAuditChain(parsed.entries);
    expect(report).toMatchObject({ ok: true, count: file.count, firstSeq: 1, fromGenesis: true });
    const entries = parsed.entries as AuditEntry[];
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(report.ok && report.head).toBe(entries.at(-1)?.hash);
    expect(new Set(entries.map((e) => e.ownerId))).toEqual(new Set([w.owner.id]));

    const brief = (id: string) =>
      entries
        .filter((e) => e.messageId === id)
        .map((e) => `${e.type} ${e.actor.kind}:${e.actor.id ?? '-'} via ${e.via}`);
    expect(brief(quorumId)).toEqual([
      `review.created agent:${w.channelId} via api`,
      `review.shown user:${ana.userId} via dashboard`,
      `review.voted user:${ana.userId} via email`,
      `review.voted user:${ben.userId} via push`,
      `review.completed user:${ben.userId} via push`,
      'receipt.issued system:- via push',
    ]);
    expect(brief(defaultId)).toEqual([
      `review.created agent:${w.channelId} via api`,
      'review.defaulted system:- via sweeper',
      'review.completed system:- via sweeper',
      'receipt.issued system:- via sweeper',
    ]);
    expect(brief(expiredId)).toEqual([
      `review.created agent:${w.channelId} via api`,
      'review.expired system:- via sweeper',
    ]);
    expect(brief(freeformId)).toEqual([
      `review.created agent:${w.channelId} via api`,
      `review.completed user:${w.owner.id} via dashboard`,
      'receipt.issued system:- via dashboard',
    ]);
    // The details: what was voted, how it was decided, which key signed the receipt.
    const of = (id: string, type: string) => entries.find((e) => e.messageId === id && e.type === type)!;
    expect(of(quorumId, 'review.voted').data).toMatchObject({ rejects: false, response: APPROVE });
    expect(of(quorumId, 'review.completed').data).toMatchObject({ outcome: 'quorum', response: APPROVE });
    expect(of(defaultId, 'review.completed').data).toMatchObject({ outcome: 'default', respondedBy: null });
    expect(of(quorumId, 'receipt.issued').data).toMatchObject({ kid: expect.any(String) });
    expect(of(quorumId, 'review.created').data).toMatchObject({ type: 'choice' });
    for (const e of entries) expect(AUDIT_EVENT_TYPES as readonly string[]).toContain(e.type);
    // The entries are in time order (the chain is the order things committed in).
    const times = entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('editing one line of the NDJSON export makes verification name that line', async () => {
    const { w } = await started();
    const original = await text(await w.placet.audit.export(w.user));
    const lines = original.split('\n');
    const lineOf = async (tampered: string) => {
      const parsed = parseAuditExport(tampered);
      const report = await verifyAuditChain(parsed.entries);
      if (report.ok) return { line: undefined, reason: 'verified' };
      return { line: parsed.lines[report.fault.index], reason: report.fault.reason };
    };
    expect(await lineOf(original)).toEqual({ line: undefined, reason: 'verified' });

    // A changed detail on line 5.
    const edited = [...lines];
    edited[4] = edited[4]!.replace(/"via":"[a-z]+"/, '"via":"api2"');
    expect(edited[4]).not.toBe(lines[4]);
    expect(await lineOf(edited.join('\n'))).toEqual({
      line: 5,
      reason: expect.stringContaining('hash does not match'),
    });

    // The same change with the entry's hash recomputed: the next line's link breaks.
    const { auditEntryHash } = await import('../src/receipts.js');
    const entry = JSON.parse(edited[4]!) as AuditEntry;
    const { hash: _old, ...content } = entry;
    edited[4] = JSON.stringify({ ...entry, hash: await auditEntryHash(content) });
    expect(await lineOf(edited.join('\n'))).toEqual({
      line: 6,
      reason: expect.stringContaining('prevHash is not the hash of seq 5'),
    });

    // A line removed: the gap is named where it shows.
    const removed = lines.filter((_, i) => i !== 2);
    expect(await lineOf(removed.join('\n'))).toEqual({
      line: 3,
      reason: expect.stringContaining('seq 4 follows seq 2'),
    });
    // Two lines swapped.
    const swapped = [...lines];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    expect((await lineOf(swapped.join('\n'))).line).toBe(3);
  });

  it('the CSV export holds the same entries (quoted where needed) and verifies', async () => {
    const { w } = await started();
    const ndjson = parseAuditExport(await text(await w.placet.audit.export(w.user)));
    const file = await w.placet.audit.export(w.user, { format: 'csv' });
    expect(file.contentType).toBe('text/csv; charset=utf-8; header=present');
    expect(file.filename).toMatch(/^placet-audit-1-\d+\.csv$/);
    const csv = await text(file);
    expect(csv.split('\r\n')[0]).toBe(
      'seq,at,type,messageId,actorKind,actorId,via,data,ownerId,prevHash,hash',
    );
    const parsed = parseAuditExport(csv);
    expect(parsed.format).toBe('csv');
    expect(parsed.entries).toEqual(ndjson.entries);
    expect(await verifyAuditChain(parsed.entries)).toMatchObject({ ok: true, count: ndjson.entries.length });
    // `data` is JSON, whose strings escape line breaks: one row per line, after the header.
    expect(parsed.lines).toEqual(parsed.entries.map((_, i) => i + 2));
    expect(csv).toContain('""ship it\\""');
    // A CSV edit is caught too, and named by its line.
    const tampered = csv.replace(',sweeper,', ',api,');
    const again = parseAuditExport(tampered);
    const report = await verifyAuditChain(again.entries);
    expect(report.ok).toBe(false);
    if (!report.ok) expect(again.lines[report.fault.index]).toBeGreaterThan(1);
  });

  it('pages: `limit` caps an export, `after` continues it; the pages chain up', async () => {
    const { w } = await started();
    const all = await w.placet.audit.list(w.user);
    const first = await w.placet.audit.list(w.user, { limit: 4 });
    expect(first.entries).toEqual(all.entries.slice(0, 4));
    expect(first.nextAfter).toBe(4);
    const rest = await w.placet.audit.list(w.user, { after: first.nextAfter ?? 0 });
    expect(rest.nextAfter).toBeNull();
    expect([...first.entries, ...rest.entries]).toEqual(all.entries);
    // The second page alone verifies from where it starts; both together verify from the start.
    expect(await verifyAuditChain(rest.entries)).toMatchObject({ ok: true, fromGenesis: false });
    expect(await verifyAuditChain([...first.entries, ...rest.entries])).toMatchObject({ ok: true });
    const file = await w.placet.audit.export(w.user, { limit: 4, format: 'csv' });
    expect(file).toMatchObject({ count: 4, nextAfter: 4, filename: 'placet-audit-1-4.csv' });
  });

  it("a review's entries: its owner and assignees see them; a stranger, another owner and an agent do not", async () => {
    const { w, ana, quorumId } = await started();
    const mine = await w.placet.audit.forReview(w.user, quorumId);
    expect(mine.entries.map((e) => e.type)).toEqual([
      'review.created',
      'review.shown',
      'review.voted',
      'review.voted',
      'review.completed',
      'receipt.issued',
    ]);
    expect(mine.nextAfter).toBeNull();
    // Not consecutive in the chain, but each entry and each link between neighbours still checks.
    expect(await verifyAuditChain(mine.entries, { allowGaps: true })).toMatchObject({ ok: true });
    expect(await w.placet.audit.forReview(ana, quorumId)).toEqual(mine);
    const paged = await w.placet.audit.forReview(ana, quorumId, { limit: 2 });
    expect(paged.entries).toEqual(mine.entries.slice(0, 2));
    expect(paged.nextAfter).toBe(mine.entries[1]!.seq);

    const stranger = await member(w.placet, 'stranger');
    expect(await codeOf(w.placet.audit.forReview(stranger, quorumId))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.audit.forReview(w.user, 'no-such-review'))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.audit.forReview(w.agent, quorumId))).toBe('FORBIDDEN');
    expect(await codeOf(w.placet.audit.export(w.agent))).toBe('FORBIDDEN');
    // Ana's own chain is empty: the entries are the owner's, whoever acted.
    expect((await w.placet.audit.list(ana)).entries).toEqual([]);

    const other = await w.placet.users.create({
      email: `other-${Math.random()}@example.test`,
      displayName: 'Other owner',
      role: 'owner',
    });
    const otherOwner = w.placet.userPrincipal(other);
    expect(await codeOf(w.placet.audit.forReview(otherOwner, quorumId))).toBe('NOT_FOUND');
    expect(await w.placet.audit.list(otherOwner)).toEqual({ entries: [], nextAfter: null });
    expect(await codeOf(w.placet.audit.list(otherOwner, { review: quorumId }))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.audit.export(otherOwner, { review: quorumId }))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.audit.list(w.user, { review: 'no-such-review' }))).toBe('NOT_FOUND');
    // Past the end of a review that has entries: an empty page, not a 404.
    expect(await w.placet.audit.list(w.user, { review: quorumId, after: 10_000 })).toEqual({
      entries: [],
      nextAfter: null,
    });
    const empty = await w.placet.audit.export(otherOwner, { format: 'csv' });
    expect(empty.filename).toBe('placet-audit-empty.csv');
    expect(await text(empty)).toBe(
      'seq,at,type,messageId,actorKind,actorId,via,data,ownerId,prevHash,hash\r\n',
    );
  });

  it('a refused answer records nothing; a deleted message keeps its history; a deleted owner takes the chain', async () => {
    const { w, ana, quorumId, expiredId } = await started();
    const before = (await w.placet.audit.list(w.user)).entries;
    expect(await codeOf(w.placet.reviews.respond(ana, quorumId, { response: APPROVE }))).toBe(
      'REVIEW_NOT_PENDING',
    );
    const fresh = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Again?',
      review: choiceReview({ assignees: [ana.userId, w.owner.id], policy: { mode: 'all' } }),
    });
    await w.placet.reviews.respond(ana, fresh.id, { response: APPROVE });
    const withVote = (await w.placet.audit.list(w.user)).entries;
    expect(withVote.slice(before.length).map((e) => e.type)).toEqual(['review.created', 'review.voted']);
    expect(await codeOf(w.placet.reviews.respond(ana, fresh.id, { response: APPROVE }))).toBe(
      'ALREADY_VOTED',
    );
    expect((await w.placet.audit.list(w.user)).entries).toEqual(withVote);

    await w.placet.messages.delete(w.agent, expiredId);
    const history = await w.placet.audit.forReview(w.user, expiredId);
    expect(history.entries.map((e) => e.type)).toEqual(['review.created', 'review.expired']);
    expect(await codeOf(w.placet.audit.forReview(ana, expiredId))).toBe('NOT_FOUND');
    expect(await verifyAuditChain((await w.placet.audit.list(w.user)).entries)).toMatchObject({ ok: true });

    const inspect = (w.store as ReturnType<typeof memoryStore>).inspect();
    expect(await inspect.count('audit_entries')).toBe(withVote.length);
    expect(await inspect.count('audit_heads')).toBe(1);
    await w.store.users.delete(w.owner.id);
    expect(await inspect.count('audit_entries')).toBe(0);
    expect(await inspect.count('audit_heads')).toBe(0);
  });
});
