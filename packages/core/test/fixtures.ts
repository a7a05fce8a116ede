import { FakeClock } from '@placet/test-utils';
import {
  createPlacet,
  definePlugin,
  defineReviewType,
  memoryStore,
  type Placet,
  type Store,
  silentLogger,
  z,
} from '../src/index.js';

/** A small approval-like review type, so the engine tests do not depend on the plugin packages. */
export const choiceType = defineReviewType({
  type: 'choice',
  payload: z.looseObject({
    options: z.array(z.object({ id: z.string().min(1) })).min(1),
    dismissLabel: z.string().optional(),
  }),
  response: (payload: { options: { id: string }[] }) =>
    z.strictObject({ selectedOption: z.enum(payload.options.map((o) => o.id) as [string, ...string[]]) }),
});
export const freeformType = defineReviewType({
  type: 'freeform',
  payload: z.looseObject({ plugin: z.string().optional() }),
  response: () => z.record(z.string(), z.unknown()),
});
export const testPlugin = () =>
  definePlugin({ name: 'test-types', version: '1.0.0', reviewTypes: [choiceType, freeformType] });

/** Counts every call of a store method (reads and writes), per method name. */
export function countingStore(inner: Store): { store: Store; calls: Map<string, number>; total(): number } {
  const calls = new Map<string, number>();
  const wrapRepo = (name: string, repo: object) =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const key = `${name}.${String(prop)}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const repos = [
    'users',
    'apiKeys',
    'channels',
    'messages',
    'reviews',
    'attachments',
    'statusSteps',
    'statusHistory',
    'events',
  ] as const;
  const store = {
    ...inner,
    capabilities: inner.capabilities,
    migrate: () => inner.migrate(),
    close: () => inner.close(),
    transaction: <T>(fn: Parameters<Store['transaction']>[0]) =>
      inner.transaction((tx) =>
        fn(Object.fromEntries(repos.map((r) => [r, wrapRepo(`tx.${r}`, tx[r])])) as never),
      ) as Promise<T>,
  } as Store;
  for (const r of repos) (store as unknown as Record<string, object>)[r] = wrapRepo(r, inner[r]);
  return { store, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0) };
}

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
export async function world(options: { store?: Store } = {}): Promise<World> {
  const clock = new FakeClock(new Date('2026-03-01T12:00:00Z'));
  const store = options.store ?? memoryStore();
  const placet = createPlacet({ plugins: [testPlugin()], store, clock, logger: silentLogger() });
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
