import type { Channel, Message } from '@placet/core/contract';
import type { DigestNotification, Notification } from '@placet/core/plugin';
import { describe, expect, it } from 'vitest';
import { buildPayload, MAX_BODY_LENGTH, MAX_PAYLOAD_BYTES, plainText } from '../src/index.js';

/** What a push says, built from notifications as the engine hands them over. */

const channel = { id: 'ch1', name: 'deploy-bot' } as Channel;

function message(
  overrides: Omit<Partial<Message>, 'review'> & { review?: Partial<NonNullable<Message['review']>> },
): Message {
  const { review, ...rest } = overrides;
  return {
    id: 'msg_1',
    channelId: 'ch1',
    text: 'Deploy?',
    review: {
      type: 'approval',
      payload: { options: [{ id: 'yes', label: 'Yes' }] },
      status: 'pending',
      response: null,
      ...review,
    },
    ...rest,
  } as Message;
}

/** As the engine hands it over: the one-click answers of a waiting review, the summary of an answered one. */
const notify = (
  kind: 'review.created' | 'review.reminder' | 'review.responded' | 'review.expired',
  m: Message,
  told: { quickAnswers?: { id: string; label: string }[]; summary?: string } = {},
) =>
  ({
    kind,
    message: m,
    channel,
    recipient: { id: 'u1' },
    id: 'n1',
    attempt: 1,
    quickAnswers: (told.quickAnswers ?? []).map((a) => ({ ...a, response: { selectedOption: a.id } })),
    summary: told.summary ?? null,
  }) as unknown as Notification;

const urls = { dashboardPath: '/' };

