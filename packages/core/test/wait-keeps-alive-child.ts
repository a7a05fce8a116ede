// Run by wait-keeps-alive.test.ts as `node --import tsx --conditions=@placet/source <this file>`: a script whose
// only pending work is one `reviews.wait()` on the real clock. It must stay alive until the wait settles.
import { createPlacet, memoryStore, silentLogger } from '@placet/core';
import { definePlugin, defineReviewType, z } from '@placet/core/plugin';

const choice = defineReviewType({
  type: 'choice',
  payload: z.looseObject({ options: z.array(z.object({ id: z.string().min(1) })).min(1) }),
  response: () => z.strictObject({ selectedOption: z.string() }),
});

const placet = createPlacet({
  plugins: [definePlugin({ name: 'child-types', version: '1.0.0', reviewTypes: [choice] })],
  store: memoryStore(),
  logger: silentLogger(),
});
await placet.start();
const owner = await placet.users.create({
  email: 'owner@example.test',
  displayName: 'Owner',
  password: 'correct horse battery',
  role: 'owner',
});
const { key } = await placet.apiKeys.create(owner.id, { label: 'child' });
const agent = (await placet.authenticate({ apiKey: key }))!;
const channel = await placet.channels.create(agent, { name: 'keep-alive' });
const message = await placet.messages.create(agent, {
  channelId: channel.id,
  review: { type: 'choice', payload: { options: [{ id: 'yes' }] } },
});
const timeoutMs = Number(process.argv[2] ?? 2000);
const started = Date.now();
const result = await placet.reviews.wait(agent, message.id, { channelId: channel.id, timeoutMs });
console.log(JSON.stringify({ result, elapsedMs: Date.now() - started }));
