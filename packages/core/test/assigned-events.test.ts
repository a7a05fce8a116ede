import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../src/adapter.js';
import { choiceReview, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

describe('review:assigned: assignees see the reviews of other owners live', () => {
  it('copies creation, votes, the decision and expiry into each assignee’s stream, and nothing else', async () => {
    w = await world();
    const alice = await w.placet.users.create({
      email: 'alice@example.test',
      displayName: 'Alice',
      role: 'member',
    });
    const bob = await w.placet.users.create({
      email: 'bob@example.test',
      displayName: 'Bob',
      role: 'member',
    });
    const seen: Record<string, EventRecord[]> = { alice: [], bob: [], owner: [] };
    const offs = [
      w.placet.events.subscribe({ ownerId: alice.id }, (e) => seen.alice!.push(e)),
      w.placet.events.subscribe({ ownerId: bob.id }, (e) => seen.bob!.push(e)),
      w.placet.events.subscribe({ ownerId: w.owner.id }, (e) => seen.owner!.push(e)),
    ];
    const decided = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview({
        assignees: [alice.id, bob.id, w.owner.id],
        policy: { mode: 'quorum', required: 2 },
      }),
    });
    await w.placet.reviews.respond(w.placet.userPrincipal(alice), decided.id, {
      response: { selectedOption: 'approve' },
    });
    await w.placet.reviews.respond(w.placet.userPrincipal(bob), decided.id, {
      response: { selectedOption: 'approve' },
    });
    const expiring = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Later?',
      review: choiceReview({ assignees: [alice.id], expiresInSeconds: 60 }),
    });
    // A plain review and a plain message are the owner's only.
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'hi', review: choiceReview() });
    await w.clock.advance(61_000);
    await w.placet.sweep();
    await settle();
    for (const off of offs) off();

    const inner = (events: EventRecord[]) =>
      events.map((e) => {
        expect(e.type).toBe('review:assigned');
        const { event, payload } = e.payload as {
          event: string;
          payload: { id?: string; messageId?: string };
        };
        return [event, payload.id ?? payload.messageId];
      });
    expect(inner(seen.alice!)).toEqual([
      ['message:created', decided.id],
      ['message:updated', decided.id],
      ['review:responded', decided.id],
      ['message:created', expiring.id],
      ['review:expired', expiring.id],
    ]);
    expect(inner(seen.bob!)).toEqual([
      ['message:created', decided.id],
      ['message:updated', decided.id],
      ['review:responded', decided.id],
    ]);
    // The owner (also an assignee of the first) gets the originals, never a copy.
    expect(seen.owner!.some((e) => e.type === 'review:assigned')).toBe(false);
    expect(seen.owner!.filter((e) => e.type === 'review:responded')).toHaveLength(1);
  });
});
