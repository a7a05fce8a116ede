import { createPlacet, memoryStore, silentLogger } from '@placet/core';
import { afterEach, describe, expect, it } from 'vitest';
import { seed } from './app.js';
import { loadConfig } from './config.js';

const placets: ReturnType<typeof createPlacet>[] = [];
afterEach(async () => {
  for (const p of placets.splice(0)) await p.stop();
});

/** `n` Placet instances on one store, as `n` processes on one fresh database. */
async function processes(n: number) {
  const store = memoryStore();
  const list = Array.from({ length: n }, () => createPlacet({ store, logger: silentLogger() }));
  placets.push(...list);
  for (const p of list) await p.start();
  return { store, list };
}

describe('seed(): several processes starting at once on a fresh database', () => {
  it('generated credentials: one owner and one key, each printed once; nobody fails', async () => {
    const { store, list } = await processes(4);
    const said: string[] = [];
    const config = loadConfig({});
    await Promise.all(list.map((p) => seed(p, config, (line) => said.push(line))));
    expect(said.filter((l) => l.startsWith('Created the owner'))).toHaveLength(1);
    expect(said.filter((l) => l.startsWith('Created an API key'))).toHaveLength(1);
    expect((await store.users.list()).map((u) => u.role)).toEqual(['owner']);
    const owner = (await store.users.list())[0]!;
    expect(await store.apiKeys.listByUser(owner.id)).toHaveLength(1);
  });

  it('a process that finds the owner already there creates no key (its creator makes the one key)', async () => {
    const { store, list } = await processes(2);
    const said: string[] = [];
    const config = loadConfig({});
    // The first process has created the owner and not yet its key when the second one looks.
    await list[0]!.users.create({
      email: config.initialUser.email,
      displayName: 'Owner',
      password: 'a-long-password',
      role: 'owner',
    });
    await seed(list[1]!, config, (line) => said.push(line));
    expect(said).toEqual([]);
    const owner = (await store.users.list())[0]!;
    expect(await store.apiKeys.listByUser(owner.id)).toHaveLength(0);
  });

  it('INITIAL_USER_PASSWORD and PLACET_API_KEY: one owner, the one key; nobody fails', async () => {
    const { store, list } = await processes(4);
    const key = `hp_${'ab'.repeat(24)}`;
    const config = loadConfig({ INITIAL_USER_PASSWORD: 'a-long-password', PLACET_API_KEY: key });
    await Promise.all(list.map((p) => seed(p, config, () => {})));
    const users = await store.users.list();
    expect(users.map((u) => u.role)).toEqual(['owner']);
    expect((await store.apiKeys.listByUser(users[0]!.id)).map((k) => k.label)).toEqual(['PLACET_API_KEY']);
    expect(await list[0]!.authenticate({ apiKey: key })).toMatchObject({
      kind: 'agent',
      userId: users[0]!.id,
    });
  });

  it('an email used by someone who is not the owner is still a conflict', async () => {
    const { list } = await processes(1);
    const config = loadConfig({ INITIAL_USER_EMAIL: 'taken@example.test' });
    await list[0]!.users.create({
      email: 'taken@example.test',
      displayName: 'M',
      password: 'a-long-password',
    });
    await expect(seed(list[0]!, config, () => {})).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
