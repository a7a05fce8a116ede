import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentPrincipal, createPlacet, type Placet, silentLogger } from '@placet/core';
import { verifyReceipt } from '@placet/core/receipts';
import { approval } from '@placet/plugin-approval';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../src/index.js';

/** Two Placet processes' worth of instances on one SQLite file: one receipt key ring, seen by both. */

let root: string;
const instances: Placet[] = [];

afterEach(async () => {
  for (const placet of instances.splice(0)) await placet.stop();
  rmSync(root, { recursive: true, force: true });
});

async function instance(filename: string): Promise<Placet> {
  const placet = createPlacet({
    store: sqliteStore({ filename }),
    plugins: [approval()],
    logger: silentLogger(),
  });
  instances.push(placet);
  await placet.start();
  return placet;
}

describe('receipts on SQLite', () => {
  it('two instances on one database file agree on the signing key, its rotation and the receipts', async () => {
    root = mkdtempSync(join(tmpdir(), 'placet-receipts-'));
    const filename = join(root, 'placet.db');
    const a = await instance(filename);
    const b = await instance(filename);
    const [ja, jb] = await Promise.all([a.receipts.jwks(), b.receipts.jwks()]);
    expect(ja.keys).toHaveLength(1);
    expect(jb).toEqual(ja);
    for (const key of ja.keys) expect(key).not.toHaveProperty('d');

    const owner = await a.users.create({ email: 'owner@example.test', displayName: 'Owner', role: 'owner' });
    const { key } = await a.apiKeys.create(owner.id, { label: 'agent' });
    const agent = (await a.authenticate({ apiKey: key })) as AgentPrincipal;
    const channel = await a.channels.create(agent, { name: 'deploy-bot' });
    const ask = () =>
      a.messages.create(agent, {
        channelId: channel.id,
        text: 'Ship it?',
        review: {
          type: 'approval',
          payload: {
            options: [
              { id: 'yes', label: 'Yes' },
              { id: 'no', label: 'No' },
            ],
          },
        },
      });

    const first = await ask();
    // Answered through the other instance: it signs with the key both agree on.
    await b.reviews.respond(b.userPrincipal(owner), first.id, { response: { selectedOption: 'yes' } });
    const receipt = await a.receipts.get(agent, first.id, channel.id);
    expect(receipt.kid).toBe(ja.keys[0]!.kid);
    await expect(verifyReceipt(receipt.receipt, await a.receipts.jwks())).resolves.toMatchObject({
      reviewId: first.id,
      decision: 'yes',
      answeredBy: owner.id,
    });

    const { kid } = await a.receipts.rotateKey();
    const second = await ask();
    await b.reviews.respond(b.userPrincipal(owner), second.id, { response: { selectedOption: 'no' } });
    expect((await a.receipts.get(agent, second.id)).kid).toBe(kid);
    const jwks = await b.receipts.jwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual([ja.keys[0]!.kid, kid]);
    await expect(verifyReceipt(receipt.receipt, jwks)).resolves.toMatchObject({ reviewId: first.id });
  });
});