describe('plainText', () => {
  it('turns markdown into one line of text', () => {
    const markdown = [
      '# Release **v2.1**',
      '',
      '> Please check _carefully_ — see [the plan](https://example.test/plan) and ![chart](c.png).',
      '',
      '- first `item`',
      '1. second ~~item~~',
      '',
      '```bash',
      'npm run deploy',
      '```',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      'snake_case_name stays, <b>tags</b> go &amp; entities decode',
    ].join('\n');
    expect(plainText(markdown, 500)).toBe(
      'Release v2.1 Please check carefully — see the plan and chart. first item second item npm run deploy a b 1 2 snake_case_name stays, tags go & entities decode',
    );
  });

  it('cuts long text with an ellipsis', () => {
    const text = plainText('word '.repeat(200));
    expect(text.length).toBe(MAX_BODY_LENGTH);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('buildPayload', () => {
  it('says what the review is about, per kind, with the same tag and url', () => {
    const pending = message({});
    const yes = { quickAnswers: [{ id: 'yes', label: 'Yes' }] };
    expect(buildPayload(notify('review.reminder', pending, yes), urls)).toEqual({
      title: 'deploy-bot',
      body: 'Still waiting: Deploy?',
      tag: 'msg_1',
      url: '/#/inbox/msg_1',
      reviewId: 'msg_1',
      kind: 'review.reminder',
      actions: [{ action: 'open:yes', title: 'Yes' }],
    });
    const expired = buildPayload(notify('review.expired', message({ review: { status: 'expired' } })), urls);
    expect(expired).toMatchObject({ body: 'Expired: Deploy?', tag: 'msg_1' });
    expect(expired.actions).toBeUndefined();
    const dismissed = message({ review: { status: 'completed', response: { _dismissed: true } } });
    expect(buildPayload(notify('review.responded', dismissed, { summary: 'Dismissed' }), urls).body).toBe(
      'Answered: Dismissed · Deploy?',
    );
  });

  it('falls back on the payload when the message has no text, and offers buttons only for one-click answers', () => {
    const selection = message({
      text: null,
      review: {
        type: 'selection',
        payload: { question: 'Which *region*?', options: [{ id: 'eu', label: 'EU' }] },
      },
    });
    const payload = buildPayload(notify('review.created', selection), urls);
    expect(payload.body).toBe('Which region?');
    expect(payload.actions).toBeUndefined();
    const bare = message({ text: '', review: { type: 'form', payload: {} } });
    expect(buildPayload(notify('review.created', bare), urls).body).toBe('A form review is waiting');
  });

  it('stays under the size limit whatever the message, the agent name and the labels', () => {
    const huge = message({
      text: '😀'.repeat(50_000),
      review: {
        payload: {
          options: [
            { id: 'a'.repeat(90), label: 'L'.repeat(5_000) },
            { id: 'b', label: '🚀'.repeat(5_000) },
          ],
        },
      },
    });
    const payload = buildPayload(
      {
        ...notify('review.created', huge, {
          quickAnswers: [
            { id: 'a'.repeat(90), label: 'L'.repeat(5_000) },
            { id: 'b', label: '🚀'.repeat(5_000) },
            { id: 'c', label: 'C' },
          ],
        }),
        channel: { ...channel, name: 'N'.repeat(5_000) },
      } as Notification,
      { publicUrl: 'https://placet.example.test', dashboardPath: '/' },
    );
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(payload.title.length).toBeLessThanOrEqual(80);
    expect(payload.actions).toHaveLength(2);
    expect(payload.actions!.every((action) => action.title.length <= 32)).toBe(true);
  });
});

describe('buildPayload for a digest', () => {
  /** A digest as the engine hands it over: `reviews` lists at most 50 (oldest first), `total` counts all. */
  const digest = (texts: string[], total: number): DigestNotification => ({
    kind: 'digest',
    id: 'n-digest',
    attempt: 1,
    recipient: { id: 'u1' } as DigestNotification['recipient'],
    signal: new AbortController().signal,
    reviews: texts.map((text, i) => ({
      message: message({ id: `msg_${i + 1}`, text }),
      channel,
      quickAnswers: [],
      summary: null,
    })),
    total,
    since: new Date('2026-01-01T09:00:00Z'),
    until: new Date('2026-01-01T09:05:00Z'),
  });

  it('lists every review when they all fit, and counts them', () => {
    expect(buildPayload(digest(['First?', 'Second?'], 2), urls)).toEqual({
      title: '2 reviews waiting',
      body: 'deploy-bot: First? · deploy-bot: Second?',
      tag: 'placet-digest',
      url: '/#/inbox',
      reviewId: null,
      kind: 'digest',
    });
    expect(buildPayload(digest(['Only?'], 1), urls)).toMatchObject({
      title: '1 review waiting',
      body: 'deploy-bot: Only?',
    });
  });

  it('titles the total beyond the 50 listed, and says how many the body leaves out', () => {
    const texts = Array.from({ length: 50 }, (_, i) => `Deploy ${i + 1}?`);
    const payload = buildPayload(digest(texts, 120), urls);
    expect(payload.title).toBe('120 reviews waiting');
    expect(payload.body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH);
    const match = /^(.*) …and (\d+) more$/.exec(payload.body);
    expect(match, payload.body).not.toBeNull();
    const shown = match![1]!.split(' · ');
    // Whole entries, oldest first; with the ones left out they make the total.
    expect(shown).toEqual(texts.slice(0, shown.length).map((text) => `deploy-bot: ${text}`));
    expect(shown.length + Number(match![2])).toBe(120);
  });

  it('says "and K more" when the 50 listed all fit but the total is larger', () => {
    const payload = buildPayload(digest(['A?', 'B?'], 51), urls);
    expect(payload.title).toBe('51 reviews waiting');
    expect(payload.body).toBe('deploy-bot: A? · deploy-bot: B? …and 49 more');
  });

  it('cuts a first review too long to fit, keeping the count', () => {
    const payload = buildPayload(digest(['word '.repeat(100)], 60), urls);
    expect(payload.title).toBe('60 reviews waiting');
    expect(payload.body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH);
    expect(payload.body).toMatch(/^deploy-bot: word word .*… …and 59 more$/);
  });

  it('never titles fewer reviews than it lists', () => {
    expect(buildPayload(digest(['A?', 'B?', 'C?'], 0), urls).title).toBe('3 reviews waiting');
  });
});
