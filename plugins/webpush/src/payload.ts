import { createHash } from 'node:crypto';
import type { Notification, NotificationKind, NotifiedReview } from '@placet/core/plugin';
import { oneLine } from '@placet/core/plugin';
import type { WebPushOptions } from './options.js';

/** A button of the notification: it only opens the review; the human decides in the dashboard. */
export interface WebPushAction {
  /** `open:<optionId>`. */
  action: string;
  title: string;
}

/**
 * What the service worker gets (JSON, decrypted by the browser): everything `showNotification` needs.
 * `tag` is the review's message id, so a later push about the same review (answered, expired) replaces
 * the notification in place; `url` opens the review in the dashboard.
 */
export interface WebPushPayload {
  /** The agent's name (a digest: "3 reviews waiting"). */
  title: string;
  /** Plain text, one line, at most `MAX_BODY_LENGTH` characters. */
  body: string;
  tag: string;
  url: string;
  /** The review's message id; null for a digest. */
  reviewId: string | null;
  kind: NotificationKind;
  /** Approval reviews that wait: one button per option, at most two. */
  actions?: WebPushAction[];
}

export const MAX_TITLE_LENGTH = 80;
export const MAX_BODY_LENGTH = 200;
/** The JSON stays well under what push services carry (4 KB, less the encryption's overhead). */
export const MAX_PAYLOAD_BYTES = 3072;
/** The tag of digests: a new digest replaces the previous one. */
export const DIGEST_TAG = 'placet-digest';
const MAX_ACTIONS = 2;
const MAX_ACTION_TITLE = 32;
const MAX_ACTION_ID = 100;

type UrlOptions = Pick<WebPushOptions, 'publicUrl' | 'dashboardPath'>;

/** The dashboard's inbox, or one review in it: `<publicUrl><dashboardPath>#/inbox[/<messageId>]`. */
export function inboxUrl(options: UrlOptions, messageId?: string): string {
  const base = `${options.publicUrl ?? ''}${options.dashboardPath}`;
  return messageId === undefined ? `${base}#/inbox` : `${base}#/inbox/${encodeURIComponent(messageId)}`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Markdown (and stray HTML) as plain text on one line: what a notification can show. */
export function plainText(markdown: string, max = MAX_BODY_LENGTH): string {
  const text = markdown
    .replace(/\r\n?/g, '\n')
    .replace(/^\s*(```|~~~).*$/gm, ' ') // code fences (their content stays)
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images: their alt text
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1') // links: their text
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1') // reference links
    .replace(/^\s*\[[^\]]+\]:\s+\S+.*$/gm, ' ') // reference definitions
    .replace(/<(https?:\/\/[^>\s]+)>/g, '$1') // autolinks
    .replace(/<\/?[a-zA-Z][^>]*>/g, ' ') // HTML tags
    .replace(/^\s{0,3}#{1,6}\s+/gm, '') // headings
    .replace(/^\s*(?:>\s?)+/gm, '') // block quotes
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/gm, '') // list items, task boxes
    .replace(/^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$/gm, ' ') // table separator rows
    .replace(/^\s*(?:[-*_]\s*){3,}$/gm, ' ') // horizontal rules
    .replace(/\s*\|\s*/g, ' ') // table cells
    .replace(/`+([^`]*)`+/g, '$1') // inline code
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2') // bold
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)/g, '$1$2') // *italic*
    .replace(/(^|[^\w])_(?=\S)([^_]+?)(?<=\S)_(?!\w)/g, '$1$2') // _italic_
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '$1') // strikethrough
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1') // escapes
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] === '#') {
        const code =
          name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      return ENTITIES[name.toLowerCase()] ?? entity;
    });
  return oneLine(text, max);
}

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};

/** What the review asks, as plain text: the message's text, else a text field of its payload. */
function askedText({ message }: NotifiedReview): string {
  const fromText = plainText(message.text ?? '');
  if (fromText) return fromText;
  const payload = asRecord(message.review?.payload);
  for (const key of ['question', 'title', 'prompt', 'description']) {
    const value = payload[key];
    if (typeof value === 'string' && plainText(value)) return plainText(value);
  }
  return `A ${message.review?.type ?? 'review'} review is waiting`;
}

/** The answer in a few words: its review type's summary (`Chose: Deploy`), or "Answered". */
function answerText({ summary }: NotifiedReview): string {
  return plainText(summary ?? '', 80) || 'Answered';
}

