import { Writable } from 'node:stream';
import type { Logger } from '@placet/core';
import pino from 'pino';

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};

/** A value as it appears after `key=`: bare when it is a plain word, else JSON (newlines escaped). */
function prettyValue(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=\p{Cc}]*$/u.test(value) && value !== '') return value;
  return JSON.stringify(value) ?? String(value);
}

/**
 * One readable line per entry, always one: `12:00:01 INFO  host[1234] message key=value`. A message or
 * value with a newline (a stack) is written escaped, so that one entry never spreads over several lines.
 */
export function prettyLine(entry: Record<string, unknown>): string {
  const { level, time, msg, pid, hostname, ...fields } = entry;
  const clock = new Date(Number(time)).toISOString().slice(11, 19);
  const message = String(msg ?? '').replace(/\r?\n|\r/g, '\\n');
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${prettyValue(v)}`)
    .join(' ');
  return `${clock} ${LEVEL_NAMES[Number(level)] ?? level} ${String(hostname ?? '-')}[${String(pid ?? '-')}] ${message}${rest ? ` ${rest}` : ''}\n`;
}

function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      let line: string;
      try {
        line = prettyLine(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      } catch {
        line = `${chunk
          .toString('utf8')
          .replace(/[\r\n]+/g, ' ')
          .trimEnd()}\n`;
      }
      out.write(line);
      callback();
    },
  });
}

/** pino with `pid` and `hostname` on every entry (pino's default base), as JSON or one pretty line each. */
export function createPino(level: string, format: 'pretty' | 'json'): pino.Logger {
  return pino({ level }, format === 'pretty' ? prettyStream(process.stdout) : process.stdout);
}

/** The engine's Logger port on pino. */
export function toPlacetLogger(log: pino.Logger): Logger {
  return {
    debug: (message, fields) => log.debug(fields ?? {}, message),
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
}
