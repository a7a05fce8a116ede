import { afterEach, describe, expect, it } from 'vitest';
import { createPlacet, type EventRecord, silentLogger } from '../src/index.js';
import { definePlugin } from '../src/plugin.js';
import { choiceReview, codeOf, testPlugin, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('event outbox', () => {
  it('delivers events in seq order and replays from a seq without duplicates', async () => {
    w = await world();
    const live: EventRecord[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id }, (e) => live.push(e));
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'a',
      review: choiceReview(),
    });
    await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
    await w.placet.messages.ack(w.agent, msg.id);
    await settle();
    expect(live.map((e) => e.type)).toEqual(['message:created', 'review:responded', 'message:delivery']);
    expect(live.map((e) => e.seq)).toEqual([...live.map((e) => e.seq)].sort((a, b) => a - b));
    expect(live[0]?.payload).toMatchObject({
      id: msg.id,
      agentName: 'deploy-bot',
      review: { status: 'pending' },
    });

    // A client that saw the first event resumes: the rest, once each, then live events.
    const resumed: EventRecord[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id, fromSeq: live[0]!.seq }, (e) => resumed.push(e));
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'b' });
    await settle();
    expect(resumed.map((e) => e.type)).toEqual(['review:responded', 'message:delivery', 'message:created']);
  });

  it('scopes subscriptions to the owner and channels; secrets never appear in events', async () => {
    w = await world();
    const other = await w.placet.channels.create(w.agent, { name: 'other' });
    const seen: EventRecord[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id, channelIds: [other.id] }, (e) => seen.push(e));
    const stranger: EventRecord[] = [];
    w.placet.events.subscribe({ ownerId: 'csomebodyelsesomebodyelse' }, (e) => stranger.push(e));
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'not for other' });
    await w.placet.messages.create(w.agent, { channelId: other.id, text: 'for other' });
    await settle();
    expect(seen.map((e) => (e.payload as { text: string }).text)).toEqual(['for other']);
    expect(stranger).toEqual([]);
  });

  it("plugins' event streams receive committed events after commit, never rolled-back ones", async () => {
    const got: string[] = [];
    const spy = definePlugin({
      name: 'spy',
      version: '1.0.0',
      init: (ctx) =>
        ctx.events.subscribe((e) => void got.push((e.payload as { text: string }).text), {
          types: ['message:created'],
        }),
    });
    const placet = createPlacet({ plugins: [testPlugin(), spy], logger: silentLogger() });
    await placet.start();
    const owner = await placet.users.create({
      email: 'n@example.test',
      displayName: 'N',
      password: 'notifier-pass',
    });
    const agent = (await placet.authenticate({ apiKey: (await placet.apiKeys.create(owner.id)).key }))!;
    const channel = await placet.channels.create(agent, { name: 'c' });
    await placet.messages.create(agent, { channelId: channel.id, text: 'kept' });
    expect(
      await codeOf(
        placet.messages.create(agent, {
          channelId: channel.id,
          text: 'rolled back',
          attachmentIds: ['cmissingmissingmissing1'],
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    await settle();
    expect(got).toEqual(['kept']);
    await placet.stop();
  });

  it('two instances in one process share nothing', async () => {
    w = await world();
    const second = await world();
    const inFirst: EventRecord[] = [];
    const inSecond: EventRecord[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id }, (e) => inFirst.push(e));
    second.placet.events.subscribe({ ownerId: w.owner.id }, (e) => inSecond.push(e));
    second.placet.events.subscribe({ ownerId: second.owner.id }, (e) => inSecond.push(e));
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'only in the first' });
    await settle();
    expect(inFirst).toHaveLength(1);
    expect(inSecond).toEqual([]);
    expect(await second.placet.authenticate({ apiKey: w.key })).toBeNull();
    await second.placet.stop();
  });

  it('rejects invalid options with the paths, never the values', () => {
    let error: { code?: string; message: string } | undefined;
    try {
      createPlacet({
        sweepIntervalMs: 'postgres://user:secret@db' as unknown as number,
        store: { nope: true } as never,
      });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error?.code).toBe('INVALID_OPTIONS');
    expect(error?.message).toContain('sweepIntervalMs');
    expect(error?.message).toContain('store');
    expect(error?.message).not.toContain('secret');
  });
});
