import { afterEach, describe, expect, it } from 'vitest';
import { EMAIL_ACTIONS } from '../src/index.js';
import { actionLinks, mailsSettled, request, startWorld, submit, type World, waitFor } from './harness.js';

/**
 * What an action link refuses, over HTTP: a changed token, an expired one, one made for someone who
 * cannot answer the review, a second use, an expired review. Each gets a page that says so, with a 4xx
 * status, and the review stays as it was.
 */

let w: World;
afterEach(async () => w?.close());

async function askApproval(world: World, extra: Record<string, unknown> = {}) {
  const message = await world.placet.messages.create(world.agent, {
    channelId: world.channelId,
    text: 'Rotate the <b>prod</b> keys?',
    review: {
      type: 'approval',
      payload: {
        options: [
          { id: 'approve', label: 'Approve' },
          { id: 'reject', label: 'Reject', style: 'danger' },
        ],
      },
      ...extra,
    },
  });
  await waitFor(() =>
    world.smtp.received.some(({ mail }) => mail.headers.get('x-placet-review') === message.id),
  );
  const { mail } = world.smtp.received.find(
    ({ mail }) => mail.headers.get('x-placet-review') === message.id,
  )!;
  await mailsSettled(world);
  return { id: message.id, links: actionLinks(mail) };
}

const statusOf = async (world: World, id: string) =>
  (await world.placet.reviews.get(world.agent, id, world.channelId)).review!.status;

/** Changes one character of the token's signature (or, with `part: 0`, of its claims). */
function tamper(link: string, part: 0 | 1): string {
  const [base, token] = [link.slice(0, link.lastIndexOf('/') + 1), link.slice(link.lastIndexOf('/') + 1)];
  const pieces = token.split('.');
  const piece = pieces[part]!;
  const at = Math.floor(piece.length / 2);
  pieces[part] = `${piece.slice(0, at)}${piece[at] === 'A' ? 'B' : 'A'}${piece.slice(at + 1)}`;
  return `${base}${pieces.join('.')}`;
}

describe('action links refuse', () => {
  it('a changed token (claims or signature) and a malformed one, for GET and POST', async () => {
    w = await startWorld();
    const { id, links } = await askApproval(w);
    const approve = links.get('Approve')!;
    for (const bad of [
      tamper(approve, 0),
      tamper(approve, 1),
      `${approve}x`,
      `${w.url}/api/v1/plugins/email/actions/nope`,
    ]) {
      for (const res of [await request(bad), await submit(bad)]) {
        expect(res.status).toBe(400);
        expect(res.text).toContain('This link is not valid');
        expect(res.text).toContain('Nothing was changed.');
      }
    }
    expect(await statusOf(w, id)).toBe('pending');
    // The untouched link still works.
    expect((await submit(approve)).status).toBe(200);
    expect(await statusOf(w, id)).toBe('completed');
  });

  it('an expired token: the link says so, the review is left pending', async () => {
    w = await startWorld({ email: { tokenTtlMs: 60 * 60_000 } });
    const { id, links } = await askApproval(w);
    await w.clock.advance(60 * 60_000 + 1);
    for (const res of [await request(links.get('Approve')!), await submit(links.get('Approve')!)]) {
      expect(res.status).toBe(410);
      expect(res.text).toContain('This link has expired');
      expect(res.text).toContain(`/#/inbox/${id}`);
    }
    expect(await statusOf(w, id)).toBe('pending');
  });

  it("another user's token for the review (validly signed): refused, nothing answered", async () => {
    w = await startWorld();
    const { id } = await askApproval(w);
    const bob = await w.placet.users.create({
      email: 'bob@example.test',
      displayName: 'Bob',
      password: 'bob-password-12',
      role: 'owner',
    });
    const theirs = await w.placet
      .resolve(EMAIL_ACTIONS)
      .link({ messageId: id, optionId: 'approve', userId: bob.id });
    for (const res of [await request(theirs), await submit(theirs)]) {
      expect(res.status).toBe(403);
      expect(res.text).toContain('This link cannot answer this request');
    }
    // A token for a user who no longer exists, and for an option the review does not have.
    const gone = await w.placet
      .resolve(EMAIL_ACTIONS)
      .link({ messageId: id, optionId: 'approve', userId: 'usr_gone' });
    expect((await submit(gone)).status).toBe(403);
    const odd = await w.placet
      .resolve(EMAIL_ACTIONS)
      .link({ messageId: id, optionId: 'maybe', userId: w.owner.id });
    expect((await submit(odd)).status).toBe(400);
    expect(await statusOf(w, id)).toBe('pending');
  });

  it('a second use: of two POSTs of one link at once, one answers and the other is refused', async () => {
    w = await startWorld();
    const { id, links } = await askApproval(w);
    const results = await Promise.all([submit(links.get('Reject')!), submit(links.get('Reject')!)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.text).toMatch(/This link was already used|Already answered by Ada Lovelace/);
    const review = (await w.placet.reviews.get(w.agent, id, w.channelId)).review!;
    expect(review).toMatchObject({ status: 'completed', response: { selectedOption: 'reject' } });
    // One answer, one event: one webhook-style delivery series (none here) and one `review:responded`.
    const events: string[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id, fromSeq: 0 }, (event) => events.push(event.type));
    await waitFor(() => events.includes('review:responded'));
    expect(events.filter((type) => type === 'review:responded')).toHaveLength(1);
  });

  it('an expired review: a clear page, GET and POST, no change', async () => {
    w = await startWorld();
    const { id, links } = await askApproval(w, { expiresInSeconds: 120 });
    await w.clock.advance(121_000);
    await w.placet.sweep();
    expect(await statusOf(w, id)).toBe('expired');
    for (const res of [await request(links.get('Approve')!), await submit(links.get('Approve')!)]) {
      expect(res.status).toBe(410);
      expect(res.text).toContain('This request has expired');
      expect(res.text).toContain('It expired at 2 Mar 2026, 09:02 UTC without an answer');
    }
    expect(await statusOf(w, id)).toBe('expired');
  });

  it('escape what the agent wrote on every page', async () => {
    w = await startWorld();
    const { links } = await askApproval(w);
    const page = await request(links.get('Reject')!);
    expect(page.text).toContain('Rotate the &lt;b&gt;prod&lt;/b&gt; keys?');
    expect(page.text).toContain('<button type="submit" class="danger">Reject</button>');
    expect(page.text).not.toContain('<b>prod</b>');
  });
});
