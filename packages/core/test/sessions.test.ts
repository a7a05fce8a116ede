import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../src/index.js';
import { memoryStore } from '../src/index.js';
import { definePlugin } from '../src/plugin.js';
import { PASSWORD_HASHING, passwordHashingLoad, verifyPassword } from '../src/util/secrets.js';
import { codeOf, countingStore, testPlugin, world } from './fixtures.js';

function revocations(events: EventRecord[]) {
  return events.filter((e) => e.type === 'access:revoked').map((e) => e.payload);
}

describe('sessions and revocation', () => {
  it('a session is found until it is ended or expires; ending it emits access:revoked', async () => {
    const w = await world();
    const session = await w.placet.sessions.create(w.owner.id, 60_000);
    expect((await w.placet.sessions.find(session.id))?.user.id).toBe(w.owner.id);
    expect(await w.placet.sessions.end(session.id)).toBe(true);
    expect(await w.placet.sessions.end(session.id)).toBe(false);
    expect(await w.placet.sessions.find(session.id)).toBeUndefined();
    const expiring = await w.placet.sessions.create(w.owner.id, 1000);
    await w.clock.advance(1000);
    expect(await w.placet.sessions.find(expiring.id)).toBeUndefined();
    expect(revocations(await w.store.events.after(0, 1000))).toEqual([
      { userId: w.owner.id, sessionId: session.id, reason: 'logout' },
    ]);
    await w.placet.stop();
  });

  it('a password change ends every session; deleting a user ends everything; key revoke and rotate are events', async () => {
    const w = await world();
    const a = await w.placet.sessions.create(w.owner.id, 60_000);
    const b = await w.placet.sessions.create(w.owner.id, 60_000);
    await w.placet.users.changePassword(w.owner.id, 'correct horse battery', 'another horse battery');
    expect(await w.placet.sessions.find(a.id)).toBeUndefined();
    expect(await w.placet.sessions.find(b.id)).toBeUndefined();

    const member = await w.placet.users.create({
      email: 'm@example.test',
      displayName: 'M',
      password: 'pw-member-1',
    });
    const { apiKey } = await w.placet.apiKeys.create(member.id);
    const rotated = await w.placet.apiKeys.create(w.owner.id, { label: 'r' });
    await w.placet.apiKeys.rotate(w.owner.id, rotated.apiKey.id);
    await w.placet.apiKeys.revoke(w.owner.id, rotated.apiKey.id);
    await w.placet.users.delete(w.user, member.id);
    expect(await codeOf(w.placet.apiKeys.revoke(member.id, apiKey.id))).toBe('NOT_FOUND');

    expect(revocations(await w.store.events.after(0, 1000))).toEqual([
      { userId: w.owner.id, allSessions: true, reason: 'password_changed' },
      { userId: w.owner.id, apiKeyId: rotated.apiKey.id, reason: 'api_key_rotated' },
      { userId: w.owner.id, apiKeyId: rotated.apiKey.id, reason: 'api_key_revoked' },
      { userId: member.id, reason: 'user_deleted' },
    ]);
    await w.placet.stop();
  });

  it("internal events never reach a plugin's event stream", async () => {
    const seen: string[] = [];
    const spy = definePlugin({
      name: 'spy',
      version: '1.0.0',
      init: (ctx) => ctx.events.subscribe((e: EventRecord) => void seen.push(e.type)),
    });
    const w = await world({ placet: { plugins: [testPlugin(), spy] } });
    const s = await w.placet.sessions.create(w.owner.id, 60_000);
    await w.placet.sessions.end(s.id);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'hi' });
    await expect.poll(() => seen).toContain('message:created');
    expect(seen).not.toContain('access:revoked');
    await w.placet.stop();
  });

  it('a ticket nonce is claimed once', async () => {
    const w = await world();
    const until = new Date(w.clock.now().getTime() + 30_000);
    expect(await w.placet.sessions.claimOnce('nonce-1', until)).toBe(true);
    expect(await w.placet.sessions.claimOnce('nonce-1', until)).toBe(false);
    expect(await w.placet.sessions.claimOnce('nonce-2', until)).toBe(true);
    await w.placet.stop();
  });
});

