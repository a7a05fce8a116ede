// Client side of the fan-out scenario, in its own process: N WebSocket connections (Placet's native
// protocol with `subscribe:channel`, or the bare `ws` endpoint). For every `message:created` whose text
// is `fanout-<round>`, each socket's receive time is recorded once; when all N have it, the times are
// sent to the parent.
import WebSocket from 'ws';
import { childRuntime } from '../child.js';
import { wallNow } from '../stats.js';

interface Input {
  url: string;
  sockets: number;
  /** Send `subscribe:channel` with this id and wait for `subscribed` (Placet's protocol). */
  subscribe: string | null;
  batch: number;
}

const { input, send } = childRuntime<Input>();
const args = await input;
const rounds = new Map<number, { times: number[]; count: number }>();
const sockets: WebSocket[] = [];

function receive(index: number, raw: WebSocket.RawData): void {
  const frame = JSON.parse(raw.toString()) as { event?: string; data?: { text?: string } };
  if (frame.event !== 'message:created') return;
  const match = /^fanout-(\d+)$/.exec(frame.data?.text ?? '');
  if (!match) return;
  const at = wallNow();
  const round = Number(match[1]);
  let entry = rounds.get(round);
  if (!entry) {
    entry = { times: new Array<number>(args.sockets).fill(Number.NaN), count: 0 };
    rounds.set(round, entry);
  }
  if (!Number.isNaN(entry.times[index]!)) return;
  entry.times[index] = at;
  entry.count++;
  if (entry.count === args.sockets) {
    rounds.delete(round);
    send({ type: 'round', round, times: entry.times });
  }
}

function connect(index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(args.url, { perMessageDeflate: false });
    sockets.push(socket);
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('open', () => {
      if (!args.subscribe) {
        socket.on('message', (raw) => receive(index, raw));
        return resolve();
      }
      const onSubscribed = (raw: WebSocket.RawData) => {
        const frame = JSON.parse(raw.toString()) as { event?: string };
        if (frame.event === 'error') return reject(new Error(`subscribe refused: ${raw.toString()}`));
        if (frame.event !== 'subscribed') return;
        socket.off('message', onSubscribed);
        socket.on('message', (data) => receive(index, data));
        resolve();
      };
      socket.on('message', onSubscribed);
      socket.send(JSON.stringify({ event: 'subscribe:channel', data: args.subscribe }));
    });
  });
}

for (let i = 0; i < args.sockets; i += args.batch) {
  const batch: Promise<void>[] = [];
  for (let j = i; j < Math.min(args.sockets, i + args.batch); j++) batch.push(connect(j));
  await Promise.all(batch);
}
send({ type: 'ready', sockets: sockets.length });
