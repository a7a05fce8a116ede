import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
let lastMs = 0;
let counter = 0;

/** Random bytes drawn a pool at a time: one call into the CSPRNG per ~340 ids, not one per id. */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let taken = 0;

function randomBase36(length: number): string {
  if (taken + length > pool.length) {
    pool = randomBytes(POOL_SIZE);
    taken = 0;
  }
  let out = '';
  for (let i = taken; i < taken + length; i++) out += ALPHABET[pool[i]! % 36];
  taken += length;
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
