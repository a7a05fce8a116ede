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
 * The outbound rules' verdict on a URL, without sending anything: `ok`, or why every delivery to it would
 * be refused. `reason` is short and secret-free (never the URL, a host name or a header value), e.g.
 * `private address`, `resolves to loopback address`, `loopback hostname`, `dns ENOTFOUND`.
 */
export type WebhookTargetVerdict = { ok: true } | { ok: false; reason: string };

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
 * - `check`, when present, MUST apply the same rules as `send` (same options, same resolver), MUST NOT
 *   send anything (no connection to the target; a name lookup is all it may do), MUST NOT throw and
 *   MUST answer within the sender's own timeout. A sender without `check` cannot say in advance:
 *   the engine reports the URL as not checked.
 */
export interface WebhookSender {
  send(request: OutboundRequest): Promise<OutboundResult>;
  /** Whether `send` would refuse `url` (the guard's verdict alone), e.g. to warn when a webhook is saved. */
  check?(url: string): Promise<WebhookTargetVerdict>;
}
