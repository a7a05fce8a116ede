#!/usr/bin/env node
// A Placet agent with nothing but Node 20's fetch: reports itself busy, asks a human which database
// migration to run (a selection review, as in the TypeScript example of the REST API guide), long-polls
// for the answer, streams its reply token by token, and reports itself active again.
//
//   PLACET_URL=http://127.0.0.1:3001 PLACET_API_KEY=hp_… PLACET_CHANNEL_ID=… node node-agent.mjs
//
// Exit status: 0 answered, 1 request failed, 2 configuration missing, 3 review expired.
import { setTimeout as sleep } from 'node:timers/promises';

const PLACET_URL = process.env.PLACET_URL?.replace(/\/+$/, '');
const API_KEY = process.env.PLACET_API_KEY || process.env.API_KEY;
const CHANNEL_ID = process.env.PLACET_CHANNEL_ID;

const missing = [
  !PLACET_URL && 'PLACET_URL (e.g. http://127.0.0.1:3001)',
  !API_KEY && 'PLACET_API_KEY (or API_KEY): the hp_… key the server printed',
  !CHANNEL_ID && 'PLACET_CHANNEL_ID: the id of a channel (POST /api/v1/agents)',
].filter(Boolean);
if (missing.length > 0) {
  console.error(
    `node-agent: missing environment variables:\n  ${missing.join('\n  ')}\nSee examples/agents/README.md.`,
  );
  process.exit(2);
}

/** One API call; throws with the server's message on an HTTP error. */
async function api(method, path, body) {
  const res = await fetch(`${PLACET_URL}/api/v1${path}`, {
    method,
    headers: { 'x-api-key': API_KEY, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    // A long-poll holds up to 30 s.
    signal: AbortSignal.timeout(45_000),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${data?.message ?? text}`);
  return data;
}

const ping = (status, message) => api('POST', '/status/ping', { agentId: CHANNEL_ID, status, message });

/** Streams `reply` word by word: a draft, throttled PATCHes of the whole text so far, a final PATCH. */
async function streamReply(reply, streamId) {
  const words = reply.split(' ');
  let text = words[0];
  await api('POST', '/messages', { channelId: CHANNEL_ID, text, streamId, streamState: 'streaming' });
  let lastPatch = Date.now();
  for (const word of words.slice(1)) {
    await sleep(40); // a token arrives
    text += ` ${word}`;
    if (Date.now() - lastPatch >= 250) {
      await api('PATCH', `/messages/streams/${encodeURIComponent(streamId)}`, {
        channelId: CHANNEL_ID,
        text,
      });
      lastPatch = Date.now();
    }
  }
  return api('PATCH', `/messages/streams/${encodeURIComponent(streamId)}`, {
    channelId: CHANNEL_ID,
    text,
    complete: true,
  });
}

async function main() {
  await ping('busy', 'Waiting for a human to choose a migration');

  const msg = await api('POST', '/messages', {
    channelId: CHANNEL_ID,
    text: 'Which database migration should we run?',
    review: {
      type: 'selection',
      payload: {
        mode: 'single',
        items: [
          { id: 'migrate-up', label: 'Run pending migrations' },
          { id: 'migrate-down', label: 'Rollback last migration' },
          { id: 'skip', label: 'Skip — no changes needed' },
        ],
      },
    },
  });
  console.log(`Asked which migration to run (message ${msg.id}); waiting for a human…`);

  for (;;) {
    const query = new URLSearchParams({ channel: CHANNEL_ID, timeout: '30000' });
    const result = await api('GET', `/reviews/${encodeURIComponent(msg.id)}/wait?${query}`);
    if (result.status === 'completed') {
      const selected = result.message.review.response.selectedIds;
      console.log('Selected:', selected);
      const reply = await streamReply(
        `Understood: running ${selected.join(', ')} now. I will report back here when it is done.`,
        `reply-${msg.id}`,
      );
      console.log(`Streamed reply ${reply.id}: ${reply.text}`);
      await ping('active', `Chose ${selected.join(', ')}`);
      return 0;
    }
    if (result.status === 'expired') {
      console.log('Review expired');
      await ping('active', 'The migration question expired unanswered');
      return 3;
    }
    // status "timeout": nobody answered within 30 s, poll again.
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`node-agent: ${error instanceof Error ? error.message : String(error)}`);
  await ping('error', 'The agent failed; see its output').catch(() => {});
  process.exitCode = 1;
}
