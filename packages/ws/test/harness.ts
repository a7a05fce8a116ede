import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlacet, type Placet, silentLogger } from '@placet/core';
import { approval } from '@placet/plugin-approval';
import WebSocket from 'ws';
import { attachRealtime, type Realtime, type RealtimeOptions } from '../src/index.js';

export interface World {
  placet: Placet;
  server: Server;
  realtime: Realtime;
  url: string;
  key: string;
  owner: { id: string; role: 'owner' | 'member' };
  agent: NonNullable<Awaited<ReturnType<Placet['authenticate']>>>;
  channelId: string;
  close(): Promise<void>;
}

export async function world(
  options: RealtimeOptions = {},
  placetOptions: Parameters<typeof createPlacet>[0] = {},
): Promise<World> {
  const placet = createPlacet({ plugins: [approval()], logger: silentLogger(), ...placetOptions });
  await placet.start();
  const server = createServer((_req, res) => res.writeHead(404).end());
  const realtime = attachRealtime(placet, server, options);
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const owner = await placet.users.create({
    email: `o-${Math.random()}@example.test`,
    displayName: 'O',
    password: 'owner-password',
    role: 'owner',
  });
  const { key } = await placet.apiKeys.create(owner.id);
  const agent = (await placet.authenticate({ apiKey: key }))!;
  const channel = await placet.channels.create(agent, { name: 'bot' });
  return {
    placet,
    server,
    realtime,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    key,
    owner,
    agent,
    channelId: channel.id,
    async close() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await placet.stop();
    },
  };
}

/** A native-protocol client that records every frame it receives. */
export async function nativeClient(url: string, query: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws${query}`, { headers });
  const frames: { event: string; data: any; seq?: number }[] = [];
  socket.on('message', (raw) => frames.push(JSON.parse(raw.toString())));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    socket,
    frames,
    send: (event: string, data?: unknown) => socket.send(JSON.stringify({ event, data })),
    close: () =>
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

export async function until(predicate: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
