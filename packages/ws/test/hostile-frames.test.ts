import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nativeClient, until, type World, world } from './harness.js';

/**
 * Frames built to break a handler: nesting so deep that `JSON.stringify` overflows the stack, and objects
 * whose `String()` throws. Each used to escape its handler as an unhandled rejection — which ends a Node
 * process. Now each is refused with an `error` frame, and the connection keeps working.
 */

let w: World;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
process.on('unhandledRejection', onRejection);
afterEach(async () => {
  await w?.close();
  rejections.length = 0;
});

const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('hostile frames', () => {
  it('native: refuses each one with an error frame, leaves no unhandled rejection, keeps serving', async () => {
    w = await world();
    const client = await nativeClient(w.url, '', { 'x-api-key': w.key });
    const frames = [
      `{"event":"message:delta","data":{"channelId":"${w.channelId}","x":${deep(100_000)}}}`,
      `{"event":"subscribe:channel","data":${deep(100_000)}}`,
      '{"event":"subscribe:channel","data":{"toString":1}}',
      '{"event":"unsubscribe:channel","data":{"toString":1}}',
    ];
    for (const frame of frames) client.socket.send(frame);
    await until(() => client.frames.length >= 4);
    // The handlers are async: the answers may come in any order.
    const errors = client.frames.filter((f) => f.event === 'error').map((f) => f.data);
    expect(errors).toHaveLength(3);
    expect(errors).toEqual(
      expect.arrayContaining([
        { event: 'message:delta', message: 'payload too large' },
        { event: 'subscribe:channel', message: 'Channel not found', channelId: null },
      ]),
    );
    expect(errors.filter((e) => e.event === 'subscribe:channel')).toHaveLength(2);
    expect(client.frames.filter((f) => f.event === 'unsubscribed')).toHaveLength(1);
    client.send('subscribe:channel', w.channelId);
    await until(() => client.frames.some((f) => f.event === 'subscribed'));
    expect(rejections).toEqual([]);
    await client.close();
  });

  it('socket.io: the same frames are refused and the connection keeps serving', async () => {
    w = await world();
    const socket = new WebSocket(`${w.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const packets: string[] = [];
    socket.on('message', (raw) => packets.push(raw.toString()));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(`40/ws,${JSON.stringify({ apiKey: w.key })}`);
    await until(() => packets.some((p) => p.startsWith('40/ws,')));
    socket.send(`42/ws,1["message:delta",{"channelId":"${w.channelId}","x":${deep(100_000)}}]`);
    socket.send(`42/ws,2["subscribe:channel",${deep(100_000)}]`);
    socket.send('42/ws,3["subscribe:channel",{"toString":1}]');
    await until(() => packets.filter((p) => p.startsWith('43/ws,')).length >= 3);
    const acks = packets.filter((p) => p.startsWith('43/ws,')).sort();
    expect(acks).toEqual([
      '43/ws,1[{"ok":false,"error":"payload too large"}]',
      '43/ws,2[{"ok":false,"error":"Channel not found"}]',
      '43/ws,3[{"ok":false,"error":"Channel not found"}]',
    ]);
    socket.send(`42/ws,4["subscribe:channel","${w.channelId}"]`);
    await until(() => packets.some((p) => p.startsWith('43/ws,4')));
    expect(packets.find((p) => p.startsWith('43/ws,4'))).toBe(
      `43/ws,4[{"ok":true,"channelId":"${w.channelId}"}]`,
    );
    expect(rejections).toEqual([]);
    socket.close();
  });
});
