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

/** One readable line per entry: `12:00:01 INFO  message key=value`. */
function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        const {
          level,
          time,
          msg,
          pid: _pid,
          hostname: _host,
          ...fields
        } = JSON.parse(chunk.toString('utf8')) as Record<string, unknown>;
        const clock = new Date(Number(time)).toISOString().slice(11, 19);
        const rest = Object.entries(fields)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        out.write(
          `${clock} ${LEVEL_NAMES[Number(level)] ?? level} ${String(msg ?? '')}${rest ? ` ${rest}` : ''}\n`,
        );
      } catch {
        out.write(chunk);
      }
      callback();
    },
  });
}

export function createPino(level: string, format: 'pretty' | 'json'): pino.Logger {
  return pino(
    { level, base: undefined },
    format === 'pretty' ? prettyStream(process.stdout) : process.stdout,
  );
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
