import type { AgentPrincipal, Placet, UserPrincipal } from '@placet/core';

/** An owner with an API key and a channel, as {@link seedAgent} makes them. */
export interface SeededAgent {
  ownerId: string;
  /** The owner as a signed-in human (answers reviews). */
  human: UserPrincipal;
  /** The raw API key (`hp_…`). */
  key: string;
  /** The key's principal. */
  agent: AgentPrincipal;
  channelId: string;
}

/** What most agent tests start from: an owner, an API key of theirs and a channel, on a started Placet. */
export async function seedAgent(
  placet: Placet,
  options: { email?: string; channelName?: string } = {},
): Promise<SeededAgent> {
  const owner = await placet.users.create({
    email: options.email ?? `owner-${Math.random().toString(36).slice(2)}@example.test`,
    displayName: 'Owner',
    password: 'owner-password-1',
    role: 'owner',
  });
  const { key } = await placet.apiKeys.create(owner.id, { label: 'agent' });
  const agent = await placet.authenticate({ apiKey: key });
  if (agent?.kind !== 'agent') throw new Error('seedAgent: the new API key did not authenticate');
  const channel = await placet.channels.create(agent, { name: options.channelName ?? 'agent' });
  return { ownerId: owner.id, human: placet.userPrincipal(owner), key, agent, channelId: channel.id };
}
