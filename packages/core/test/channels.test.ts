import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../src/index.js';
import { codeOf, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('channels', () => {
  it('updates, tags, sets commands, and deletes with messages and files', async () => {
    w = await world();
    const updated = await w.placet.channels.update(w.agent, w.channelId, {
      description: 'Deploys things',
      avatarUrl: 'https://x.test/a.png',
    });
    expect(updated).toMatchObject({ name: 'deploy-bot', description: 'Deploys things' });
    expect(await w.placet.channels.update(w.agent, w.channelId, { description: null })).toMatchObject({
      description: null,
    });
    expect(await w.placet.channels.setTag(w.agent, { channelId: w.channelId, tag: 'prod' })).toMatchObject({
      tag: 'prod',
    });
    const cmds = await w.placet.channels.setCommands(w.agent, w.channelId, {
      commands: [{ command: 'deploy', description: 'Ship it', acceptsArgs: true }],
    });
    expect(cmds.commands).toEqual([{ command: 'deploy', description: 'Ship it', acceptsArgs: true }]);
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      textAttachments: [{ content: 'log' }],
    });
    const key = `channels/${w.channelId}/${msg.attachments[0]!.id}`;
    expect(await w.placet.channels.delete(w.agent, w.channelId)).toEqual({ deleted: true });
    expect(await codeOf(w.placet.messages.get(w.agent, msg.id))).toBe('NOT_FOUND');
    expect(await w.placet.options.files.get(key)).toBeUndefined();
    expect(await codeOf(w.placet.channels.get(w.agent, w.channelId))).toBe('NOT_FOUND');
  });

  it("links sub-agents to the owner's channels only, without cycles, at most 16 deep", async () => {
    w = await world();
    const chain = [w.channelId];
    for (let i = 0; i < 16; i++) {
      const c = await w.placet.channels.create(w.agent, { name: `sub-${i}` });
      await w.placet.channels.setSubagent(w.agent, {
        channelId: c.id,
        isSubagent: true,
        parentChannelId: chain.at(-1),
      });
      chain.push(c.id);
    }
    const tooDeep = await w.placet.channels.create(w.agent, { name: 'too-deep' });
    expect(
      await codeOf(
        w.placet.channels.setSubagent(w.agent, {
          channelId: tooDeep.id,
          isSubagent: true,
          parentChannelId: chain.at(-1),
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    // Making the root a child of its own descendant is a cycle.
    await expect(
      w.placet.channels.setSubagent(w.agent, {
        channelId: w.channelId,
        isSubagent: true,
        parentChannelId: chain[3],
      }),
    ).rejects.toThrow(/cycle/);
    const other = await w.placet.users.create({
      email: 'x@example.test',
      displayName: 'X',
      password: 'password-x',
    });
    const otherAgent = (await w.placet.authenticate({
      apiKey: (await w.placet.apiKeys.create(other.id)).key,
    }))!;
    const foreign = await w.placet.channels.create(otherAgent, { name: 'foreign' });
    expect(
      await codeOf(
        w.placet.channels.setSubagent(w.agent, {
          channelId: tooDeep.id,
          isSubagent: true,
          parentChannelId: foreign.id,
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(
      await w.placet.channels.setSubagent(w.agent, { channelId: chain[1]!, isSubagent: false }),
    ).toMatchObject({ isSubagent: false, parentAgentId: null });
  });

  it('setWebhook returns the signing secret once; no read path shows a secret afterwards', async () => {
    w = await world();
    const events: EventRecord[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id }, (e) => events.push(e));
    const set = await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: 'https://hooks.example.test/placet',
      headers: { 'X-Token': 'header-secret-value' },
      auth: { username: 'bot', password: 'basic-secret-password' },
    });
    expect(set.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(set.webhookSecret!.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(set).toMatchObject({
      webhookUrl: 'https://hooks.example.test/placet',
      webhookHeaders: { 'X-Token': '***' },
      webhookAuth: { username: 'bot', password: '***' },
      hasSigningSecret: true,
    });
    const again = await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: 'https://hooks.example.test/v2',
    });
    expect(again.webhookSecret).toBeUndefined();
    const rotated = await w.placet.webhooks.rotateSecret(w.agent, w.channelId);
    expect(rotated.webhookSecret).not.toBe(set.webhookSecret);
    await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: 'https://hooks.example.test/v3',
      headers: { 'X-Token': 'header-secret-value' },
      auth: { username: 'bot', password: 'basic-secret-password' },
    });
    await settle();
    const everything = JSON.stringify([
      await w.placet.channels.list(w.agent),
      await w.placet.channels.get(w.agent, w.channelId),
      await w.placet.channels.list(w.user),
      events,
    ]);
    for (const secret of [
      'header-secret-value',
      'basic-secret-password',
      set.webhookSecret!,
      rotated.webhookSecret,
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(events.filter((e) => e.type === 'channel:updated').length).toBeGreaterThanOrEqual(3);
    const cleared = await w.placet.webhooks.deleteWebhook(w.agent, { channelId: w.channelId });
    expect(cleared).toMatchObject({ webhookUrl: null, webhookHeaders: null, webhookAuth: null });
  });

  it('refuses agent management with 501 instead of dropping its fields', async () => {
    w = await world();
    expect(
      await codeOf(
        w.placet.webhooks.setManagement(w.agent, {
          channelId: w.channelId,
          url: 'https://m.test',
          apiKey: 'k',
        }),
      ),
    ).toBe('NOT_IMPLEMENTED');
    expect(
      await codeOf(
        w.placet.webhooks.setWebhook(w.agent, {
          channelId: w.channelId,
          url: 'https://h.test',
          management: { url: 'https://m.test', apiKey: 'k' },
        }),
      ),
    ).toBe('NOT_IMPLEMENTED');
  });
});

describe('agent status', () => {
  it('ping records liveness; statusSince and history change only on a transition', async () => {
    w = await world();
    const first = await w.placet.status.ping(w.agent, {
      agentId: w.channelId,
      status: 'active',
      message: 'working',
    });
    expect(first).toMatchObject({
      status: 'active',
      statusMessage: 'working',
      lastActiveAt: w.clock.now().toISOString(),
      statusSince: w.clock.now().toISOString(),
    });
    await w.clock.advance(60_000);
    const second = await w.placet.status.ping(w.agent, { agentId: w.channelId, status: 'active' });
    expect(second.statusSince).toBe(first.statusSince);
    expect(second.lastActiveAt).toBe(w.clock.now().toISOString());
    expect(second.statusMessage).toBeNull();
    await w.placet.status.ping(w.agent, { agentId: w.channelId, status: 'busy' });
    expect((await w.placet.status.history(w.agent, w.channelId)).map((h) => h.status)).toEqual([
      'busy',
      'active',
    ]);
    // @ts-expect-error an invalid status: the engine refuses it whatever the static type.
    expect(await codeOf(w.placet.status.ping(w.agent, { agentId: w.channelId, status: 'sleeping' }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      await codeOf(w.placet.status.ping(w.agent, { agentId: 'cnopenopenopenopenope1', status: 'active' })),
    ).toBe('NOT_FOUND');
  });

  it('an agent silent for offlineAfterMs turns offline through the sweeper, with one event', async () => {
    w = await world();
    await w.placet.status.ping(w.agent, { agentId: w.channelId, status: 'busy' });
    const statusEvents: EventRecord[] = [];
    w.placet.events.subscribe(
      { ownerId: w.owner.id },
      (e) => e.type === 'agent:status' && statusEvents.push(e),
    );
    await w.clock.advance(5 * 60_000 - 1);
    expect((await w.placet.channels.get(w.agent, w.channelId)).status).toBe('busy');
    await w.clock.advance(10_000);
    await w.placet.sweep();
    await w.clock.advance(60_000);
    expect((await w.placet.channels.get(w.agent, w.channelId)).status).toBe('offline');
    expect(statusEvents.map((e) => (e.payload as { status: string }).status)).toEqual(['offline']);
    expect((await w.placet.status.history(w.agent, w.channelId))[0]?.status).toBe('offline');
  });
});
