import { errorFor } from './errors.js';
import { randomId } from './ids.js';
import type { RealtimeLink, Wake } from './realtime.js';
import { retryDelay } from './retry.js';
import type { ResponseOf, ReviewRequest } from './review-builders.js';
import { ROUTES, type Wire, type WireInput } from './routes.js';
import type { Transport } from './transport.js';

type Message = Wire<'Message'>;

/** The server's longest long-poll, and the default of each wait call (`GET /reviews/:id/wait`). */
export const MAX_POLL_MS = 30_000;
/** The server's shortest long-poll: a `timeout` answered sooner means the wait was cut short. */
const MIN_POLL_MS = 1_000;
/** How long past its timeout a wait call may stay unanswered before the client takes the connection for dead. */
const POLL_GRACE_MS = 15_000;

export interface WaitOptions {
  /** Stops waiting: the pending request is aborted and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** How a wait waits: long-polls of at most `pollTimeoutMs`, woken earlier by the socket when there is one. */
export interface WaitSettings extends WaitOptions {
  pollTimeoutMs: number;
  link?: RealtimeLink | undefined;
}

/** The outcome of a review: answered (or dismissed, when the payload allows it), or expired. */
export type AskResult<R> =
  | { status: 'completed'; dismissed: false; response: R; message: Message }
  | { status: 'completed'; dismissed: true; response: { _dismissed: true }; message: Message }
  | { status: 'expired'; dismissed: false; response: null; message: Message };

/** The message fields `ask()` passes through (besides `channelId`, `text`, `review` and `clientId`). */
export type AskMessageFields = Pick<
  WireInput<'MessageCreate'>,
  'status' | 'metadata' | 'attachmentIds' | 'textAttachments' | 'iterationOf' | 'webhookUrl'
>;

export interface AskOptions<V extends ReviewRequest> extends WaitOptions, AskMessageFields {
  /** What the human reads (markdown). */
  text?: string;
  /** The review: a builder's (`approval({ options })`: the answer is typed) or a plain `{ type, payload }`. */
  review: V;
  /**
   * Makes the ask idempotent: sent as the message's `clientId`, which the server keeps unique per channel.
   * Asking again with the same key (after a crash, a lost answer, an abort) finds the same review and
   * waits for its answer instead of asking twice. Default: a random key, so retries within this call
   * are idempotent too.
   */
  idempotencyKey?: string;
  /** Called once the review exists (with its message), before the wait: store the id, log a link. */
  onCreated?: (message: Message) => void;
}

/** The result of a message whose review is no longer pending; undefined while it is. */
export function outcomeOf<R>(message: Message): AskResult<R> | undefined {
  const review = message.review;
  if (!review || review.status === 'pending') return undefined;
  if (review.status === 'expired') return { status: 'expired', dismissed: false, response: null, message };
  const response = (review.response ?? {}) as Record<string, unknown>;
  if (response._dismissed === true)
    return { status: 'completed', dismissed: true, response: { _dismissed: true }, message };
  return { status: 'completed', dismissed: false, response: response as R, message };
}

/**
 * One long-poll of `GET /reviews/:id/wait` (at most `pollTimeoutMs`), riding out network failures, 429
 * and 502/503/504 with backoff (honouring `Retry-After`) — a restarted server, a dropped connection. The
 * outcome, or undefined while the review is pending. Other errors (404: deleted, 401: revoked) throw.
 */
async function pollOnce<R>(
  transport: Transport,
  messageId: string,
  channelId: string,
  settings: WaitSettings,
): Promise<AskResult<R> | undefined> {
  const result = await transport.json<Wire<'WaitResult'>>(
    ROUTES.waitForReview,
    { params: { id: messageId }, query: { channel: channelId, timeout: settings.pollTimeoutMs } },
    {
      signal: settings.signal,
      retry: 'forever',
      attemptTimeoutMs: settings.pollTimeoutMs + POLL_GRACE_MS,
    },
  );
  return result.message ? outcomeOf<R>(result.message) : undefined;
}

/** The review's message now (`GET /reviews/:id`), read through failures as the long-poll is. */
async function readOnce<R>(
  transport: Transport,
  messageId: string,
  channelId: string,
  settings: WaitSettings,
): Promise<AskResult<R> | undefined> {
  const message = await transport.json<Message>(
    ROUTES.getReview,
    { params: { id: messageId }, query: { channel: channelId } },
    { signal: settings.signal, retry: 'forever' },
  );
  return outcomeOf<R>(message);
}

/** `promise`, or the signal's reason once `signal` aborts (its listener removed as soon as either settles). */
async function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  let onAbort!: () => void;
  const abort = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
  });
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([promise, abort]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The first wake-up, or `event` after `ms` without one (the timer cleared either way). */
async function wokenOrSilence(woken: Promise<Wake>, ms: number): Promise<Wake> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silence = new Promise<Wake>((resolve) => {
    timer = setTimeout(() => resolve('event'), ms);
  });
  try {
    return await Promise.race([woken, silence]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits for the answer to the review of message `messageId`, for as long as it is pending: through
 * timeouts, restarts and network failures. With a socket (`realtime`), it subscribes the channel, reads
 * the review once (it may be answered already) and sleeps until an event about the message wakes it, then
 * reads the answer over HTTP; while the socket is down or unavailable it long-polls instead, and tries
 * the socket again after each long-poll. Without one, it long-polls `GET /reviews/:id/wait`, again after
 * each `timeout`. A 404 (deleted) or 401 (key revoked) is thrown.
 */
export async function waitForAnswer<R>(
  transport: Transport,
  messageId: string,
  channelId: string,
  settings: WaitSettings,
): Promise<AskResult<R>> {
  const policy = transport.config.retry;
  let early = 0;
  for (;;) {
    const watch = settings.link?.usable ? settings.link.watch(channelId, messageId) : undefined;
    try {
      if (watch && (await unlessAborted(watch.ready, settings.signal))) {
        // Subscribed: the answer may have come before, so read once, then sleep until an event.
        const outcome = await readOnce<R>(transport, messageId, channelId, settings);
        if (outcome) return outcome;
        // An event about the message: read it again (still pending after a vote of a quorum: sleep again).
        // A socket can miss an event without dropping (the server's replay failed, a proxy): read again
        // after `pollTimeoutMs` of silence too, as the long-poll would.
        if (
          (await unlessAborted(wokenOrSilence(watch.woken, settings.pollTimeoutMs), settings.signal)) ===
          'event'
        )
          continue;
        // The socket went down: long-poll once before trying it again.
      }
    } finally {
      watch?.stop();
    }
    const started = Date.now();
    const outcome = await pollOnce<R>(transport, messageId, channelId, settings);
    if (outcome) return outcome;
    // The server holds a wait for at least a second; a `timeout` sooner (a server draining its waiters, a
    // proxy cutting requests short) is not a reason to poll in a tight loop: back off as for a failure.
    if (Date.now() - started < MIN_POLL_MS) await policy.sleep(retryDelay(policy, ++early), settings.signal);
    else early = 0;
  }
}

/** Sends a message with a review (idempotently) and waits for its answer. */
export async function ask<V extends ReviewRequest>(
  transport: Transport,
  channelId: string,
  options: AskOptions<V>,
  settings: Omit<WaitSettings, 'signal'>,
): Promise<AskResult<ResponseOf<V>>> {
  const { signal, idempotencyKey, onCreated, review, ...fields } = options;
  const clientId = idempotencyKey ?? `ask-${randomId()}`;
  const message = await transport.json<Message>(
    ROUTES.createMessage,
    { body: { ...fields, channelId, review, clientId } },
    // The clientId makes a repeated POST return the message the first one created: safe to retry.
    { signal, retry: 'safe' },
  );
  if (!message.review)
    throw errorFor(`The idempotency key "${clientId}" names a message without a review`, {
      status: 409,
      code: 'CONFLICT',
      request: 'POST /messages',
    });
  onCreated?.(message);
  return (
    outcomeOf<ResponseOf<V>>(message) ??
    waitForAnswer<ResponseOf<V>>(transport, message.id, channelId, {
      ...settings,
      ...(signal ? { signal } : {}),
    })
  );
}
