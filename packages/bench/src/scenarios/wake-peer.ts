// Process B of the cross-process wake benchmark: its own Placet on the same Postgres schema and
// LISTEN/NOTIFY channel as the parent (process A). On `wait`, it long-polls the review, reports
// `asleep` when the waiter arms its timeout, and `woke` (with a wall-clock time) when the wait returns.
import { type AgentPrincipal, type Clock, createPlacet, silentLogger, systemClock } from '@placet/core';
import { postgresStore, postgresTransport } from '@placet/db-postgres';
import { approval } from '@placet/plugin-approval';
import { childRuntime } from '../child.js';
import { wallNow } from '../stats.js';

interface Input {
  url: string;
  notifyChannel: string;
  apiKey: string;
  timeoutMs: number;
}

const { input, send, on } = childRuntime<Input>();
const args = await input;
const base = systemClock();
let onTimer: ((ms: number) => void) | undefined;
const clock: Clock = {
  now: () => base.now(),
  setTimer(fn, ms) {
    const handle = base.setTimer(fn, ms);
    onTimer?.(ms);
    return handle;
  },
  clearTimer: (handle) => base.clearTimer(handle),
};
const placet = createPlacet({
  plugins: [approval()],
  store: postgresStore({ connectionString: args.url }),
  transport: postgresTransport({ connectionString: args.url, channel: args.notifyChannel }),
  clock,
  logger: silentLogger(),
  sweepIntervalMs: 3_600_000,
});
await placet.start();
const agent = (await placet.authenticate({ apiKey: args.apiKey })) as AgentPrincipal | null;
if (!agent) throw new Error('wake-peer: the API key is unknown in process B');

on('wait', (message) => {
  const messageId = String(message.messageId);
  let reported = false;
  onTimer = (ms) => {
    if (ms !== args.timeoutMs || reported) return;
    reported = true;
    send({ type: 'asleep', messageId });
  };
  placet.reviews.wait(agent, messageId, { timeoutMs: args.timeoutMs }).then(
    (result) => send({ type: 'woke', messageId, at: wallNow(), status: result.status }),
    (error: unknown) => send({ type: 'error', message: String(error) }),
  );
});
on('stop', () => {
  void placet.stop().finally(() => process.exit(0));
});
send({ type: 'ready' });
