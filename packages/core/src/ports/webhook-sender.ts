/** One outbound HTTP delivery, fully prepared by the engine (URL, method, headers incl. signature, body). */
export interface OutboundRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Abort the attempt after this long (the engine uses 10 s). */
  timeoutMs: number;
}

/** What happened. `status` is null when no HTTP response arrived (refused target, DNS, timeout, reset). */
export interface OutboundResult {
  status: number | null;
  /** A short, secret-free reason for failures (never the response body, never a header value). */
  error: string | null;
  durationMs: number;
  /**
   * The target is refused by the outbound rules (a private or loopback address the host did not
   * allow): every later attempt would be refused too, so the delivery fails now instead of retrying.
   */
  refused?: boolean;
}

/**
 * Performs one outbound webhook request and reports its outcome; the engine decides what is sent, when,
 * to whom, signs it, records every attempt and retries from the durable delivery table.
 *
 * Contract:
 * - `send` MUST NOT throw: every failure is an `OutboundResult` with `status: null` and an `error`.
 * - It MUST refuse targets the host did not allow (private, loopback, link-local, metadata … addresses)
 *   after resolving the name, and connect to the address it checked (no DNS-rebinding window).
 * - It MUST NOT follow redirects (a 3xx is a result like any other) and MUST honour `timeoutMs`.
 * - It MUST NOT read more of the response body than it needs (a capped read, or none).
 */
export interface WebhookSender {
  send(request: OutboundRequest): Promise<OutboundResult>;
}
