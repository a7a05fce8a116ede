import { FakeClock } from '@placet/test-utils';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeClient, until, type World, world } from './harness.js';

let w: World;
afterEach(async () => w?.close());

/** Resolves with the close code, or rejects after `ms`. */
function closed(socket: import('ws').WebSocket, ms = 1000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not closed within ${ms} ms`)), ms);
    socket.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('access ends when it is taken away: open sockets close', () => {
  it('revoking an API key closes its native socket within 1 s (1008); nothing is received after', async () => {
    w = await world();
    const other = await w.placet.apiKeys.create(w.owner.id, { label: 'other' });
    const client = await nativeClient(w.url, '', { 'x-api-key': w.key });
    const bystander = await nativeClient(w.url, '', { 'x-api-key': other.key });
    for (const c of [client, bystander]) c.send('subscribe:channel', w.channelId);
    await until(() => client.frames.length === 1 && bystander.frames.length === 1);

    const keyId = w.agent.kind === 'agent' ? w.agent.apiKeyId : '';
    const code = closed(client.socket);
    await w.placet.apiKeys.revoke(w.owner.id, keyId);
    expect(await code).toBe(1008);
    const framesAtClose = client.frames.length;

    // The key's socket gets nothing more; the other key's socket goes on, and never saw the internal event.
    const otherAgent = (await w.placet.authenticate({ apiKey: other.key }))!;
    await w.placet.messages.create(otherAgent, { channelId: w.channelId, text: 'after revoke' });
    await until(() => bystander.frames.some((f) => f.data?.text === 'after revoke'));
    expect(client.frames).toHaveLength(framesAtClose);
    expect(bystander.frames.map((f) => f.event)).not.toContain('access:revoked');
    expect(client.frames.map((f) => f.event)).not.toContain('access:revoked');
    await bystander.close();
  });

  it('rotating a key closes the sockets opened with the old secret; the new secret connects', async () => {
    w = await world();
    const client = await nativeClient(w.url, `?apiKey=${w.key}`);
    const keyId = w.agent.kind === 'agent' ? w.agent.apiKeyId : '';
    const code = closed(client.socket);
    const { key } = await w.placet.apiKeys.rotate(w.owner.id, keyId);
    expect(await code).toBe(1008);
    await expect(nativeClient(w.url, `?apiKey=${w.key}`)).rejects.toThrow(/401/);
    const fresh = await nativeClient(w.url, `?apiKey=${key}`);
    fresh.send('ping');
    await until(() => fresh.frames.some((f) => f.event === 'pong'));
    await fresh.close();
  });

  it('a Socket.IO agent is disconnected by the server (no automatic reconnect) when its key is revoked', async () => {
    w = await world();
    const socket = io(`${w.url}/ws`, { transports: ['websocket'], auth: { apiKey: w.key }, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const reason = new Promise<string>((resolve) => socket.once('disconnect', (r) => resolve(r)));
      const keyId = w.agent.kind === 'agent' ? w.agent.apiKeyId : '';
      await w.placet.apiKeys.revoke(w.owner.id, keyId);
      // "io server disconnect": socket.io-client does not retry with the dead key.
      expect(await reason).toBe('io server disconnect');
      expect(socket.active).toBe(false);
    } finally {
      socket.disconnect();
    }
  });

  it('the same over long-polling (default options), and the revoked connection is not recoverable', async () => {
    w = await world();
    const socket = io(`${w.url}/ws`, { transports: ['polling'], auth: { apiKey: w.key }, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const pid = (socket as unknown as { _pid: string })._pid;
      expect(await w.placet.options.store.kv.get('placet-ws:sio', pid, new Date())).toBeDefined();
      const reason = new Promise<string>((resolve) => socket.once('disconnect', (r) => resolve(r)));
      const keyId = w.agent.kind === 'agent' ? w.agent.apiKeyId : '';
      await w.placet.apiKeys.revoke(w.owner.id, keyId);
      expect(await reason).toBe('io server disconnect');
      expect(socket.active).toBe(false);
      await until(async () => !(await w.placet.options.store.kv.get('placet-ws:sio', pid, new Date())));
    } finally {
      socket.disconnect();
    }
  });

  it('a resume from before a password change does not close the new session it was opened with', async () => {
    let human: ReturnType<World['placet']['userPrincipal']> | undefined;
    w = await world({ authenticateUser: () => human ?? null });
    const before = await w.placet.events.committedSeq();
    await w.placet.users.changePassword(w.owner.id, 'owner-password', 'owner-password-2');
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'after the change' });
    const session = await w.placet.sessions.create(w.owner.id, 60_000);
    human = { ...w.placet.userPrincipal(w.owner), sessionId: session.id };
    // The replay passes the `access:revoked` of every older session: it was committed before this
    // credential was checked, so it is not about it.
    const client = await nativeClient(w.url, `?fromSeq=${before}`);
    await until(() => client.frames.some((f) => f.data?.text === 'after the change'));
    client.send('ping');
    await until(() => client.frames.some((f) => f.event === 'pong'));
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await client.close();
  });

  it('ending a session closes the sockets of that session only; a password change closes all of them', async () => {
    const sessions = new Map<string, string>();
    w = await world({
      authenticateUser: async (req) => {
        const id = sessions.get(String(req.headers['x-test-session']));
        const found = id ? await w.placet.sessions.find(id) : undefined;
        return found ? { ...w.placet.userPrincipal(found.user), sessionId: found.session.id } : null;
      },
    });
    const open = async (name: string) => {
      const session = await w.placet.sessions.create(w.owner.id, 60_000);
      sessions.set(name, session.id);
      return { session, client: await nativeClient(w.url, '', { 'x-test-session': name }) };
    };
    const a = await open('a');
    const b = await open('b');
    const c = await open('c');

    const aClosed = closed(a.client.socket);
    await w.placet.sessions.end(a.session.id);
    expect(await aClosed).toBe(1008);
    await expect(nativeClient(w.url, '', { 'x-test-session': 'a' })).rejects.toThrow(/401/);
    b.client.send('ping');
    await until(() => b.client.frames.some((f) => f.event === 'pong'));

    // An agent's socket is not a session: a password change leaves it open.
    const agent = await nativeClient(w.url, `?apiKey=${w.key}`);
    const bClosed = closed(b.client.socket);
    const cClosed = closed(c.client.socket);
    await w.placet.users.changePassword(w.owner.id, 'owner-password', 'owner-password-2');
    expect(await bClosed).toBe(1008);
    expect(await cClosed).toBe(1008);
    agent.send('ping');
    await until(() => agent.frames.some((f) => f.event === 'pong'));
    await agent.close();
  });

  it('deleting a user closes everything they had open, sessions and keys', async () => {
    w = await world();
    const member = await w.placet.users.create({
      email: 'member@example.test',
      displayName: 'M',
      password: 'member-password',
    });
    const { key } = await w.placet.apiKeys.create(member.id);
    const client = await nativeClient(w.url, `?apiKey=${key}`);
    const code = closed(client.socket);
    await w.placet.users.delete(w.placet.userPrincipal(w.owner), member.id);
    expect(await code).toBe(1008);
  });

  it('a revocation committed while the credential was being checked still closes the socket', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let checked!: () => void;
    const checking = new Promise<void>((resolve) => {
      checked = resolve;
    });
    w = await world({
      authenticateUser: async () => {
        const principal = w.placet.userPrincipal(w.owner);
        const session = await w.placet.sessions.create(w.owner.id, 60_000);
        checked();
        await gate; // the credential was checked; the session ends before the socket is set up
        return { ...principal, sessionId: session.id };
      },
    });
    const opening = nativeClient(w.url, '');
    await checking;
    const before = w.placet.events.lastSeq();
    await w.placet.sessions.endAll(w.owner.id);
    // The hub dispatches the revocation before the socket's subscription exists.
    await until(() => w.placet.events.lastSeq() > before);
    release();
    const client = await opening;
    expect(await closed(client.socket)).toBe(1008);
  });
});

describe('resume from before the outbox retention floor', () => {
  it('gets a resync frame instead of a partial replay, then live events', async () => {
    const clock = new FakeClock(new Date('2026-03-01T12:00:00Z'));
    w = await world({}, { clock, eventRetentionMs: 3600_000, sweepIntervalMs: 3_600_000 });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'old' });
    await clock.advance(3600_000 + 1000);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'kept' });
    await w.placet.sweep();
    const client = await nativeClient(w.url, `?fromSeq=0&apiKey=${w.key}`);
    await until(() => client.frames.length >= 1);
    expect(client.frames[0]).toMatchObject({ event: 'resync', data: { reason: 'retention', fromSeq: 0 } });
    expect(client.frames[0]!.data.floorSeq).toBeGreaterThan(0);
    client.send('subscribe:channel', w.channelId);
    await until(() => client.frames.some((f) => f.event === 'subscribed'));
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'live' });
    await until(() => client.frames.some((f) => f.data?.text === 'live'));
    expect(client.frames.filter((f) => f.event === 'message:created').map((f) => f.data.text)).toEqual([
      'live',
    ]);
    await client.close();
  });
});
