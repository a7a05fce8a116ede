import { errorFor } from './errors.js';
import { randomId } from './ids.js';
import { sleep } from './retry.js';
import { ROUTES, type Wire } from './routes.js';
import type { Transport } from './transport.js';

type Message = Wire<'Message'>;

export interface StreamOptions {
  /** The stream's id, unique per channel (default: random). Reuse it to resume a stream after a restart. */
  streamId?: string;
  /**
   * The least time between two updates of the text (default 250 ms): appends in between are sent
   * together, with the full text, in the next one.
   */
  minIntervalMs?: number;
  signal?: AbortSignal;
}

/** A reply that grows in place: a draft message (`streamState: streaming`) until `finish()` or `abort()`. */
export interface PlacetStream {
  readonly streamId: string;
  readonly channelId: string;
  /** The text so far (everything appended). */
  readonly text: string;
  /** The draft as the server last answered it; undefined before the first update. */
  readonly message: Message | undefined;
  /**
   * Adds `text` to the reply. The draft is created by the first append and updated with the full text
   * after that (a lost update is repaired by the next). Resolves once the server has the text up to here.
   */
  append(text: string): Promise<void>;
  /** Adds a progress step ("Reading files", a tool call with `toolHint`). May come before the first append. */
  step(text: string, options?: { toolHint?: boolean }): Promise<Wire<'StatusEvent'>>;
  /** Sends the rest and marks the reply complete; the final message (undefined when nothing was appended). */
  finish(): Promise<Message | undefined>;
  /** Marks the reply aborted, keeping its text (nothing is created when nothing was sent). */
  abort(): Promise<Message | undefined>;
}

/** `placet.stream(channelId)`: see {@link PlacetStream}. */
export function openStream(
  transport: Transport,
  channelId: string,
  options: StreamOptions = {},
): PlacetStream {
  const streamId = options.streamId ?? randomId();
  const minIntervalMs = options.minIntervalMs ?? 250;
  const { signal } = options;
  let text = '';
  let sent: string | undefined; // the text the server has
  let message: Message | undefined;
  let closed = false;
  let lastSentAt = 0;
  let queue: Promise<void> = Promise.resolve();
  let pending: Promise<void> | undefined;

  /** Sends the current text (one request at a time, at most every minIntervalMs). */
  async function push(): Promise<void> {
    const wait = lastSentAt + minIntervalMs - Date.now();
    if (wait > 0 && sent !== undefined) await sleep(wait, signal);
    const current = text;
    if (current === sent) return;
    lastSentAt = Date.now();
    if (sent === undefined) {
      // Creating the draft: (channelId, streamId) is unique, so a retried POST returns the same draft —
      // also a draft this stream id made before (a stream resumed after a restart), which the PATCH below
      // then brings up to date.
      message = await transport.json<Message>(
        ROUTES.createMessage,
        { body: { channelId, streamId, streamState: 'streaming', text: current } },
        { signal, retry: 'safe' },
      );
    }
    if (message?.text !== current) {
      message = await transport.json<Message>(
        ROUTES.patchStream,
        { params: { streamId }, body: { channelId, text: current } },
        // The full text each time: a repeated PATCH changes nothing.
        { signal, retry: 'safe' },
      );
    }
    sent = current;
  }

  /** Queues one push after the one in flight; appends made meanwhile share it. */
  function flush(): Promise<void> {
    if (pending) return pending;
    const next = queue.then(() => {
      pending = undefined;
      return push();
    });
    pending = next;
    queue = next.catch(() => {});
    return next;
  }

  function ensureOpen(what: string): void {
    if (closed)
      throw errorFor(`stream ${streamId}: ${what} after finish() or abort()`, {
        status: 0,
        code: 'STREAM_CLOSED',
      });
  }

  async function end(state: 'complete' | 'aborted'): Promise<Message | undefined> {
    closed = true;
    await queue;
    if (sent === undefined && (state === 'aborted' || text === '')) return message;
    if (sent === undefined) await push(); // never sent: create the draft with the whole text first
    message = await transport.json<Message>(
      ROUTES.patchStream,
      {
        params: { streamId },
        body:
          state === 'complete'
            ? { channelId, text, complete: true }
            : { channelId, text, streamState: 'aborted' },
      },
      // A PATCH identical to the final state is accepted again: safe to retry.
      { signal, retry: 'safe' },
    );
    sent = message.text ?? sent;
    return message;
  }

  return {
    streamId,
    channelId,
    get text() {
      return text;
    },
    get message() {
      return message;
    },
    append(chunk) {
      ensureOpen('append()');
      text += chunk;
      return flush();
    },
    async step(stepText, stepOptions = {}) {
      ensureOpen('step()');
      return transport.json<Wire<'StatusEvent'>>(
        ROUTES.addStreamStatus,
        {
          params: { streamId },
          body: { channelId, text: stepText, toolHint: stepOptions.toolHint ?? false },
        },
        // Each POST adds a step: never retried, or a step could appear twice.
        { signal },
      );
    },
    finish: () => end('complete'),
    abort: () => end('aborted'),
  };
}
