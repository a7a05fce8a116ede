import { afterEach, describe, expect, it } from 'vitest';
import { choiceReview, codeOf, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());

describe('iterations', () => {
  it('chains follow-ups of an answered review and refuses deleting a chain member', async () => {
    w = await world();
    const root = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'v1',
      review: choiceReview(),
    });
    expect(
      await codeOf(
        w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'v2', iterationOf: root.id }),
      ),
    ).toBe('VALIDATION_FAILED');
    await w.placet.reviews.respond(w.user, root.id, { response: { selectedOption: 'reject' } });
    const v2 = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'v2',
      iterationOf: root.id,
      review: choiceReview(),
    });
    expect(v2).toMatchObject({ iterationGroupId: root.id, iteration: 2 });
    await w.placet.reviews.respond(w.user, v2.id, { response: { selectedOption: 'reject' } });
    const v3 = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'v3',
      iterationOf: v2.id,
    });
    expect(v3).toMatchObject({ iterationGroupId: root.id, iteration: 3 });
    const chain = await w.placet.messages.iterations(w.agent, v3.id, w.channelId);
    expect(chain.groupId).toBe(root.id);
    expect(chain.iterations.map((m) => [m.text, m.iteration])).toEqual([
      ['v1', 1],
      ['v2', 2],
      ['v3', 3],
    ]);
    await expect(w.placet.messages.delete(w.agent, v2.id)).rejects.toThrow(/iteration chain/);
    expect(
      await codeOf(
        w.placet.messages.create(w.agent, {
          channelId: w.channelId,
          text: 'x',
          iterationOf: 'cnotamessagenotamessage1',
        }),
      ),
    ).toBe('VALIDATION_FAILED');
  });

  it('the root becoming "Rev 1" is one message:updated; later follow-ups leave the chain untouched', async () => {
    w = await world();
    await w.placet.channels.update(w.user, w.channelId, { webhookUrl: 'https://hooks.example.test/placet' });
    const root = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'v1',
      review: choiceReview(),
    });
    await w.placet.reviews.respond(w.user, root.id, { response: { selectedOption: 'reject' } });
    const planned = (await w.placet.deliveries.listForMessage(w.user, root.id)).map((d) => d.event);
    expect(planned).toEqual(['review:responded']);
    const updatesOf = async (afterSeq: number) =>
      (await w.store.events.after(afterSeq, 1000)).filter((e) => e.type === 'message:updated');
    const before = await w.store.events.lastSeq();
    const v2 = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'v2',
      iterationOf: root.id,
      review: choiceReview(),
    });
    const updates = await updatesOf(before);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ subjectId: root.id, channelId: w.channelId });
    // The same presented shape as the message itself (and as other message:updated events).
    const current = await w.placet.messages.get(w.agent, root.id);
    expect(updates[0]?.payload).toMatchObject({
      id: root.id,
      text: 'v1',
      iterationGroupId: root.id,
      iteration: 1,
      review: { status: 'completed' },
    });
    expect(Object.keys(updates[0]?.payload as object).sort()).toEqual(Object.keys(current).sort());
    // message:updated is not a webhook event: nothing new is planned for the root.
    expect((await w.placet.deliveries.listForMessage(w.user, root.id)).map((d) => d.event)).toEqual(planned);

    await w.placet.reviews.respond(w.user, v2.id, { response: { selectedOption: 'reject' } });
    const again = await w.store.events.lastSeq();
    // Following the root again, or a later member: the root is already in the chain.
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'v3', iterationOf: root.id });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'v4', iterationOf: v2.id });
    expect(await updatesOf(again)).toEqual([]);
  });

  it('concurrent follow-ups of one chain get distinct iteration numbers', async () => {
    w = await world();
    const root = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    await w.placet.reviews.respond(w.user, root.id, { response: { selectedOption: 'approve' } });
    const follow = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        w.placet.messages.create(w.agent, { channelId: w.channelId, text: `f${i}`, iterationOf: root.id }),
      ),
    );
    expect(follow.map((m) => m.iteration).sort()).toEqual([2, 3, 4, 5, 6]);
    const rootUpdates = (await w.store.events.after(0, 1000)).filter(
      (e) => e.type === 'message:updated' && e.subjectId === root.id,
    );
    expect(rootUpdates).toHaveLength(1);
  });
});
