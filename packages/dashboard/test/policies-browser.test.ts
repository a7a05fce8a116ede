import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, shownText, watchErrors } from './browser-checks.js';
import { browserUnavailable, type Person, type PolicyWorld, startPolicyWorld } from './policy-world.js';

/**
 * The dashboard's parts of approval policies, in Chromium against a real server: who may answer (chips,
 * read-only for others), "Waiting for you / for others", live vote progress, the editable proposal with its
 * diff, the reload after the agent changed a review, the receipt's copy button and the audit view. Each
 * test opens its own browser context; axe-core checks the new UI.
 */
const skip = browserUnavailable();

/** A failed test leaves a screenshot here (ignored by git): `test-output/dashboard/` at the repository root. */
const SCREENSHOTS = fileURLToPath(new URL('../../../test-output/dashboard/', import.meta.url));

interface Sent {
  id: string;
}
type Json = Record<string, unknown>;
interface ReviewBody {
  status: string;
  response: Json | null;
  respondedBy: string | null;
  votes?: Json[];
  edits?: { value: Json; diff: Json[] } | null;
  policy?: { outcome: string | null };
  receipt?: string | null;
}

const PAY = {
  type: 'approval',
  payload: {
    options: [
      { id: 'pay', label: 'Pay', style: 'primary' },
      { id: 'stop', label: 'Stop', style: 'danger' },
    ],
  },
};
const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const OLIVIA = 'olivia@example.test';

