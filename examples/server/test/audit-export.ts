import type { AgentPrincipal } from '@placet/core';
import { createPlacet, memoryStore, silentLogger } from '@placet/core';
import { approval } from '@placet/plugin-approval';

/**
 * A small audit log, exported: an owner's reviews created, answered (with a comment that CSV has to
 * quote) and read, as NDJSON and as CSV text — what `placet-audit verify` is given.
 */
export async function auditExports(): Promise<{ ndjson: string; csv: string; count: number }> {
  const placet = createPlacet({ plugins: [approval()], store: memoryStore(), logger: silentLogger() });
  await placet.start();
  try {
    const owner = await placet.users.create({
      email: `audit-${Math.random()}@example.test`,
      displayName: 'Owner',
      role: 'owner',
    });
    const { key } = await placet.apiKeys.create(owner.id, { label: 'agent' });
    const agent = (await placet.authenticate({ apiKey: key })) as AgentPrincipal;
    const channel = await placet.channels.create(agent, { name: 'deploy-bot' });
    const human = placet.userPrincipal(owner);
    for (let n = 0; n < 3; n++) {
      const message = await placet.messages.create(agent, {
        channelId: channel.id,
        text: `Deploy ${n}?`,
        review: {
          type: 'approval',
          payload: { options: [{ id: 'yes', label: 'Yes' }], allowComment: true },
        },
      });
      await placet.reviews.markRead(human, message.id, { via: 'dashboard' });
      await placet.reviews.respond(human, message.id, {
        response: { selectedOption: 'yes', comment: `ok, "ship ${n}"` },
      });
    }
    const text = async (format: 'ndjson' | 'csv') => {
      const file = await placet.audit.export(human, { format });
      const decoder = new TextDecoder();
      let out = '';
      for await (const chunk of file.body) out += decoder.decode(chunk, { stream: true });
      return { text: out + decoder.decode(), count: file.count };
    };
    const ndjson = await text('ndjson');
    const csv = await text('csv');
    return { ndjson: ndjson.text, csv: csv.text, count: ndjson.count };
  } finally {
    await placet.stop();
  }
}
