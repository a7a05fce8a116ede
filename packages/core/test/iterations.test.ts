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
  });
});
