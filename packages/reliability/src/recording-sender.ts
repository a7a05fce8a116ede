import type { OutboundRequest, OutboundResult, WebhookSender } from '@placet/core/adapter';

export interface RecordedAttempt {
  request: OutboundRequest;
  result: OutboundResult;
}

export interface RecordingSender extends WebhookSender {
  /** Every attempt the engine made, with what the real sender answered, in order. */
  readonly attempts: RecordedAttempt[];
  /** Attempts started and not finished yet. */
  inFlight(): number;
  /** Resolves when no attempt is in flight. */
  idle(): Promise<void>;
}

/** Wraps the real sender (`httpWebhookSender`) and records every attempt, refused ones included. */
export function recordingSender(inner: WebhookSender): RecordingSender {
  const attempts: RecordedAttempt[] = [];
  const pending = new Set<Promise<OutboundResult>>();
  return {
    attempts,
    inFlight: () => pending.size,
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async send(request) {
      const sending = inner.send(request);
      pending.add(sending);
      try {
        const result = await sending;
        attempts.push({ request, result });
        return result;
      } finally {
        pending.delete(sending);
      }
    },
  };
}
