import { realpath } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { assertStorageKey, PlacetError } from '@placet/core/adapter';

/** Whether `path` is `root` itself or lies below it (both absolute and normalised). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The absolute path of `key` under `dir`. Validates the key first, then checks the resolved path
 * lexically, so that no key (`..`, absolute, backslash) can name a file outside `dir`.
 */
export function pathOfKey(dir: string, key: string): string {
  assertStorageKey(key);
  const path = resolve(dir, key);
  if (path === dir || !isInside(dir, path)) throw new PlacetError('VALIDATION_FAILED', 'Invalid storage key');
  return path;
}

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/**
 * Refuses a directory whose real location (symlinks followed) is outside `realRoot`. Checks the deepest
 * ancestor of `path` that exists, up to `root`. Resolves `false` when `path` itself does not exist.
 */
export async function assertRealInside(root: string, realRoot: string, path: string): Promise<boolean> {
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      if (!isInside(realRoot, real)) {
        throw new PlacetError('FORBIDDEN', 'Storage path leaves the store directory');
      }
      return current === path;
    } catch (error) {
      const code = errnoOf(error);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || current === root) throw error;
      current = dirname(current);
    }
  }
}
