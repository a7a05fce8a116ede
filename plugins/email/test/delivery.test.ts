import { afterEach, describe, expect, it } from 'vitest';
import {
  actionLinkList,
  header,
  mailsSettled,
  SMTP_PASSWORD,
  START,
  startWorld,
  submit,
  type World,
  waitFor,
} from './harness.js';

/**
 * Delivery as the engine drives it, on the fake clock, through a real SMTP server: retries while the
 * server is down, quiet hours, digests, and the other kinds (reminder, answered, expired).
 */

let w: World;
afterEach(async () => w?.close());

const MINUTE = 60_000;

const approvalPayload = {
  options: [
    { id: 'approve', label: 'Approve' },
    { id: 'reject', label: 'Reject' },
  ],
};

async function ask(world: World, text: string, review: Record<string, unknown> = {}) {
  return world.placet.messages.create(world.agent, {
    channelId: world.channelId,
    text,
    review: { type: 'approval', payload: approvalPayload, ...review },
  });
}

/** The e-mail notification of a message in its delivery log. */
async function emailLog(world: World, messageId: string, event = 'review.created') {
  const log = await world.placet.deliveries.listForMessage(
    world.placet.userPrincipal(world.owner),
    messageId,
  );
  return log.find((d) => d.url === 'notifier:email' && d.event === event);
}

const mailsOf = (world: World, kind: string) =>
  world.smtp.received.filter(({ mail }) => header(mail, 'x-placet-kind') === kind).map(({ mail }) => mail);