describe.skipIf(skip)('dashboard: approval policies', { timeout: 90_000 }, () => {
  let w: PolicyWorld;
  let context: BrowserContext | undefined;
  let errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    w = await startPolicyWorld();
  }, 60_000);
  afterAll(async () => w?.close());
  afterEach(async (test) => {
    if (test.task.result?.state === 'fail' && context) {
      const name = test.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
      const [page] = context.pages();
      await page?.screenshot({ path: join(SCREENSHOTS, `failed-policies-${name}.png`) }).catch(() => {});
    }
    await context?.close().catch(() => {});
    context = undefined;
    expect(errors).toEqual([]);
    errors = [];
  });

  /** A fresh, signed-in page of `person` (its own context, closed after the test). */
  const open = async (person: Person, options: { permissions?: string[] } = {}): Promise<Page> => {
    const opened = await w.open(person, options);
    context = opened.context;
    errors = watchErrors(opened.page);
    return opened.page;
  };
  const ask = async (text: string, review: Json, extra: Json = {}) => {
    const sent = await w.agent<Sent>('POST', '/messages', { channelId: w.channelId, text, review, ...extra });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    return sent.body.id;
  };
  const reviewOf = async (id: string) =>
    (await w.agent<{ review: ReviewBody }>('GET', `/reviews/${id}?channel=${w.channelId}`)).body.review;
  /** Opens the agent's chat once the live socket is open (what happens from then on reaches the page). */
  const openChat = async (page: Page) => {
    await page.goto(`${w.url}/#/chats/${w.channelId}`);
    await page.locator('[data-connection="open"]').waitFor({ state: 'attached' });
    await page.locator('placet-chat .feed > .edge').first().waitFor();
  };
  const bubble = (page: Page, id: string) => page.locator(`placet-message[data-id="${id}"]`);
  const expectAccessible = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

  it('shows a plain review exactly as before: no policy, no chips, no groups', async () => {
    const id = await ask('Plain question?', PAY);
    const page = await open(w.owner);
    await openChat(page);
    await bubble(page, id).locator('placet-approval [data-option="pay"]').waitFor();
    expect(await bubble(page, id).locator('[data-policy], [data-assignees], [data-receipt]').count()).toBe(0);
    await page.goto(`${w.url}/#/inbox`);
    await page.locator(`placet-inbox button.row[data-id="${id}"]`).waitFor();
    // Reviews of earlier tests may name assignees; this one has no chips whatever the list looks like.
    expect(await page.locator(`placet-inbox button.row[data-id="${id}"] [data-assignees]`).count()).toBe(0);
    await w.owner.request('POST', `/reviews/${id}/respond`, { response: { selectedOption: 'stop' } });
  });

  it('shows a review assigned to others read-only to the owner, naming who may answer', async () => {
    const id = await ask('Pay invoice 42?', { ...PAY, assignees: [ALICE, BOB] });
    const page = await open(w.owner);
    await openChat(page);
    const view = bubble(page, id);
    const reason = view.locator('[data-readonly-reason="not-assigned"]');
    await reason.waitFor();
    expect(await shownText(reason)).toBe('Only Alice and Bob may answer.');
    expect(await view.locator('[data-policy] [data-assignee]').allInnerTexts()).toEqual(['Alice', 'Bob']);
    const pay = view.locator('placet-approval [data-option="pay"]');
    await pay.waitFor();
    expect(await pay.evaluate((button) => button.matches(':disabled'))).toBe(true);
    await expectAccessible(page);

    // In the inbox it waits for others, with its assignees on the row.
    await page.goto(`${w.url}/#/inbox`);
    const row = page.locator(`placet-inbox button.row[data-id="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-group')).toBe('others');
    expect(await row.locator('[data-assignee]').allInnerTexts()).toEqual(['Alice', 'Bob']);
    await expect.poll(() => page.locator('placet-inbox [data-group-title="others"]').count()).toBe(1);
    await expectAccessible(page);
    expect((await reviewOf(id)).status).toBe('pending');
  });

  it('lets an assignee answer from "Waiting for you", in another owner’s inbox', async () => {
    const id = await ask('Refund order 7?', { ...PAY, assignees: [ALICE, BOB] });
    const page = await open(w.alice);
    await page.goto(`${w.url}/#/inbox`);
    const row = page.locator(`placet-inbox button.row[data-id="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-group')).toBe('you');
    expect(await shownText(page.locator('placet-inbox [data-group-title="you"]'))).toMatch(
      /^Waiting for you/,
    );
    expect(await row.locator('[data-assignee]').allInnerTexts()).toEqual(['you', 'Bob']);
    await row.click();
    const detail = page.locator('placet-inbox .detail placet-message');
    await detail.locator('placet-approval [data-option="pay"]').waitFor();
    await expectAccessible(page);

    const answer = w.agent<{ status: string; message: { review: ReviewBody } }>(
      'GET',
      `/reviews/${id}/wait?channel=${w.channelId}&timeout=30000`,
    );
    await detail.locator('placet-approval [data-option="pay"]').click();
    const done = (await answer).body;
    expect(done.status).toBe('completed');
    expect(done.message.review).toMatchObject({
      response: { selectedOption: 'pay' },
      respondedBy: w.alice.user.id,
      policy: { outcome: 'answered' },
    });
    await detail.locator('[data-outcome="answered"]').waitFor();
    await detail.locator('[data-receipt]').waitFor();
    await expect.poll(() => row.getAttribute('data-group')).toBe('done');
  });

  it('updates vote progress live when another assignee votes, and shows the quorum once reached', async () => {
    const id = await ask('Deploy v2?', {
      ...PAY,
      assignees: [OLIVIA, ALICE, BOB],
      policy: { mode: 'quorum', required: 2, veto: true },
    });
    const page = await open(w.owner);
    await openChat(page);
    const view = bubble(page, id);
    const progress = view.locator('[data-progress-text]');
    await progress.waitFor();
    expect(await progress.innerText()).toBe('0 of 2 approvals needed');
    expect(await shownText(view.locator('[data-mode]'))).toBe('2 must agree; one rejection decides (veto).');

    const vote = await w.alice.request<{ review: ReviewBody }>('POST', `/reviews/${id}/respond`, {
      response: { selectedOption: 'pay' },
    });
    expect(vote.status).toBe(200);
    expect(vote.body.review.status).toBe('pending');
    await expect.poll(() => progress.innerText()).toBe('1 of 2 approvals needed');
    expect(await shownText(view.locator(`[data-vote="${w.alice.user.id}"]`))).toMatch(/^Alice chose Pay/);
    expect(await shownText(view.locator('[data-policy] [data-assignee].voted'))).toBe('Alice (voted)');
    await expectAccessible(page);

    await view.locator('placet-approval [data-option="pay"]').click();
    await view.locator('[data-outcome="quorum"]').waitFor();
    expect(await shownText(view.locator('[data-outcome="quorum"]'))).toBe('Quorum reached');
    const review = await reviewOf(id);
    expect(review).toMatchObject({ status: 'completed', policy: { outcome: 'quorum' } });
    expect(review.votes).toHaveLength(2);
  });

  it('shows the escalation ladder and a live countdown to the default outcome', async () => {
    const id = await ask('Approve the budget?', {
      ...PAY,
      assignees: [OLIVIA],
      expiresInSeconds: 3600,
      onTimeout: { response: { selectedOption: 'stop' } },
      escalation: [
        { after: '30m', remind: true },
        { after: '45m', addAssignees: [BOB] },
      ],
    });
    const page = await open(w.owner);
    // The page's clock is the test's: a minute passes when the test says so.
    await page.clock.install({ time: Date.now() });
    await openChat(page);
    const view = bubble(page, id);
    const countdown = view.locator('[data-countdown]');
    await countdown.waitFor();
    expect(await countdown.innerText()).toMatch(/^in (59 min \d\d s|1 h 00 min)$/);
    expect(await shownText(view.locator('[data-timeout="default"]'))).toMatch(
      /^If nobody decides by .+, the default applies: Stop \(in .+\)\.$/,
    );
    const escalation = view.locator('[data-escalation]');
    expect(await shownText(escalation)).toMatch(
      /^Escalation: 0 of 2 steps taken; next at .+ \(in (29 min \d\d s|30 min 00 s)\) after 30m: remind the assignees after 45m: add bob@example\.test$/,
    );
    await page.clock.fastForward('10:00');
    await expect.poll(() => countdown.innerText()).toMatch(/^in (49 min \d\d s|50 min 00 s)$/);
    expect(await view.locator('[data-next-step]').innerText()).toMatch(/^in (19 min \d\d s|20 min 00 s)$/);
    await expectAccessible(page);
    await w.owner.request('POST', `/reviews/${id}/respond`, { response: { selectedOption: 'pay' } });
  });

  it('shows a veto and a default outcome as they are decided', async () => {
    const vetoed = await ask('Delete the old backups?', {
      ...PAY,
      assignees: [OLIVIA, ALICE, BOB],
      policy: { mode: 'quorum', required: 2, veto: true },
    });
    const page = await open(w.owner);
    await openChat(page);
    // Asked once the chat is open: it arrives live, and so does its default a second later.
    const defaulted = await ask('Retry the import?', {
      ...PAY,
      assignees: [ALICE],
      expiresInSeconds: 1,
      onTimeout: { response: { selectedOption: 'stop' } },
    });
    const veto = bubble(page, vetoed);
    await veto.locator('[data-progress-text]').waitFor();
    const no = await w.bob.request('POST', `/reviews/${vetoed}/respond`, {
      response: { selectedOption: 'stop' },
    });
    expect(no.status).toBe(200);
    await veto.locator('[data-outcome="veto"]').waitFor();
    expect(await shownText(veto.locator('[data-policy] > p.row'))).toBe('Vetoed Stop deciding vote by Bob');
    expect(await shownText(veto.locator(`[data-vote="${w.bob.user.id}"]`))).toMatch(
      /^Bob chose Stop \(rejects: a veto\)/,
    );
    // The sweeper applies the default when the review falls due; the page hears of it.
    const fallback = bubble(page, defaulted);
    await fallback.locator('[data-outcome="default"]').waitFor({ timeout: 20_000 });
    expect(await shownText(fallback.locator('[data-policy] > p.row'))).toBe(
      'Default applied Stop nobody decided in time',
    );
    await expectAccessible(page);
  });

  it('edits the proposal with a live diff; the agent’s wait returns the edits', async () => {
    const id = await ask('Pay the supplier?', {
      ...PAY,
      assignees: [OLIVIA],
      proposal: {
        value: {
          amount: 1200,
          recipient: 'ACME GmbH',
          currency: 'EUR',
          urgent: false,
          lines: [{ sku: 'A1', qty: 2 }],
        },
        editable: ['amount', 'recipient', 'urgent', 'lines'],
      },
    });
    const page = await open(w.owner);
    await openChat(page);
    const form = bubble(page, id).locator('placet-proposal');
    await form.locator('input[name="amount"]').waitFor();
    expect(await form.locator('[data-field="currency"]').innerText()).toBe('"EUR"');
    await form.getByLabel('amount').fill('1500');
    await expect.poll(() => shownText(form.locator('[data-diff-path="amount"]'))).toBe('amount: 1200 → 1500');
    await form.getByLabel('recipient').fill('ACME AG');
    await form.getByLabel('urgent').check();
    await form.getByLabel('lines').fill('[{"sku": "A1", "qty": ');
    await expectAccessible(page);

    // Not JSON: refused in the browser, nothing sent.
    await bubble(page, id).locator('placet-approval [data-option="pay"]').click();
    await expect
      .poll(() => shownText(bubble(page, id).locator('placet-review-host p.error[role="alert"]')))
      .toBe('Correct the proposal first: lines must be valid JSON.');
    expect((await reviewOf(id)).status).toBe('pending');

    await form.getByLabel('lines').fill('[{"sku": "A1", "qty": 3}]');
    await expect.poll(() => form.locator('[data-diff-path]').count()).toBe(4);
    const answer = w.agent<{ status: string; message: { review: ReviewBody } }>(
      'GET',
      `/reviews/${id}/wait?channel=${w.channelId}&timeout=30000`,
    );
    await bubble(page, id).locator('placet-approval [data-option="pay"]').click();
    const done = (await answer).body;
    expect(done.status).toBe('completed');
    expect(done.message.review.edits).toEqual({
      value: {
        amount: 1500,
        recipient: 'ACME AG',
        currency: 'EUR',
        urgent: true,
        lines: [{ sku: 'A1', qty: 3 }],
      },
      diff: [
        { path: 'amount', from: 1200, to: 1500 },
        { path: 'recipient', from: 'ACME GmbH', to: 'ACME AG' },
        { path: 'urgent', from: false, to: true },
        { path: 'lines', from: [{ sku: 'A1', qty: 2 }], to: [{ sku: 'A1', qty: 3 }] },
      ],
    });
    // Decided: the approved value and what was changed, read-only.
    await expect.poll(() => shownText(form.locator('legend'))).toBe('Approved value');
    expect(await shownText(form.locator('.diff'))).toContain('Changed before it was decided');
    expect(await shownText(form.locator('[data-diff-path="recipient"]'))).toBe(
      'recipient: "ACME GmbH" → "ACME AG"',
    );
    expect(await form.locator('input, textarea').count()).toBe(0);
  });

  it('reloads a review the agent changed before the answer arrived, and records nothing', async () => {
    const streamId = `s-${randomBytes(6).toString('hex')}`;
    const id = await ask('Deploy v2 to production?', { ...PAY, assignees: [OLIVIA] }, { streamId });
    const page = await open(w.owner);
    // The update of the message is held back on its way to this page: the person still sees v2.
    let hold = false;
    await page.routeWebSocket(/\/ws(\?|$)/, (socket) => {
      const server = socket.connectToServer();
      server.onMessage((frame) => {
        if (hold && typeof frame === 'string' && frame.includes('"message:updated"') && frame.includes(id))
          return;
        socket.send(frame);
      });
      socket.onMessage((frame) => server.send(frame));
    });
    await openChat(page);
    const view = bubble(page, id);
    await view.locator('placet-approval [data-option="pay"]').waitFor();
    hold = true;
    const patched = await w.agent('PATCH', `/messages/streams/${streamId}`, {
      channelId: w.channelId,
      text: 'Deploy v3 to production?',
    });
    expect(patched.status).toBe(200);
    expect(await shownText(view.locator('[data-text]'))).toBe('Deploy v2 to production?');

    await view.locator('placet-approval [data-option="pay"]').click();
    const notice = view.locator('[data-review-changed]');
    await notice.waitFor();
    expect(await shownText(notice)).toBe('The agent changed this review; check it again.');
    await expect.poll(() => shownText(view.locator('[data-text]'))).toBe('Deploy v3 to production?');
    const after = await reviewOf(id);
    expect(after.status).toBe('pending');
    expect(after.votes).toEqual([]);
    await expectAccessible(page);

    // Answered again, now bound to what it says.
    await view.locator('placet-approval [data-option="pay"]').click();
    await view.locator('[data-outcome="answered"]').waitFor();
    expect(await notice.count()).toBe(0);
    expect((await reviewOf(id)).status).toBe('completed');
  });

  it('copies the receipt of a decided review and shows its audit log', async () => {
    const id = await ask('Rotate the keys?', { ...PAY, assignees: [OLIVIA] });
    const answered = await w.owner.request('POST', `/reviews/${id}/respond`, {
      response: { selectedOption: 'pay' },
    });
    expect(answered.status).toBe(200);
    const receipt = (await reviewOf(id)).receipt ?? '';
    expect(receipt.split('.')).toHaveLength(3);
    const kid = JSON.parse(Buffer.from(receipt.split('.')[0]!, 'base64url').toString()).kid as string;

    const page = await open(w.owner, { permissions: ['clipboard-read', 'clipboard-write'] });
    await openChat(page);
    const view = bubble(page, id);
    await view.locator('[data-receipt]').waitFor();
    expect(await view.locator('[data-kid]').innerText()).toBe(kid);
    await view.getByRole('button', { name: 'Copy receipt' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(receipt);
    expect(await view.locator('placet-review-receipt [role="status"]').innerText()).toBe('Copied.');

    // The audit log: what happened, who did it, through which path.
    await view.locator('placet-review-audit summary').click();
    await view.locator('[data-audit-entry]').first().waitFor();
    const audit = await shownText(view.locator('[data-audit-entries]'));
    expect(audit).toMatch(/Asked the agent API/);
    expect(audit).toMatch(/Decided: Pay \(answered\) you/);
    expect(audit).toMatch(/Receipt issued Placet/);
    const seqs = await view
      .locator('[data-audit-entry]')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await expectAccessible(page);
  });

  it('says so in one line when the server has no audit route', async () => {
    const id = await ask('Archive the logs?', { ...PAY, assignees: [OLIVIA] });
    const page = await open(w.owner);
    await page.route(/\/api\/v1\/reviews\/[^/]+\/audit/, (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({
          statusCode: 404,
          error: 'Not Found',
          code: 'NOT_FOUND',
          message: 'Not found',
        }),
      }),
    );
    await openChat(page);
    await bubble(page, id).locator('placet-review-audit summary').click();
    const missing = bubble(page, id).locator('[data-audit-missing]');
    await missing.waitFor();
    expect(await missing.innerText()).toBe('This server keeps no audit log for reviews.');
    await w.owner.request('POST', `/reviews/${id}/respond`, { response: { selectedOption: 'stop' } });
  });
});
