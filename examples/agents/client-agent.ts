#!/usr/bin/env -S npx tsx
// A TypeScript agent on @placet/client: reports itself busy, asks a human to fill a release form (typed
// answer), streams its reply, and reports itself active again.
//
//   PLACET_URL=http://127.0.0.1:3001 PLACET_API_KEY=hp_… PLACET_CHANNEL_ID=… npx tsx client-agent.ts
//
// Exit status: 0 answered, 1 request failed, 2 configuration missing, 3 review expired (or declined).
import { createClient, form, isPlacetClientError } from '@placet/client';

const url = process.env.PLACET_URL;
const apiKey = process.env.PLACET_API_KEY || process.env.API_KEY;
const channelId = process.env.PLACET_CHANNEL_ID;

const missing = [
  !url && 'PLACET_URL (e.g. http://127.0.0.1:3001)',
  !apiKey && 'PLACET_API_KEY (or API_KEY): the hp_… key the server printed',
  !channelId && 'PLACET_CHANNEL_ID: the id of a channel (POST /api/v1/agents)',
].filter(Boolean);
if (!url || !apiKey || !channelId) {
  console.error(
    `client-agent: missing environment variables:\n  ${missing.join('\n  ')}\nSee examples/agents/README.md.`,
  );
  process.exit(2);
}

const placet = createClient({ url, apiKey });

// The answer is typed from the fields: `channel` is 'stable' | 'beta', `regions` a list of region ids,
// `canary` a number.
const release = form({
  fields: [
    {
      name: 'channel',
      type: 'select',
      label: 'Release channel',
      options: ['stable', 'beta'],
      required: true,
    },
    { name: 'regions', type: 'multiselect', label: 'Regions', options: ['eu', 'us', 'ap'], required: true },
    { name: 'canary', type: 'number', label: 'Canary share', unit: '%', min: 1, max: 50, required: true },
  ],
  dismissLabel: 'Not now',
});

async function main(): Promise<number> {
  await placet.heartbeat(channelId as string, 'busy', { message: 'Waiting for the release plan' });
  const result = await placet.ask(channelId as string, {
    text: 'Release **v3.0**: how should it roll out?',
    review: release,
    idempotencyKey: `release-v3.0-${channelId}`,
    onCreated: (message) => console.log(`Asked (message ${message.id}); waiting for a human…`),
  });
  if (result.status === 'expired' || result.dismissed) {
    console.log(result.status === 'expired' ? 'Nobody answered in time.' : 'The human declined.');
    return 3;
  }
  const { channel, regions, canary } = result.response;
  const plan = `Rolling out v3.0 on ${channel} to ${regions.join(', ')} with a ${canary}% canary.`;
  console.log(plan);

  const reply = placet.stream(channelId as string);
  for (const word of plan.split(' ')) await reply.append(`${word} `);
  await reply.finish();
  await placet.heartbeat(channelId as string, 'active', {
    message: `Released to ${regions.length} region(s)`,
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (isPlacetClientError(error))
      console.error(`client-agent: ${error.message} (HTTP ${error.status}, ${error.code})`);
    else console.error(`client-agent: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
