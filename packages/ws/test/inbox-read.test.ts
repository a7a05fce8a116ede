import { afterEach, describe, expect, it } from 'vitest';
import { nativeClient, until, type World, world } from './harness.js';

/** `inbox:read` ("mark all read", `POST /reviews/read`) reaches the human's own sockets, never an agent's. */

let w: World;
afterEach(async () => w?.close());

describe('inbox:read over the WebSocket', () => {
  it("reaches the human's other sessions with the filter and the count; an agent socket never sees it", async () => {
    let human: ReturnType<World['placet']['userPrincipal']> | undefined;
    w = await world({ authenticateUser: () => human ?? null });
    human = w.placet.userPrincipal(w.owner);
    const tab = await nativeClient(w.url, '');
    const agent = await nativeClient(w.url, `?apiKey=${w.key}`);
    agent.send('subscribe:channel', w.channelId);
    await until(() => agent.frames.some((f) => f.event === 'subscribed'));
    const review = {
      type: 'approval',
      payload: { options: [{ id: 'approve', label: 'Approve' }] },
    };
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'Deploy?', review });
    await until(() => tab.frames.some((f) => f.event === 'message:created'));

    expect(await w.placet.reviews.markAllRead(human, { search: 'deploy' })).toEqual({ marked: 1 });
    await until(() => tab.frames.some((f) => f.event === 'inbox:read'));
    const frame = tab.frames.find((f) => f.event === 'inbox:read')!;
    expect(frame.data).toEqual({
      userId: w.owner.id,
      filter: { scope: null, status: 'pending', channel: null, type: null, search: 'deploy' },
      marked: 1,
      readAt: expect.any(String),
    });
    expect(frame.seq).toEqual(expect.any(Number));
    // A later event reaches the agent, so the agent's socket has caught up past the inbox:read.
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'after' });
    await until(() => agent.frames.some((f) => f.event === 'message:created' && f.data.text === 'after'));
    expect(agent.frames.map((f) => f.event)).not.toContain('inbox:read');
    await tab.close();
    await agent.close();
  });
});
