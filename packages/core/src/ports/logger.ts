export type LogFields = Record<string, unknown>;

/**
 * Structured logging. The engine never passes a secret (API key, password, webhook secret) in `fields`.
 * Implementations MUST NOT throw.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
