import { ErrorCode, LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';

/** Slack's answers that say "try again" rather than "this will never work". */
const TRANSIENT = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/**
 * A failed Web API call, without secrets: which method, Slack's error code (`channel_not_found`) or what
 * went wrong on the way, whether a retry can help, and when Slack asked to be called again.
 */
export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly reason: string,
    readonly retry: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(`slack: ${method} failed: ${reason}`);
    this.name = 'SlackCallError';
  }
}

/** The Web API client's own log goes nowhere: its debug lines may carry request bodies. */
const silent: SlackLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** A `WebClient` (`@slack/web-api`) that never retries on its own: the engine's deliveries own retries. */
export function slackClient(options: { botToken: string; apiUrl: string; timeoutMs: number }): WebClient {
  return new WebClient(options.botToken, {
    slackApiUrl: options.apiUrl,
    logger: silent,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs,
    allowAbsoluteUrls: false,
  });
}

/** The client's failure as a `SlackCallError` (rate limits carry their `Retry-After`). */
export function slackFailure(method: string, error: unknown): SlackCallError {
  if (error instanceof SlackCallError) return error;
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number };
  switch (e?.code) {
    case ErrorCode.RateLimitedError: {
      const seconds = typeof e.retryAfter === 'number' && e.retryAfter >= 0 ? e.retryAfter : 1;
      return new SlackCallError(method, `rate limited (Retry-After: ${seconds} s)`, true, seconds * 1000);
    }
    case ErrorCode.PlatformError: {
      const code = String(e.data?.error ?? 'unknown_error').slice(0, 80);
      return new SlackCallError(method, code, TRANSIENT.has(code));
    }
    case ErrorCode.HTTPError:
      return new SlackCallError(method, `HTTP ${e.statusCode ?? 'error'}`, true);
    case ErrorCode.RequestError:
      return new SlackCallError(method, 'the request did not reach Slack', true);
    default:
      return new SlackCallError(method, error instanceof Error ? error.name : 'unknown failure', true);
  }
}

/** Runs one Web API call; a failure becomes a `SlackCallError`. */
export async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw slackFailure(method, error);
  }
}