describe('event replay by owner, retention and resync', () => {
  it('a resume replays one owner’s events through the owner index, never the whole outbox', async () => {
    const counting = countingStore(memoryStore());
    const w = await world({ store: counting.store });
    const other = await w.placet.users.create({
      email: 'o@example.test',
      displayName: 'O',
      password: 'pw-other-1',
    });
    const otherAgent = (await w.placet.authenticate({
      apiKey: (await w.placet.apiKeys.create(other.id)).key,
    }))!;
    const otherChannel = await w.placet.channels.create(otherAgent, { name: 'theirs' });
    const from = w.placet.events.lastSeq();
    for (let i = 0; i < 5; i++) {
      await w.placet.messages.create(w.agent, { channelId: w.channelId, text: `mine ${i}` });
      await w.placet.messages.create(otherAgent, { channelId: otherChannel.id, text: `theirs ${i}` });
    }
    counting.calls.clear();
    const got: EventRecord[] = [];
    const off = w.placet.events.subscribe({ ownerId: w.owner.id, fromSeq: from }, (e) => got.push(e));
    await expect.poll(() => got.length).toBe(5);
    expect(got.every((e) => e.ownerId === w.owner.id)).toBe(true);
    expect(counting.calls.get('events.after') ?? 0).toBe(0);
    expect(counting.calls.get('events.afterForOwner')).toBeGreaterThan(0);
    off();
    await w.placet.stop();
  });

  it('retention deletes old events and raises the floor; a resume from before it is told to resync', async () => {
    const w = await world({ placet: { eventRetentionMs: 3600_000, sweepIntervalMs: 60_000 } });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'old' });
    const oldSeq = w.placet.events.lastSeq();
    await w.clock.advance(w.placet.options.eventRetentionMs + 1000);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'new' });
    await w.placet.sweep();
    const floor = await w.store.kv.get('placet:outbox', 'floor', w.clock.now());
    expect(floor?.value).toBeGreaterThanOrEqual(oldSeq);

    const resyncs: unknown[] = [];
    const got: EventRecord[] = [];
    const off = w.placet.events.subscribe(
      { ownerId: w.owner.id, fromSeq: 0, onResync: (r) => resyncs.push(r) },
      (e) => got.push(e),
    );
    await expect.poll(() => resyncs).toEqual([{ reason: 'retention', fromSeq: 0, floorSeq: floor?.value }]);
    expect(got).toEqual([]);
    // It goes on live.
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'live' });
    await expect.poll(() => got.map((e) => (e.payload as { text?: string }).text)).toEqual(['live']);
    off();

    // A resume from the floor or later replays as before.
    const replayed: EventRecord[] = [];
    const off2 = w.placet.events.subscribe(
      { ownerId: w.owner.id, fromSeq: Number(floor?.value), onResync: () => replayed.push(null as never) },
      (e) => replayed.push(e),
    );
    await expect.poll(() => replayed.length).toBeGreaterThanOrEqual(2);
    expect(replayed.every((e) => e !== null)).toBe(true);
    off2();
    await w.placet.stop();
  });
});

describe('password hashing is bounded', () => {
  it('runs at most `concurrency` scrypts at once and refuses beyond the queue', async () => {
    const stored = 'scrypt$16384$8$1$c2FsdA==$aGFzaA==';
    let peak = 0;
    const sample = setInterval(() => {
      peak = Math.max(peak, passwordHashingLoad().running);
    }, 1);
    const total = PASSWORD_HASHING.concurrency + PASSWORD_HASHING.maxQueued + 10;
    const results = await Promise.allSettled(
      Array.from({ length: total }, () => verifyPassword('guess', stored)),
    );
    clearInterval(sample);
    const refused = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'RATE_LIMITED',
    );
    expect(refused).toHaveLength(10);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(total - 10);
    expect(peak).toBeLessThanOrEqual(PASSWORD_HASHING.concurrency);
    expect(passwordHashingLoad()).toEqual({ running: 0, queued: 0 });
  });
});

describe('a replay filtered by channel', () => {
  it('pages past a full page of other channels’ events (no endless loop) and delivers its own', async () => {
    const w = await world();
    const other = await w.placet.channels.create(w.agent, { name: 'busy' });
    const from = w.placet.events.lastSeq();
    for (let i = 0; i < 520; i++)
      await w.placet.messages.create(w.agent, { channelId: other.id, text: `n${i}` });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'mine' });
    const got: EventRecord[] = [];
    const off = w.placet.events.subscribe(
      { ownerId: w.owner.id, channelIds: [w.channelId], fromSeq: from },
      (e) => got.push(e),
    );
    await expect.poll(() => got.map((e) => (e.payload as { text?: string }).text)).toEqual(['mine']);
    off();
    await w.placet.stop();
  });
});