/**
 * A button per one-click answer of a waiting review (its review type's `quickAnswers`: an approval's
 * options, a single selection's items), at most two. A button only opens the review in the dashboard,
 * where the human confirms: nothing is ever answered from a push.
 */
function actionsOf({ quickAnswers }: NotifiedReview): WebPushAction[] | undefined {
  const actions = quickAnswers
    .filter((answer) => answer.id.length <= MAX_ACTION_ID)
    .slice(0, MAX_ACTIONS)
    .map((answer) => ({
      action: `open:${answer.id}`,
      title: plainText(answer.label, MAX_ACTION_TITLE) || answer.id,
    }));
  return actions.length > 0 ? actions : undefined;
}

const BODY_PREFIX: Record<string, string> = {
  'review.created': '',
  'review.reminder': 'Still waiting: ',
  'review.expired': 'Expired: ',
};

const bytes = (payload: WebPushPayload) => Buffer.byteLength(JSON.stringify(payload));

/** Shortens the body (then the title) until the JSON fits in `MAX_PAYLOAD_BYTES`. */
function fit(payload: WebPushPayload): WebPushPayload {
  let fitted = payload;
  while (bytes(fitted) > MAX_PAYLOAD_BYTES && fitted.body.length > 1)
    fitted = { ...fitted, body: oneLine(fitted.body, Math.floor(fitted.body.length / 2)) };
  while (bytes(fitted) > MAX_PAYLOAD_BYTES && fitted.title.length > 1)
    fitted = { ...fitted, title: oneLine(fitted.title, Math.floor(fitted.title.length / 2)) };
  return fitted;
}

/**
 * A digest's body: `agent: text` per review, as many as fit in `MAX_BODY_LENGTH`, then `…and K more` for
 * the reviews of `total` it does not show (those beyond the list, and those the length left out).
 */
function digestBody(reviews: readonly NotifiedReview[], total: number): string {
  const entries = reviews.map((review) => plainText(`${review.channel.name}: ${askedText(review)}`));
  const more = (shown: number) => (total > shown ? ` …and ${total - shown} more` : '');
  let body = '';
  let shown = 0;
  for (const entry of entries) {
    const next = shown === 0 ? entry : `${body} · ${entry}`;
    if (next.length + more(shown + 1).length > MAX_BODY_LENGTH) break;
    body = next;
    shown += 1;
  }
  // Not even the first one fits whole: it is cut, so that the count still shows.
  if (shown === 0 && entries[0] !== undefined) {
    shown = 1;
    body = oneLine(entries[0], MAX_BODY_LENGTH - more(1).length);
  }
  return `${body}${more(shown)}`.trim();
}

/** The push for one notification: a review's (new, reminder, answered, expired) or a digest's. */
export function buildPayload(notification: Notification, options: UrlOptions): WebPushPayload {
  if (notification.kind === 'digest') {
    // `reviews` lists at most 50 of them; `total` counts every review of the period that still waits.
    const total = Math.max(
      Number.isInteger(notification.total) ? notification.total : 0,
      notification.reviews.length,
    );
    return fit({
      title: `${total} ${total === 1 ? 'review' : 'reviews'} waiting`,
      body: digestBody(notification.reviews, total),
      tag: DIGEST_TAG,
      url: inboxUrl(options),
      reviewId: null,
      kind: 'digest',
    });
  }
  const { message, channel } = notification;
  const body =
    notification.kind === 'review.responded'
      ? `Answered: ${answerText(notification)} · ${askedText(notification)}`
      : `${BODY_PREFIX[notification.kind] ?? ''}${askedText(notification)}`;
  const actions =
    notification.kind === 'review.created' || notification.kind === 'review.reminder'
      ? actionsOf(notification)
      : undefined;
  return fit({
    title: plainText(channel.name || message.agentName || 'Placet', MAX_TITLE_LENGTH),
    body: plainText(body, MAX_BODY_LENGTH),
    tag: message.id,
    url: inboxUrl(options, message.id),
    reviewId: message.id,
    kind: notification.kind,
    ...(actions ? { actions } : {}),
  });
}

/**
 * The `Topic` header of a push (RFC 8030 §5.4): a push service that still holds an undelivered push of
 * the same topic replaces it, as the browser replaces a notification of the same tag.
 */
export function topicOf(tag: string): string {
  return createHash('sha256').update(tag).digest('base64url').slice(0, 32);
}
