import { type AgentPrincipal, createPlacet, type Placet, type Store, silentLogger } from '@placet/core';
import type { AuditEntry } from '@placet/core/contract';
import { definePlugin, defineReviewType, z } from '@placet/core/plugin';
import { verifyAuditChain } from '@placet/core/receipts';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';

const okType = defineReviewType({
  type: 'ok',
  payload: z.looseObject({}),
  response: () => z.strictObject({ ok: z.boolean() }),
});
const okPlugin = () => definePlugin({ name: 'audit-suite-types', version: '1.0.0', reviewTypes: [okType] });

export interface AuditEngineSuiteOptions {
  /** Shown in the describe title (`memory`, `sqlite`, `postgres`). */
  name: string;
  /**
   * A fresh, empty store per test, and how to dispose of it. `another()`, when processes can share the
   * store (Postgres), opens a second store on the same database: a second Placet instance then appends to
   * the same chains.
   */
  store(): Promise<{ store: Store; dispose?: () => Promise<void>; another?: () => Store }>;
}

interface Instance {
  placet: Placet;
  agent: AgentPrincipal;
}

/**
 * The audit log's engine guarantees on one Store (memory, SQLite and Postgres each run it): concurrent
 * audited writes of one owner — in one instance, and in two instances sharing the database — leave one
 * unbroken chain: seq 1..N, every link and hash checking.
 */
export function describeAuditEngine(options: AuditEngineSuiteOptions): void {
  describe(`the audit chain under concurrency on ${options.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function instance(store: Store, clock: FakeClock): Promise<Placet> {
      const placet = createPlacet({ plugins: [okPlugin()], store, clock, logger: silentLogger() });
      await placet.start();
      cleanups.push(() => placet.stop());
      return placet;
    }

    async function setup() {
      const { store, dispose, another } = await options.store();
      if (dispose) cleanups.push(dispose);
      const clock = new FakeClock(new Date('2026-03-01T12:00:00Z'));
      const placet = await instance(store, clock);
      const owner = await placet.users.create({
        email: `audit-owner-${Math.random().toString(36).slice(2)}@example.test`,
        displayName: 'Owner',
        role: 'owner',
      });
      const { key } = await placet.apiKeys.create(owner.id, { label: 'agent' });
      const agent = (await placet.authenticate({ apiKey: key })) as AgentPrincipal;
      const channel = await placet.channels.create(agent, { name: 'audited-bot' });
      return { store, another, clock, placet, agent, key, human: placet.userPrincipal(owner), channel };
    }

    const ask = ({ placet, agent }: Instance, channelId: string, n: number) =>
      placet.messages.create(agent, {
        channelId,
        text: `Change ${n}?`,
        review: { type: 'ok', payload: {} },
      });

    /** The owner's whole chain, checked: seq 1..N without a gap, every link and hash. */
    async function chainOf(
      placet: Placet,
      human: ReturnType<Placet['userPrincipal']>,
    ): Promise<AuditEntry[]> {
      const { entries, nextAfter } = await placet.audit.list(human);
      expect(nextAfter).toBeNull();
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(await verifyAuditChain(entries)).toMatchObject({ ok: true, count: entries.length });
      return entries;
    }

    it('20 concurrent audited writes of one owner, three times over, keep one unbroken chain', async () => {
      const w = await setup();
      const self: Instance = { placet: w.placet, agent: w.agent };
      // 20 reviews created at once (20 appends racing for one head) …
      const asked = await Promise.all(Array.from({ length: 20 }, (_, n) => ask(self, w.channel.id, n)));
      // … then 20 first reads and 20 answers at once, interleaved.
      await Promise.all(
        asked.flatMap((m) => [
          w.placet.reviews.markRead(w.human, m.id),
          w.placet.reviews.respond(w.human, m.id, { response: { ok: true } }),
        ]),
      );
      const entries = await chainOf(w.placet, w.human);
      expect(entries).toHaveLength(20 + 20 + 20 * 2);
      const count = (type: string) => entries.filter((e) => e.type === type).length;
      expect([count('review.created'), count('review.shown'), count('review.completed')]).toEqual([
        20, 20, 20,
      ]);
      expect(count('receipt.issued')).toBe(20);
      for (const m of asked)
        expect(entries.filter((e) => e.messageId === m.id).map((e) => e.type)).toContain('review.completed');
    });

    it('two Placet instances on one database append to one chain per owner', async (context) => {
      const w = await setup();
      if (!w.another) {
        context.skip('this store is not shared between processes');
        return;
      }
      const second = await instance(w.another(), w.clock);
      const agent2 = (await second.authenticate({ apiKey: w.key })) as AgentPrincipal;
      const both: Instance[] = [
        { placet: w.placet, agent: w.agent },
        { placet: second, agent: agent2 },
      ];
      const asked = await Promise.all(
        Array.from({ length: 20 }, (_, n) => ask(both[n % 2]!, w.channel.id, n)),
      );
      await Promise.all(
        asked.map((m, n) =>
          both[(n + 1) % 2]!.placet.reviews.respond(w.human, m.id, { response: { ok: true } }),
        ),
      );
      const entries = await chainOf(second, w.human);
      expect(entries).toHaveLength(20 + 20 * 2);
      expect(await w.placet.audit.list(w.human)).toEqual(await second.audit.list(w.human));
    });
  });
}
