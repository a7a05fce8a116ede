import { afterEach, describe, expect, it } from 'vitest';
import {
  actionLinks,
  header,
  request,
  SMTP_PASSWORD,
  startWorld,
  submit,
  type World,
  waitFor,
} from './harness.js';

/**
 * The whole path over real sockets: an agent asks over HTTP, the plugin mails the owner through a real
 * SMTP server, the owner opens a link (GET: a page, nothing changes) and presses its button (POST: the
 * answer), and the agent's long-poll returns the answer as if it had been given in the dashboard.
 */

let w: World;
afterEach(async () => w?.close());

async function askApproval(world: World, text = 'Deploy **v2.4.1** to production?') {
  const res = await request(`${world.url}/api/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': world.key, 'content-type': 'application/json' },
    body: JSON.stringify({
      channelId: world.channelId,
      text,
      review: {
        type: 'approval',
        payload: {
          options: [
            { id: 'approve', label: 'Approve', style: 'primary' },
            { id: 'reject', label: 'Reject', style: 'danger' },
          ],
        },
      },
    }),
  });
  expect(res.status).toBe(201);
  return JSON.parse(res.text) as { id: string };
}

const reviewOf = async (world: World, id: string) =>
  (await world.placet.reviews.get(world.agent, id, world.channelId)).review!;

describe('an approval answered from an e-mail', () => {
  it('mails the owner once, a GET changes nothing, the POST answers, the long-poll returns it', async () => {
    w = await startWorld();
    const asked = Date.now();
    const { id } = await askApproval(w);

    // The agent waits for the answer, as agents do: a long-poll over HTTP.
    const waiting = request(`${w.url}/api/v1/reviews/${id}/wait?channel=${w.channelId}&timeout=30000`, {
      headers: { 'x-api-key': w.key },
    });

    await waitFor(() => w.smtp.received.length === 1, { message: 'the first mail' });
    // Includes smtp-server's deliberate 100 ms pause before its greeting (its early-talker check).
    console.log(`[figure] email: first mail ${w.smtp.received[0]!.at - asked} ms after the review`);
    const { mail } = w.smtp.received[0]!;
    expect(mail.to).toMatchObject({ value: [{ address: 'ada@example.test', name: 'Ada Lovelace' }] });
    expect(mail.from).toMatchObject({ value: [{ address: 'placet@example.test', name: 'Placet' }] });
    expect(mail.subject).toBe('[deploy-bot] Deploy v2.4.1 to production?');
    expect(header(mail, 'x-placet-notification')).toMatch(/^ntf_/);
    expect(mail.messageId).toBe(`<${header(mail, 'x-placet-notification')}@127.0.0.1>`);
    expect(header(mail, 'x-placet-review')).toBe(id);

    // One link per option, in the HTML and in the plain text.
    const links = actionLinks(mail);
    expect([...links.keys()]).toEqual(['Approve', 'Reject']);
    for (const href of links.values()) {
      expect(href.startsWith(`${w.url}/api/v1/plugins/email/actions/`)).toBe(true);
      expect(mail.text).toContain(href);
    }
    expect(mail.text).toContain('deploy-bot asks for your answer');
    expect(mail.text).toContain(`${w.url}/#/inbox/${id}`);
    expect(mail.html).toContain('<strong>v2.4.1</strong>');
    const approve = links.get('Approve')!;

    // GET: a confirmation page with a form posting back to the same URL; nothing changes.
    const page = await request(approve);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.text).toContain('<form method="post"><button type="submit">Approve</button></form>');
    expect(page.text).toContain('You answer as Ada Lovelace');
    expect(page.text).not.toContain('<script');
    expect(await request(approve)).toMatchObject({ status: 200 }); // Twice: still nothing.
    expect(await reviewOf(w, id)).toMatchObject({ status: 'pending', response: null });

    // POST (the button): the answer, as the recipient.
    const done = await submit(approve);
    expect(done.status).toBe(200);
    expect(done.text).toContain('Thank you: your answer was sent');
    expect(done.text).toContain('You answered &quot;Approve&quot;');

    const waited = await waiting;
    expect(waited.status).toBe(200);
    expect(JSON.parse(waited.text)).toMatchObject({
      status: 'completed',
      message: {
        id,
        review: { status: 'completed', response: { selectedOption: 'approve' }, respondedBy: w.owner.id },
      },
    });

    // The same link again, and the other option's: already answered, by whom and when; nothing changes.
    const again = await request(approve);
    expect(again.status).toBe(200);
    expect(again.text).toContain(
      'Already answered by Ada Lovelace at 2 Mar 2026, 09:00 UTC: Chose: Approve.',
    );
    const repost = await submit(approve);
    expect(repost.status).toBe(409);
    expect(repost.text).toContain('Already answered by Ada Lovelace');
    const reject = await submit(links.get('Reject')!);
    expect(reject.status).toBe(409);
    expect(reject.text).toContain('Already answered by Ada Lovelace');
    expect(await reviewOf(w, id)).toMatchObject({ response: { selectedOption: 'approve' } });

    // One mail, one delivered attempt in the delivery log.
    const log = await w.placet.deliveries.listForMessage(w.placet.userPrincipal(w.owner), id);
    expect(log.filter((d) => d.url === 'notifier:email')).toMatchObject([
      { event: 'review.created', state: 'delivered', attempts: [{ attempt: 1, error: null }] },
    ]);
    expect(w.smtp.received).toHaveLength(1);
    expect(w.logger.lines.join('\n')).not.toContain(SMTP_PASSWORD);
  });
});
