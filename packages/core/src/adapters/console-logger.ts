import type { LogFields, Logger } from '../ports/logger.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** One JSON line per entry on stderr, at or above `level`. */
export function consoleLogger(options: { level?: LogLevel } = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const write = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold) return;
    try {
      process.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`,
      );
    } catch {
      // A logger never throws (fields that cannot be serialised are dropped).
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that drops everything. */
export function silentLogger(): Logger {
  const noop = () => {};
  return { debug: noop, info: noop, warn: noop, error: noop };
}
