import { countingStore, FakeClock } from '@placet/test-utils';

export { countingStore };

import { createPlacet, memoryStore, type Placet, type Store, silentLogger } from '../src/index.js';
import { definePlugin, defineReviewType, z } from '../src/plugin.js';

/** A small approval-like review type, so the engine tests do not depend on the plugin packages. */
export const choiceType = defineReviewType({
  type: 'choice',
  payload: z.looseObject({
    options: z.array(z.object({ id: z.string().min(1) })).min(1),
    dismissLabel: z.string().optional(),
  }),
  response: (payload: { options: { id: string }[] }) =>
    z.strictObject({ selectedOption: z.enum(payload.options.map((o) => o.id) as [string, ...string[]]) }),
  // One per option, and one that is not a valid answer (the engine must leave it out).
  quickAnswers: (payload: { options: { id: string }[] }) => [
    ...payload.options.map((o) => ({ id: o.id, label: `Say ${o.id}`, response: { selectedOption: o.id } })),
    { id: 'bogus', label: 'Bogus', response: { selectedOption: 'not-an-option' } },
  ],
  summarize: (response: { selectedOption: string }) => `Chose ${response.selectedOption}`,
});
export const freeformType = defineReviewType({
  type: 'freeform',
  payload: z.looseObject({ plugin: z.string().optional() }),
  response: () => z.record(z.string(), z.unknown()),
});
export const testPlugin = () =>
  definePlugin({ name: 'test-types', version: '1.0.0', reviewTypes: [choiceType, freeformType] });

export interface World {
  placet: Placet;
  clock: FakeClock;
  store: Store;
  owner: { id: string; role: 'owner' | 'member' };
  key: string;
  agent: NonNullable<Awaited<ReturnType<Placet['authenticate']>>>;
  user: ReturnType<Placet['userPrincipal']>;
  channelId: string;
}

/** A started Placet on the fake clock with one owner, one API key and one channel. */
export async function world(
  options: { store?: Store; placet?: Partial<Parameters<typeof createPlacet>[0]> } = {},
): Promise<World> {
  const clock = new FakeClock(new Date('2026-03-01T12:00:00Z'));
  const store = options.store ?? memoryStore();
  const placet = createPlacet({
    plugins: [testPlugin()],
    store,
    clock,
    logger: silentLogger(),
    ...options.placet,
  });
  await placet.start();
  const owner = await placet.users.create({
    email: `owner-${Math.random()}@example.test`,
    displayName: 'Owner',
    password: 'correct horse battery',
    role: 'owner',
  });
  const { key } = await placet.apiKeys.create(owner.id, { label: 'ci' });
  const agent = (await placet.authenticate({ apiKey: key }))!;
  const channel = await placet.channels.create(agent, { name: 'deploy-bot' });
  return {
    placet,
    clock,
    store,
    owner,
    key,
    agent,
    user: placet.userPrincipal(owner),
    channelId: channel.id,
  };
}

export const choiceReview = (extra: Record<string, unknown> = {}) => ({
  type: 'choice',
  payload: { options: [{ id: 'approve' }, { id: 'reject' }] },
  ...extra,
});

export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? 'NO_CODE';
  }
}
