import { type AgentPrincipal, createPlacet, type Placet, type Store, silentLogger } from '@placet/core';
import { definePlugin, defineReviewType, z } from '@placet/core/plugin';
import { reviewHash, verifyReceipt } from '@placet/core/receipts';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';

/** An approval-like type whose `no` option rejects: what `veto` acts on. */
const voteType = defineReviewType({
  type: 'vote',
  payload: z.looseObject({ options: z.array(z.string().min(1)).min(1) }),
  response: (payload: { options: string[] }) =>
    z.strictObject({
      selectedOption: z.enum(payload.options as [string, ...string[]]),
      comment: z.string().optional(),
    }),
  verdict: (response: { selectedOption: string }) => ({
    choice: response.selectedOption,
    rejects: response.selectedOption === 'no',
  }),
});
const votePlugin = () => definePlugin({ name: 'vote-type', version: '1.0.0', reviewTypes: [voteType] });
const YES = { selectedOption: 'yes' };
const NO = { selectedOption: 'no' };

export interface PolicyEngineSuiteOptions {
  /** Shown in the describe title (`memory`, `sqlite`, `postgres`). */
  name: string;
  /**
   * A fresh, empty store per test, and how to dispose of it. `another()`, when the store can be shared
   * by processes (Postgres), opens a second store on the same database: the escalation test then runs
   * two Placet instances on it.
   */
  store(): Promise<{ store: Store; dispose?: () => Promise<void>; another?: () => Store }>;
  /** Whether `store()` gives `another()`: the two-instance test runs only then (not applicable otherwise). */
  shared?: boolean;
}

interface PolicyWorld {
  placet: Placet;
  clock: FakeClock;
  store: Store;
  agent: AgentPrincipal;
  channelId: string;
  owner: ReturnType<Placet['userPrincipal']>;
  /** Three members: the usual assignees. */
  members: ReturnType<Placet['userPrincipal']>[];
  emails: string[];
}

async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; status?: number } | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error as { code?: string; status?: number };
  }
}

/**
 * The approval policies' engine behaviour (assignees, quorum, veto, default outcome, reviewHash), run
 * against one Store: the memory store, SQLite and Postgres each run it.
 */
