import type { EventRecord } from '../domain/records.js';

/**
 * Receives committed events, in seq order, after their transaction committed (Slack, e-mail, web push,
 * metrics…). The webhook dispatcher of the delivery issue builds on the same hook.
 *
 * Contract:
 * - `notify` is called at most once per event per process, in seq order, never for an uncommitted event.
 * - A notifier MUST NOT throw to signal failure of an outbound call it wants retried; the engine logs
 *   rejections and moves on (durable retries belong to the delivery table).
 * - A notifier MUST NOT block: slow work is queued by the notifier itself.
 */
export interface Notifier {
  readonly name: string;
  /** Event types this notifier wants; all when omitted. */
  readonly events?: readonly EventRecord['type'][];
  notify(event: EventRecord): void | Promise<void>;
  close?(): Promise<void>;
}
