import { PlacetError } from '../errors/placet-error.js';
import type { ByteRange } from '../ports/file-store.js';

const KEY_RE = /^[a-z0-9_-][a-z0-9_.-]*(?:\/[a-z0-9_-][a-z0-9_.-]*)*$/;

/** Refuses any key the engine would not make (absolute paths, `..`, backslashes, empty segments). */
export function assertStorageKey(key: string): void {
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > 512 ||
    !KEY_RE.test(key) ||
    key.split('/').includes('..')
  ) {
    throw new PlacetError('VALIDATION_FAILED', 'Invalid storage key');
  }
}

/** Clamps a byte range to an object of `size` bytes; rejects an unsatisfiable one. */
export function resolveRange(range: ByteRange | undefined, size: number): ByteRange | undefined {
  if (!range) return undefined;
  if (
    !Number.isInteger(range.start) ||
    !Number.isInteger(range.end) ||
    range.start < 0 ||
    range.start > range.end ||
    range.start >= size
  ) {
    throw new PlacetError(
      'VALIDATION_FAILED',
      `Range ${range.start}-${range.end} is not satisfiable for ${size} bytes`,
    );
  }
  return { start: range.start, end: Math.min(range.end, size - 1) };
}
