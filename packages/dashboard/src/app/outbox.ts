import { type Api, ApiError } from './api.js';
import { session } from './session.js';
import type { Attachment, Message } from './types.js';

/** Answers after which sending the same message again cannot succeed. */
const REFUSALS = new Set([400, 403, 404, 409, 413, 422]);

/** A message a person sent that the server has not acknowledged yet. */
export interface Unsent {
  clientId: string;
  channelId: string;
  text: string;
  createdAt: string;
  /**
   * Files already stored on the server (`POST /files/store`) that the message carries: only their ids are
   * sent again, so a message with files waits in the outbox like any other once its uploads are done.
   */
  attachments?: Attachment[];
}

/** What `failed` events carry: the message, and why it was not sent. */
export interface SendFailure {
  unsent: Unsent;
  /** A sentence for the person. */
  reason: string;
  /** True when sending it again cannot help (the server refused it): it left the outbox. */
  final: boolean;
}

/**
 * The messages a person sent that the server has not acknowledged, kept in `localStorage` (per user)
 * until it has: across an outage and a reload, and sent again with the same client id, so that the
 * server stores each once whatever the number of attempts. Events: `sent` (detail: the stored
 * `Message`), `failed` (detail: {@link SendFailure}).
 */
export class Outbox extends EventTarget {
  readonly #inFlight = new Set<string>();

  constructor(
    private readonly api: Api,
    private readonly storage: Storage = localStorage,
  ) {
    super();
  }

  #key(): string | undefined {
    return session.user ? `placet:unsent:${session.user.id}` : undefined;
  }

  #read(): Unsent[] {
    const key = this.#key();
    if (!key) return [];
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(key) ?? '[]');
      return Array.isArray(parsed) ? (parsed as Unsent[]) : [];
    } catch {
      return [];
    }
  }

  #write(entries: Unsent[]): void {
    const key = this.#key();
    if (!key) return;
    if (entries.length === 0) this.storage.removeItem(key);
    else this.storage.setItem(key, JSON.stringify(entries));
  }

  /** The unsent messages of a chat, oldest first. */
  list(channelId: string): Unsent[] {
    return this.#read().filter((entry) => entry.channelId === channelId);
  }

  /** Whether a send of this message is on its way now. */
  sending(clientId: string): boolean {
    return this.#inFlight.has(clientId);
  }

  /** Forgets a message (the server has it, or the person discarded it). */
  drop(clientId: string): void {
    const entries = this.#read();
    const kept = entries.filter((entry) => entry.clientId !== clientId);
    if (kept.length !== entries.length) this.#write(kept);
  }

  /**
   * Keeps the message until the server acknowledges it, and sends it (again). Resolves with the stored
   * message, or undefined when it was not sent (a `failed` event says why).
   */
  async send(unsent: Unsent): Promise<Message | undefined> {
    const entries = this.#read();
    if (!entries.some((entry) => entry.clientId === unsent.clientId)) this.#write([...entries, unsent]);
    if (this.#inFlight.has(unsent.clientId)) return undefined;
    this.#inFlight.add(unsent.clientId);
    try {
      const message = await this.api.send(
        unsent.channelId,
        unsent.text,
        unsent.clientId,
        (unsent.attachments ?? []).map((file) => file.id),
      );
      this.drop(unsent.clientId);
      this.dispatchEvent(new CustomEvent<Message>('sent', { detail: message }));
      return message;
    } catch (error) {
      // A refusal (the chat is gone, the text is too long) is final; anything else (no network, a
      // server error, a rate limit, a session to renew) may pass later.
      const final = error instanceof ApiError && REFUSALS.has(error.status);
      if (final) this.drop(unsent.clientId);
      const reason = final
        ? `Not sent: ${(error as ApiError).message}`
        : 'Not sent yet: the server cannot be reached. It is sent when the connection is back.';
      this.dispatchEvent(new CustomEvent<SendFailure>('failed', { detail: { unsent, reason, final } }));
      return undefined;
    } finally {
      this.#inFlight.delete(unsent.clientId);
    }
  }

  /** Sends every unsent message again, oldest first, stopping at the first that still cannot go. */
  async flush(): Promise<void> {
    for (const unsent of this.#read()) {
      if (this.#inFlight.has(unsent.clientId)) continue;
      if (!(await this.send(unsent)) && this.#read().some((e) => e.clientId === unsent.clientId)) return;
    }
  }
}