describe('delivery', () => {
  it('an SMTP server down for 5 minutes: retried with backoff, then delivered once; every attempt logged, no secret', async () => {
    w = await startWorld();
    const port = w.smtp.port;
    await w.smtp.stop();
    const msg = await ask(w, 'Deploy?');
    await waitFor(async () => (await emailLog(w, msg.id))?.attempts.length === 1, {
      message: 'first attempt',
    });

    // Let the engine retry on its own schedule (5 s, 10 s, 20 s, … with jitter) for five minutes.
    const upAt = START.getTime() + 5 * MINUTE;
    for (;;) {
      const log = (await emailLog(w, msg.id))!;
      const next = new Date(log.nextAttemptAt!).getTime();
      if (next >= upAt) break;
      await w.clock.advance(next - w.clock.now().getTime());
      await waitFor(async () => (await emailLog(w, msg.id))!.attempts.length > log.attempts.length);
    }
    const down = (await emailLog(w, msg.id))!;
    expect(down.state).toBe('pending');
    expect(down.attempts.length).toBeGreaterThanOrEqual(4);
    for (const attempt of down.attempts)
      expect(attempt.error).toBe('smtp: the connection failed (ESOCKET ECONNREFUSED)');
    expect(w.smtp.received).toHaveLength(0);

    // The server is back on the same port: the next retry delivers.
    await w.smtp.start(port);
    await w.clock.advance(new Date(down.nextAttemptAt!).getTime() - w.clock.now().getTime());
    await waitFor(async () => (await emailLog(w, msg.id))!.state === 'delivered', { message: 'delivered' });
    await w.clock.advance(30 * MINUTE);
    expect(w.smtp.received).toHaveLength(1);
    const done = (await emailLog(w, msg.id))!;
    expect(done.attempts).toHaveLength(down.attempts.length + 1);
    expect(done.attempts.at(-1)).toMatchObject({ error: null });
    expect(done.lastError).toBeNull();
    // Every attempt carried the same notification id: the mail can be told from a duplicate.
    expect(header(w.smtp.received[0]!.mail, 'x-placet-notification')).toBe(done.id);

    // The password is in no log line and no delivery log entry.
    expect(JSON.stringify(done)).not.toContain(SMTP_PASSWORD);
    expect(w.logger.lines.some((line) => line.includes('notification attempt failed'))).toBe(true);
    expect(w.logger.lines.join('\n')).not.toContain(SMTP_PASSWORD);
  });

  it('wrong SMTP credentials: a failed attempt that says so, without the password', async () => {
    w = await startWorld({ smtpPassword: 'wrong-Secret-42' });
    const msg = await ask(w, 'Deploy?');
    await waitFor(async () => (await emailLog(w, msg.id))?.attempts.length === 1);
    const log = (await emailLog(w, msg.id))!;
    expect(log.attempts[0]!.error).toBe('smtp: authentication failed (EAUTH 535)');
    expect(JSON.stringify(log)).not.toContain('wrong-Secret-42');
    expect(w.logger.lines.join('\n')).not.toContain('wrong-Secret-42');
  });

  it('quiet hours hold the mail until they end, in the user’s time zone', async () => {
    w = await startWorld();
    // 09:00 UTC is 10:00 in Berlin (CET): inside 08:00–12:00, which ends at 11:00 UTC.
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'Europe/Berlin',
      quietHours: { start: '08:00', end: '12:00' },
      notifiers: { email: { enabled: true, events: ['review.created'], digestMinutes: null } },
    });
    const msg = await ask(w, 'Deploy during the quiet hours?');
    expect(await emailLog(w, msg.id)).toMatchObject({
      state: 'pending',
      attempts: [],
      nextAttemptAt: '2026-03-02T11:00:00.000Z',
    });
    await w.clock.advance(2 * 60 * MINUTE - MINUTE); // 11:59 in Berlin: the dispatcher ran, and waited.
    expect((await emailLog(w, msg.id))!.attempts).toEqual([]);
    expect(w.smtp.received).toHaveLength(0);

    await w.clock.advance(MINUTE);
    await waitFor(() => w.smtp.received.length === 1, { message: 'the mail after the quiet hours' });
    const [{ mail }] = w.smtp.received as [(typeof w.smtp.received)[0]];
    expect(mail.text).toContain('Expires 3 Mar 2026, 10:00 (Europe/Berlin).');
    expect((await emailLog(w, msg.id))!.state).toBe('delivered');
  });

  it('a digest gathers 10 reviews into one mail, with the links of each', async () => {
    w = await startWorld();
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: { email: { enabled: true, events: ['review.created'], digestMinutes: 15 } },
    });
    const ids: string[] = [];
    for (let i = 1; i <= 10; i++) {
      ids.push((await ask(w, `Deploy service ${i}?`)).id);
      await w.clock.advance(MINUTE);
    }
    // One notification for the period (09:00–09:15), due at its end (or a few seconds after it, so that
    // a review committed at its last moment is in it).
    const page = await w.placet.deliveries.listForChannel(w.placet.userPrincipal(w.owner), w.channelId);
    const planned = page.data.filter((d) => d.url === 'notifier:email');
    expect(planned).toMatchObject([{ event: 'digest', state: 'pending' }]);
    const due = new Date(planned[0]!.nextAttemptAt!).getTime();
    expect(due).toBeGreaterThanOrEqual(Date.parse('2026-03-02T09:15:00Z'));
    expect(due).toBeLessThan(Date.parse('2026-03-02T09:16:00Z'));
    expect(w.smtp.received).toHaveLength(0);

    await w.clock.advance(due - w.clock.now().getTime());
    await waitFor(() => w.smtp.received.length === 1, { message: 'the digest' });
    await mailsSettled(w);
    await w.clock.advance(30 * MINUTE);
    expect(w.smtp.received).toHaveLength(1);
    const { mail } = w.smtp.received[0]!;
    expect(mail.subject).toBe('10 requests are waiting for your answer');
    expect(header(mail, 'x-placet-kind')).toBe('digest');
    for (let i = 1; i <= 10; i++) expect(mail.text).toContain(`${i}. deploy-bot\n> Deploy service ${i}?`);
    const links = actionLinkList(mail);
    expect(links.map((l) => l.label)).toEqual(Array.from({ length: 10 }, () => ['Approve', 'Reject']).flat());

    // The third review's "Reject" answers the third review, and only it.
    expect((await submit(links[5]!.href)).status).toBe(200);
    const statuses = await Promise.all(
      ids.map(async (id) => (await w.placet.reviews.get(w.agent, id, w.channelId)).review!),
    );
    expect(statuses[2]).toMatchObject({ status: 'completed', response: { selectedOption: 'reject' } });
    expect(statuses.filter((r) => r.status === 'pending')).toHaveLength(9);
  });

  it('reminders, answers and expiries, when the user asks for them', async () => {
    // Sweeps by hand: the clock is moved only where no mail is on its way.
    w = await startWorld({ reminderAfterMs: 20 * MINUTE, sweepIntervalMs: 3_600_000 });
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: {
        email: {
          enabled: true,
          events: ['review.created', 'review.reminder', 'review.responded', 'review.expired'],
          digestMinutes: null,
        },
      },
    });
    const deploy = await ask(w, 'Deploy?');
    const form = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Why did the canary fail?',
      review: {
        type: 'form',
        payload: { fields: [{ name: 'reason', type: 'text', label: 'Reason' }] },
        expiresInSeconds: 40 * 60,
      },
    });
    await waitFor(() => mailsOf(w, 'review.created').length === 2);
    await mailsSettled(w);
    // A form is answered in the dashboard: no action link, one link to the inbox.
    const formMail = mailsOf(w, 'review.created').find((m) => header(m, 'x-placet-review') === form.id)!;
    expect(actionLinkList(formMail)).toEqual([]);
    expect(formMail.text).toContain(`Answer in Placet (form):\n${w.url}/#/inbox/${form.id}`);

    await w.clock.advance(21 * MINUTE);
    await w.placet.sweep();
    await waitFor(() => mailsOf(w, 'review.reminder').length === 2, { message: 'two reminders' });
    await mailsSettled(w);
    const reminder = mailsOf(w, 'review.reminder').find((m) => header(m, 'x-placet-review') === deploy.id)!;
    expect(reminder.subject).toBe('Still waiting: [deploy-bot] Deploy?');
    expect(reminder.text).toContain('deploy-bot is still waiting for your answer');
    expect(actionLinkList(reminder).map((l) => l.label)).toEqual(['Approve', 'Reject']);

    // The owner answers it: "answered elsewhere" is not news to the one who answered.
    await w.placet.reviews.respond(w.placet.userPrincipal(w.owner), deploy.id, {
      response: { selectedOption: 'reject' },
    });
    await waitFor(async () => (await emailLog(w, deploy.id, 'review.responded'))?.state === 'skipped', {
      message: 'the answer, skipped',
    });
    await mailsSettled(w);
    expect(mailsOf(w, 'review.responded')).toEqual([]);

    // To the form's expiry (09:40), which the sweeper's expiry timer catches on the dot.
    await w.clock.advance(19 * MINUTE);
    await waitFor(() => mailsOf(w, 'review.expired').length === 1, { message: 'the expiry' });
    await mailsSettled(w);
    const expired = mailsOf(w, 'review.expired')[0]!;
    expect(expired.subject).toBe('Expired: [deploy-bot] Why did the canary fail?');
    expect(expired.text).toContain('It expired at 2 Mar 2026, 09:40 UTC without an answer.');
    // One mail per (review, kind): nothing was sent twice.
    expect(w.smtp.received).toHaveLength(5);
    expect(new Set(w.smtp.received.map(({ mail }) => header(mail, 'x-placet-notification'))).size).toBe(5);
  });

  it('"answered" is mailed when someone else answered, and never to the one who answered', async () => {
    w = await startWorld();
    const msg = await ask(w, 'Deploy?');
    await waitFor(() => mailsOf(w, 'review.created').length === 1);
    await mailsSettled(w);
    const owner = w.placet.userPrincipal(w.owner);
    await w.placet.reviews.respond(owner, msg.id, { response: { selectedOption: 'reject' } });
    const message = await w.placet.reviews.get(owner, msg.id);
    const grace = await w.placet.users.create({
      email: 'grace@example.test',
      displayName: 'Grace Hopper',
      password: 'member-password-1',
      role: 'member',
    });
    const about = {
      kind: 'review.responded' as const,
      attempt: 1,
      recipient: (await w.placet.users.get(w.owner.id))!,
      signal: new AbortController().signal,
      channel: await w.placet.channels.get(owner, w.channelId),
      quickAnswers: [],
      summary: 'Reject',
    };

    // Answered by the recipient: nothing is sent, and the attempt counts as done.
    expect(await w.notify({ ...about, id: 'ntf_self', message })).toEqual({
      ok: true,
      skipped: 'the recipient answered it',
    });
    // Answered by someone else (the engine hands the review as it is): the recipient is told who and what.
    const byGrace = { ...message, review: { ...message.review!, respondedBy: grace.id } };
    expect(await w.notify({ ...about, id: 'ntf_other', message: byGrace })).toEqual({ ok: true });
    const received = mailsOf(w, 'review.responded');
    expect(received.map((mail) => header(mail, 'x-placet-notification'))).toEqual(['ntf_other']);
    const answered = received[0]!;
    expect(answered.subject).toBe('Answered: [deploy-bot] Deploy?');
    expect(answered.text).toContain('Answered by Grace Hopper at 2 Mar 2026, 09:00 UTC: Reject.');
    expect(actionLinkList(answered)).toEqual([]);
  });
});
