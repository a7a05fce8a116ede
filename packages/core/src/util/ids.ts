import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
let lastMs = 0;
let counter = 0;

function randomBase36(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % 36];
  return out;
}

/**
 * A new id: lowercase alphanumeric, 26 characters, starting with `c` (cuid-like), sortable by creation
 * time within a process (timestamp, then a per-millisecond counter, then randomness). The original's
 * dashboard and agents embed files as `![alt](/<fileId>)` and recognise ids by this shape.
 */
export function newId(): string {
  const ms = Date.now();
  if (ms === lastMs) counter = (counter + 1) % 36 ** 4;
  else {
    lastMs = ms;
    counter = 0;
  }
  return `c${ms.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${randomBase36(12)}`;
}

/** Ids made by `newId()` and by the original (cuid): lowercase alphanumeric, at least 20 characters. */
export const ID_PATTERN = /^[a-z0-9]{20,64}$/;

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}