export function describePolicyEngine(options: PolicyEngineSuiteOptions): void {
  describe(`approval policies on ${options.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setup(): Promise<PolicyWorld & { another?: () => Store }> {
      const { store, dispose, another } = await options.store();
      const clock = new FakeClock(new Date('2026-03-01T12:00:00Z'));
      const placet = createPlacet({ plugins: [votePlugin()], store, clock, logger: silentLogger() });
      await placet.start();
      cleanups.push(async () => {
        await placet.stop();
        await dispose?.();
      });
      const tag = Math.random().toString(36).slice(2, 8);
      const owner = await placet.users.create({
        email: `owner-${tag}@example.test`,
        displayName: 'Owner',
        role: 'owner',
      });
      const emails = [1, 2, 3].map((n) => `member${n}-${tag}@example.test`);
      const members = [];
      for (const [index, email] of emails.entries())
        members.push(
          placet.userPrincipal(
            await placet.users.create({ email, displayName: `Member ${index + 1}`, role: 'member' }),
          ),
        );
      const { key } = await placet.apiKeys.create(owner.id, { label: 'agent' });
      const agent = (await placet.authenticate({ apiKey: key })) as AgentPrincipal;
      const channel = await placet.channels.create(agent, {
        name: 'deploy-bot',
        webhookUrl: 'http://127.0.0.1:9/hook',
      });
      return {
        placet,
        clock,
        store,
        agent,
        channelId: channel.id,
        owner: placet.userPrincipal(owner),
        members,
        emails,
        ...(another ? { another } : {}),
      };
    }

    const ask = (w: PolicyWorld, review: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      w.placet.messages.create(w.agent, {
        channelId: w.channelId,
        text: 'Deploy v2 to production?',
        review: { type: 'vote', payload: { options: ['yes', 'no'] }, ...review },
        ...extra,
      });

    const responded = async (w: PolicyWorld, messageId: string) =>
      (await w.store.events.after(0, 10_000)).filter(
        (e) => e.type === 'review:responded' && e.subjectId === messageId,
      );

    it('only an assignee may answer; the owner and others read it, and it is in the assignees inbox', async () => {
      const w = await setup();
      const [a, b, c] = w.members as [
        PolicyWorld['members'][0],
        PolicyWorld['members'][0],
        PolicyWorld['members'][0],
      ];
      const message = await ask(w, { assignees: [w.emails[0], b.userId] });
      expect(message.review?.policy).toMatchObject({
        assigneeIds: [a.userId, b.userId],
        mode: 'any',
        required: 1,
        veto: false,
        onTimeout: 'expire',
        outcome: null,
      });
      // The owner sees it but may not answer; a user who is neither owner nor assignee gets a 404.
      const refused = await errorOf(w.placet.reviews.respond(w.owner, message.id, { response: YES }));
      expect(refused).toMatchObject({ code: 'NOT_ASSIGNED', status: 403 });
      const stranger = await errorOf(w.placet.reviews.respond(c, message.id, { response: YES }));
      expect(stranger).toMatchObject({ code: 'NOT_FOUND', status: 404 });
      // An assignee reads it; a user who is neither owner nor assignee does not even see it.
      await expect(w.placet.reviews.get(b, message.id)).resolves.toMatchObject({ id: message.id });
      expect(await errorOf(w.placet.reviews.get(c, message.id))).toMatchObject({ code: 'NOT_FOUND' });
      const inbox = await w.placet.reviews.list(b, { scope: 'assigned' });
      expect(inbox.data.map((m) => m.id)).toEqual([message.id]);
      expect((await w.placet.reviews.list(c, { scope: 'assigned' })).data).toEqual([]);
      expect((await w.store.reviews.findByMessageId(message.id))?.status).toBe('pending');

      const answered = await w.placet.reviews.respond(b, message.id, { response: YES });
      expect(answered.review).toMatchObject({
        status: 'completed',
        respondedBy: b.userId,
        response: YES,
        policy: { outcome: 'answered' },
      });
      expect(answered.review?.votes?.map((v) => v.userId)).toEqual([b.userId]);
    });

    it('resolves roles and refuses references that name nobody, with their paths', async () => {
      const w = await setup();
      const byRole = await ask(w, { assignees: ['role:member'] });
      expect(byRole.review?.policy?.assigneeIds.sort()).toEqual(w.members.map((m) => m.userId).sort());
      const admins = await ask(w, { assignees: ['admin'] });
      expect(admins.review?.policy?.assigneeIds).toEqual([w.owner.userId]);
      const bad = await errorOf(
        ask(w, {
          assignees: ['nobody@example.test', w.emails[0], 'no-such-id'],
          policy: { mode: 'quorum', required: 5 },
        }),
      );
      expect(bad).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect((bad as { issues?: { path: string }[] }).issues?.map((i) => i.path)).toEqual([
        'review.assignees.0',
        'review.assignees.2',
      ]);
      const tooMany = await errorOf(
        ask(w, { assignees: [w.emails[0]], policy: { mode: 'quorum', required: 2 } }),
      );
      expect((tooMany as { issues?: { path: string }[] }).issues?.map((i) => i.path)).toEqual([
        'review.policy.required',
      ]);
      const badDefault = await errorOf(ask(w, { onTimeout: { response: { selectedOption: 'maybe' } } }));
      expect(badDefault).toMatchObject({ code: 'INVALID_REVIEW_RESPONSE' });
      expect((badDefault as { issues?: { path: string }[] }).issues?.[0]?.path).toBe(
        'review.onTimeout.response.selectedOption',
      );
    });

    it('group:<name> names its members when the review is created; later changes of the group change nothing', async () => {
      const w = await setup();
      const [a, b, c] = w.members as [
        PolicyWorld['members'][0],
        PolicyWorld['members'][0],
        PolicyWorld['members'][0],
      ];
      await w.placet.groups.create({
        name: 'oncall',
        displayName: 'On call',
        members: [w.emails[0]!, b.userId],
      });
      const message = await ask(w, { assignees: ['group:oncall'], policy: { mode: 'all' } });
      expect(message.review?.policy).toMatchObject({ assignees: ['group:oncall'], mode: 'all', required: 2 });
      expect([...(message.review?.policy?.assigneeIds ?? [])].sort()).toEqual([a.userId, b.userId].sort());

      // A member added after the review was created is no assignee of it: not in their inbox, no answer.
      await w.placet.groups.update('oncall', { members: [a.userId, b.userId, c.userId] });
      expect(await errorOf(w.placet.reviews.respond(c, message.id, { response: YES }))).toMatchObject({
        code: 'NOT_FOUND',
        status: 404,
      });
      expect((await w.placet.reviews.list(c, { scope: 'assigned' })).data).toEqual([]);
      expect(await errorOf(w.placet.reviews.respond(w.owner, message.id, { response: YES }))).toMatchObject({
        code: 'NOT_ASSIGNED',
        status: 403,
      });
      // Deleting the group later changes nothing for the review: its two members still decide it.
      await w.placet.groups.delete('oncall');
      const first = await w.placet.reviews.respond(a, message.id, { response: YES });
      expect(first.review?.status).toBe('pending');
      const second = await w.placet.reviews.respond(b, message.id, { response: YES });
      expect(second.review).toMatchObject({ status: 'completed', policy: { outcome: 'quorum' } });
      expect(second.review?.votes?.map((v) => v.userId).sort()).toEqual([a.userId, b.userId].sort());
      expect(await errorOf(w.placet.reviews.respond(c, message.id, { response: YES }))).toMatchObject({
        code: 'NOT_FOUND',
      });

      // A group that does not exist (any more), or has no members, names nobody: 400 with its path.
      await w.placet.groups.create({ name: 'nobody', members: [] });
      const refused = await errorOf(ask(w, { assignees: [w.emails[2], 'group:oncall', 'group:Nobody'] }));
      expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect((refused as { issues?: { path: string; message: string }[] }).issues).toEqual([
        { path: 'review.assignees.1', message: 'no group named "oncall"' },
        { path: 'review.assignees.2', message: 'group "nobody" has no members' },
      ]);
      expect(await w.store.reviews.list({ ownerId: w.owner.userId, limit: 10 })).toHaveLength(1);
    });

    it('an escalation step may add a group: its members when the step fires', async () => {
      const w = await setup();
      const [a, b, c] = w.members as [
        PolicyWorld['members'][0],
        PolicyWorld['members'][0],
        PolicyWorld['members'][0],
      ];
      await w.placet.groups.create({ name: 'leads', members: [b.userId] });
      const message = await ask(w, {
        assignees: [a.userId],
        expiresInSeconds: 600,
        escalation: [{ after: '1m', addAssignees: ['group:leads'] }],
      });
      // The group changes before the step fires: the step adds its members as they are then.
      await w.placet.groups.update('leads', { members: [c.userId] });
      await w.clock.advance(61_000);
      await w.placet.sweep();
      const policy = (await w.placet.reviews.get(w.agent, message.id)).review?.policy;
      expect(policy).toMatchObject({ escalated: 1, assigneeIds: [a.userId, c.userId] });
      expect(await errorOf(w.placet.reviews.respond(b, message.id, { response: YES }))).toMatchObject({
        code: 'NOT_FOUND',
      });
      const answered = await w.placet.reviews.respond(c, message.id, { response: YES });
      expect(answered.review?.status).toBe('completed');
    });

    it('a 2-of-3 quorum completes on the second approval and not before; agents see the votes', async () => {
      const w = await setup();
      const [a, b, c] = w.members as [
        PolicyWorld['members'][0],
        PolicyWorld['members'][0],
        PolicyWorld['members'][0],
      ];
      const message = await ask(w, { assignees: w.emails, policy: { mode: 'quorum', required: 2 } });
      const first = await w.placet.reviews.respond(a, message.id, { response: YES });
      expect(first.review?.status).toBe('pending');
      const seen = await w.placet.reviews.get(w.agent, message.id);
      expect(seen.review?.votes).toEqual([
        expect.objectContaining({ userId: a.userId, response: YES, choice: 'yes', rejects: false }),
      ]);
      expect(seen.review?.receipt).toBeNull();
      // A no without veto does not end it.
      expect((await w.placet.reviews.respond(b, message.id, { response: NO })).review?.status).toBe(
        'pending',
      );
      const again = await errorOf(w.placet.reviews.respond(a, message.id, { response: YES }));
      expect(again).toMatchObject({ code: 'ALREADY_VOTED', status: 409 });
      expect(await responded(w, message.id)).toHaveLength(0);

      const done = await w.placet.reviews.respond(c, message.id, { response: YES });
      expect(done.review).toMatchObject({
        status: 'completed',
        response: YES,
        respondedBy: c.userId,
        policy: { outcome: 'quorum', mode: 'quorum', required: 2 },
      });
      expect(done.review?.votes?.map((v) => [v.userId, v.choice])).toEqual([
        [a.userId, 'yes'],
        [b.userId, 'no'],
        [c.userId, 'yes'],
      ]);
      expect(await responded(w, message.id)).toHaveLength(1);
      // The receipt in the message verifies against the JWKS and names the votes and the policy.
      const jwks = await w.placet.receipts.jwks();
      const claims = await verifyReceipt(done.review?.receipt ?? '', jwks);
      expect(claims).toMatchObject({
        reviewId: message.id,
        answeredBy: c.userId,
        policy: { mode: 'quorum', required: 2, outcome: 'quorum' },
      });
      expect(claims.votes).toHaveLength(3);
      expect(claims.reviewHash).toBe(done.review?.reviewHash);
    });

    it('with veto one rejection completes the review as rejected', async () => {
      const w = await setup();
      const [a, b] = w.members as [PolicyWorld['members'][0], PolicyWorld['members'][0]];
      const message = await ask(w, { assignees: w.emails, policy: { mode: 'all', veto: true } });
      expect(message.review?.policy?.required).toBe(3);
      await w.placet.reviews.respond(a, message.id, { response: YES });
      const vetoed = await w.placet.reviews.respond(b, message.id, { response: NO });
      expect(vetoed.review).toMatchObject({
        status: 'completed',
        response: NO,
        respondedBy: b.userId,
        policy: { outcome: 'veto' },
      });
      const late = await errorOf(w.placet.reviews.respond(w.members[2]!, message.id, { response: YES }));
      expect(late).toMatchObject({ code: 'REVIEW_NOT_PENDING' });
    });

    it('3 assignees voting 20 times each at once: one completion, one review:responded, one webhook', async () => {
      const w = await setup();
      const message = await ask(w, { assignees: w.emails, policy: { mode: 'quorum', required: 2 } });
      const attempts = w.members.flatMap((member) =>
        Array.from({ length: 20 }, () =>
          w.placet.reviews.respond(member, message.id, { response: YES }).then(
            (m) => m.review?.status ?? 'none',
            (error: { code?: string }) => error.code ?? 'error',
          ),
        ),
      );
      const outcomes = await Promise.all(attempts);
      const count = (what: string) => outcomes.filter((o) => o === what).length;
      // Exactly two votes count: the first leaves it pending, the second completes it; every other call
      // is refused (its voter already voted, or the review is already decided).
      expect(count('completed')).toBe(1);
      expect(count('pending')).toBe(1);
      expect(
        count('completed') + count('pending') + count('ALREADY_VOTED') + count('REVIEW_NOT_PENDING'),
      ).toBe(60);
      const review = await w.placet.reviews.get(w.agent, message.id);
      expect(review.review?.votes).toHaveLength(2);
      expect(new Set(review.review?.votes?.map((v) => v.userId)).size).toBe(2);
      expect(await responded(w, message.id)).toHaveLength(1);
      const deliveries = await w.placet.deliveries.listForMessage(w.owner, message.id);
      expect(deliveries.filter((d) => d.event === 'review:responded')).toHaveLength(1);
    });

    it('at expiry the default response is applied, attributed to nobody, and the wait returns it marked', async () => {
      const w = await setup();
      const message = await ask(w, {
        assignees: w.emails,
        policy: { mode: 'all' },
        expiresInSeconds: 20,
        onTimeout: { response: NO },
      });
      await w.placet.reviews.respond(w.members[0]!, message.id, { response: YES });
      const waiting = w.placet.reviews.wait(w.agent, message.id, { timeoutMs: 30_000 });
      await w.clock.advance(21_000);
      const result = await waiting;
      expect(result.status).toBe('completed');
      expect(result.message?.review).toMatchObject({
        status: 'completed',
        response: NO,
        respondedBy: null,
        policy: { outcome: 'default' },
      });
      const claims = await verifyReceipt(
        result.message?.review?.receipt ?? '',
        await w.placet.receipts.jwks(),
      );
      expect(claims).toMatchObject({ answeredBy: null, response: NO, policy: { outcome: 'default' } });
      expect(await responded(w, message.id)).toHaveLength(1);
      // A sweep afterwards changes nothing: applied exactly once.
      await w.placet.sweep();
      expect(await responded(w, message.id)).toHaveLength(1);
      expect((await w.store.events.after(0, 10_000)).filter((e) => e.type === 'review:expired')).toHaveLength(
        0,
      );

      // Without onTimeout a review with a policy expires as today.
      const plain = await ask(w, { assignees: w.emails, expiresInSeconds: 60 });
      await w.clock.advance(61_000);
      await w.placet.sweep();
      expect((await w.placet.reviews.get(w.agent, plain.id)).review?.status).toBe('expired');
    });

    it('an answer bound to a reviewHash the agent changed since is refused and nothing is recorded', async () => {
      const w = await setup();
      const streamId = `s-${Math.random().toString(36).slice(2)}`;
      const message = await ask(
        w,
        { assignees: w.emails, policy: { mode: 'quorum', required: 2 } },
        { streamId },
      );
      const shown = message.review?.reviewHash ?? '';
      expect(shown).toBe(
        await reviewHash({
          type: 'vote',
          payload: { options: ['yes', 'no'] },
          text: message.text,
          attachments: [],
        }),
      );
      await w.placet.streams.patch(w.agent, streamId, {
        channelId: w.channelId,
        text: 'Deploy v3 to production?',
      });
      const refused = await errorOf(
        w.placet.reviews.respond(w.members[0]!, message.id, { response: YES, reviewHash: shown }),
      );
      expect(refused).toMatchObject({ code: 'REVIEW_CHANGED', status: 409 });
      const after = await w.placet.reviews.get(w.agent, message.id);
      expect(after.review?.votes).toEqual([]);
      expect(after.review?.reviewHash).not.toBe(shown);
      const ok = await w.placet.reviews.respond(w.members[0]!, message.id, {
        response: YES,
        reviewHash: after.review?.reviewHash ?? '',
      });
      expect(ok.review?.votes).toHaveLength(1);
    });

    it('escalation steps fire once each, when due: a reminder, then a new assignee who may answer', async () => {
      const w = await setup();
      const [a, b] = w.members as [PolicyWorld['members'][0], PolicyWorld['members'][0]];
      const message = await ask(w, {
        assignees: [w.emails[0]],
        expiresInSeconds: 600,
        escalation: [
          { after: '1m', remind: true },
          { after: '2m', addAssignees: [w.emails[1]] },
        ],
      });
      expect(message.review?.policy).toMatchObject({
        escalated: 0,
        nextEscalationAt: new Date(w.clock.now().getTime() + 60_000).toISOString(),
        escalation: [
          { after: '1m', remind: true, addAssignees: [] },
          { after: '2m', remind: false, addAssignees: [w.emails[1]] },
        ],
      });
      const updates = async () =>
        (await w.store.events.after(0, 10_000)).filter(
          (e) => e.type === 'message:updated' && e.subjectId === message.id,
        ).length;
      const state = async () => (await w.placet.reviews.get(w.agent, message.id)).review?.policy;

      // The sweeper's own timer fires at each step; a sweep after each advance waits for its work to land
      // (a real database answers after the fake clock's settling turns).
      const at = async (ms: number) => {
        await w.clock.advance(ms);
        await w.placet.sweep();
      };
      await at(59_000);
      expect((await state())?.escalated).toBe(0);
      expect(await errorOf(w.placet.reviews.respond(b, message.id, { response: YES }))).toMatchObject({
        code: 'NOT_FOUND',
      });
      await at(2_000);
      expect(await state()).toMatchObject({ escalated: 1, assigneeIds: [a.userId] });
      await at(60_000);
      expect(await state()).toMatchObject({
        escalated: 2,
        assigneeIds: [a.userId, b.userId],
        nextEscalationAt: null,
      });
      expect(await updates()).toBe(2);
      // Later sweeps change nothing; the new assignee may answer and sees it in their inbox.
      await w.placet.sweep();
      await w.clock.advance(60_000);
      expect(await updates()).toBe(2);
      expect((await w.placet.reviews.list(b, { scope: 'assigned' })).data.map((m) => m.id)).toEqual([
        message.id,
      ]);
      const answered = await w.placet.reviews.respond(b, message.id, { response: YES });
      expect(answered.review?.status).toBe('completed');
    });

    it('escalation steps must be in time order and before the expiry', async () => {
      const w = await setup();
      const bad = await errorOf(
        ask(w, {
          expiresInSeconds: 3600,
          escalation: [
            { after: '30m', remind: true },
            { after: '10m', remind: true },
            { after: '2h', remind: true },
          ],
        }),
      );
      expect(bad).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((bad as { issues?: { path: string }[] }).issues?.map((i) => i.path)).toEqual([
        'review.escalation.1.after',
        'review.escalation.2.after',
      ]);
    });

    it.runIf(options.shared === true)(
      'with two Placet instances on one database each escalation step fires exactly once',
      async () => {
        const w = await setup();
        if (!w.another) throw new Error('shared: true needs store() to give another()');
        const clockB = new FakeClock(w.clock.now());
        const b = createPlacet({
          plugins: [votePlugin()],
          store: w.another(),
          clock: clockB,
          logger: silentLogger(),
        });
        await b.start();
        cleanups.push(() => b.stop());
        const messages = [];
        for (let i = 0; i < 5; i++)
          messages.push(
            await ask(w, {
              assignees: [w.emails[0]],
              expiresInSeconds: 600,
              escalation: [
                { after: '1m', remind: true },
                { after: '2m', addAssignees: [w.emails[1]] },
                { after: '3m', addAssignees: ['role:member'] },
              ],
            }),
          );
        // Both processes sweep at every step's time, at once.
        for (let minute = 1; minute <= 4; minute++)
          await Promise.all([w.clock.advance(60_000), clockB.advance(60_000), w.placet.sweep(), b.sweep()]);
        for (const message of messages) {
          // The audit log names the steps of each firing: every step exactly once, in order (a late timer
          // may fire two due steps together, never one twice).
          const entries = await w.store.audit.list({
            ownerId: w.owner.userId,
            messageId: message.id,
            limit: 100,
          });
          const steps = entries
            .filter((e) => e.type === 'review.escalated')
            .flatMap((e) => (e.data.steps as { step: number }[]).map((s) => s.step));
          expect(steps).toEqual([1, 2, 3]);
          const policy = (await w.placet.reviews.get(w.agent, message.id)).review?.policy;
          expect(policy?.escalated).toBe(3);
          expect(new Set(policy?.assigneeIds).size).toBe(policy?.assigneeIds.length);
          expect(policy?.assigneeIds.sort()).toEqual(w.members.map((m) => m.userId).sort());
          const rows = await w.store.reviewAssignees.listReviews({ userId: w.members[2]!.userId, limit: 50 });
          expect(rows.filter((r) => r.messageId === message.id)).toHaveLength(1);
        }
      },
    );

    it('edit, then approve: the agent gets the approved value and a diff, signed in the receipt', async () => {
      const w = await setup();
      const proposal = {
        value: { amount: 100, recipient: 'ACME Ltd', memo: 'Invoice 7' },
        editable: ['amount', 'recipient'],
        schema: {
          type: 'object',
          properties: {
            amount: { type: 'number', maximum: 500 },
            recipient: { type: 'string', minLength: 1 },
          },
          required: ['amount', 'recipient'],
        },
      };
      const message = await ask(w, { assignees: [w.emails[0]], proposal });
      expect(message.review?.proposal).toEqual(proposal);
      expect(message.review?.edits).toBeNull();
      // The proposal is part of what the human is shown.
      expect(message.review?.reviewHash).toBe(
        await reviewHash({
          type: 'vote',
          payload: { options: ['yes', 'no'] },
          text: message.text,
          attachments: [],
          proposal,
        }),
      );
      const a = w.members[0]!;
      const refusals = [
        [{ memo: 'changed' }, 'edits.memo'],
        [{ amount: 1000 }, 'edits.amount'],
        [{ recipient: '' }, 'edits.recipient'],
      ] as const;
      for (const [edits, path] of refusals) {
        const refused = await errorOf(w.placet.reviews.respond(a, message.id, { response: YES, edits }));
        expect(refused).toMatchObject({ code: 'INVALID_REVIEW_RESPONSE', status: 400 });
        expect((refused as { issues?: { path: string }[] }).issues?.map((i) => i.path)).toEqual([path]);
      }
      expect((await w.store.reviews.findByMessageId(message.id))?.status).toBe('pending');

      const waiting = w.placet.reviews.wait(w.agent, message.id, { timeoutMs: 10_000 });
      await w.placet.reviews.respond(a, message.id, {
        response: YES,
        edits: { amount: 90, recipient: 'ACME Ltd' },
      });
      const result = await waiting;
      const expected = {
        value: { amount: 90, recipient: 'ACME Ltd', memo: 'Invoice 7' },
        diff: [{ path: 'amount', from: 100, to: 90 }],
      };
      expect(result.message?.review?.edits).toEqual(expected);
      const claims = await verifyReceipt(
        result.message?.review?.receipt ?? '',
        await w.placet.receipts.jwks(),
      );
      expect(claims.edits).toEqual(expected);
      const entries = await w.store.audit.list({ ownerId: w.owner.userId, messageId: message.id, limit: 50 });
      expect(entries.find((e) => e.type === 'review.edited')).toMatchObject({
        actor: { kind: 'user', id: a.userId },
        data: { diff: expected.diff },
      });
    });

    it('refuses a proposal whose editable fields or schema do not fit its value, and edits in a quorum', async () => {
      const w = await setup();
      const bad = await errorOf(
        ask(w, {
          proposal: {
            value: { amount: 700 },
            editable: ['amount', 'currency'],
            schema: { type: 'object', properties: { amount: { type: 'number', maximum: 500 } } },
          },
        }),
      );
      expect((bad as { issues?: { path: string }[] }).issues?.map((i) => i.path)).toEqual([
        'review.proposal.editable.1',
        'review.proposal.value.amount',
      ]);
      const regex = await errorOf(
        ask(w, {
          proposal: {
            value: { name: 'x' },
            editable: ['name'],
            schema: { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } },
          },
        }),
      );
      expect((regex as { issues?: { path: string }[] }).issues?.map((i) => i.path)).toEqual([
        'review.proposal.schema.properties.name.pattern',
      ]);
      const quorum = await ask(w, {
        assignees: w.emails,
        policy: { mode: 'quorum', required: 2 },
        proposal: { value: { amount: 1 }, editable: ['amount'] },
      });
      const refused = await errorOf(
        w.placet.reviews.respond(w.members[0]!, quorum.id, { response: YES, edits: { amount: 2 } }),
      );
      expect(refused).toMatchObject({ code: 'INVALID_REVIEW_RESPONSE' });
      const plain = await ask(w, {});
      const noProposal = await errorOf(
        w.placet.reviews.respond(w.owner, plain.id, { response: YES, edits: { amount: 2 } }),
      );
      expect(noProposal).toMatchObject({ code: 'INVALID_REVIEW_RESPONSE' });
    });

    it('a plain review shows none of the policy fields', async () => {
      const w = await setup();
      const message = await ask(w, {});
      expect(Object.keys(message.review ?? {}).sort()).toEqual(
        [
          'callback',
          'completedAt',
          'expiresAt',
          'feedback',
          'modifiedFileIds',
          'payload',
          'respondedBy',
          'response',
          'status',
          'type',
        ].sort(),
      );
      const answered = await w.placet.reviews.respond(w.owner, message.id, { response: YES });
      expect(answered.review).not.toHaveProperty('receipt');
      expect(answered.review).not.toHaveProperty('votes');
    });
  });
}
