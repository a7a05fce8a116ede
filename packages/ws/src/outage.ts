import { isPlacetError, type Logger } from '@placet/core/adapter';

/** What a client is told to wait before retrying when the store cannot answer (unless the error says). */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * Credentials that could not be checked because the store failed: an outage, never a refusal. Logged as
 * one line when it starts and one when a check works again, not a line per refused connection.
 */
export class OutageLog {
  #down = false;

  constructor(private readonly logger: Logger) {}

  failed(error: unknown): void {
    if (this.#down) return;
    this.#down = true;
    this.logger.error(
      'realtime: credentials cannot be checked (store unavailable); connections are refused as retriable',
      { error: String(error) },
    );
  }

  succeeded(): void {
    if (!this.#down) return;
    this.#down = false;
    this.logger.info('realtime: credentials can be checked again');
  }
}

/** The `Retry-After` of an unavailability (the store's own hint, else the default). */
export function retryAfterSeconds(error: unknown): number {
  const hint = isPlacetError(error) ? error.retryAfterSeconds : undefined;
  return typeof hint === 'number' && Number.isFinite(hint) && hint > 0
    ? Math.ceil(hint)
    : DEFAULT_RETRY_AFTER_SECONDS;
}
