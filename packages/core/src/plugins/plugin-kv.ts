import { PlacetError } from '../errors/placet-error.js';
import type { Clock } from '../ports/clock.js';
import type { KeyValueRepository } from '../ports/store.js';
import type { PluginKeyValueStore } from './context.js';

/** The kv namespace of plugin `name`: its data never mixes with the engine's (`placet:…`) or another plugin's. */
export const pluginNamespace = (name: string) => `plugin:${name}`;

const MAX_KEY_LENGTH = 512;

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new PlacetError(
      'VALIDATION_FAILED',
      `A plugin kv key is a string of 1 to ${MAX_KEY_LENGTH} characters`,
    );
  }
}

/** The value as JSON gives it back: what a SQL store returns too, so that memory and SQL agree. */
function jsonCopy(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new PlacetError(
      'VALIDATION_FAILED',
      'A plugin kv value must be JSON (not undefined or a function)',
    );
  }
  return JSON.parse(text);
}

/**
 * Plugin `name`'s key-value store over the Store's `kv` repository (namespace `plugin:<name>`). Values
 * go in and come out as JSON copies, so a caller never shares an object with the store.
 */
export function pluginKeyValueStore(kv: KeyValueRepository, clock: Clock, name: string): PluginKeyValueStore {
  const namespace = pluginNamespace(name);
  const expiry = (ttlMs: number | undefined) => {
    if (ttlMs === undefined) return null;
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new PlacetError('VALIDATION_FAILED', 'ttlMs must be a positive number of milliseconds');
    }
    return new Date(clock.now().getTime() + ttlMs);
  };
  return {
    async get<T>(key: string) {
      checkKey(key);
      const entry = await kv.get(namespace, key, clock.now());
      return (entry === undefined ? undefined : jsonCopy(entry.value)) as T | undefined;
    },
    async set(key, value, options = {}) {
      checkKey(key);
      await kv.set({ namespace, key, value: jsonCopy(value), expiresAt: expiry(options.ttlMs) });
    },
    async setIfAbsent(key, value, options = {}) {
      checkKey(key);
      const entry = { namespace, key, value: jsonCopy(value), expiresAt: expiry(options.ttlMs) };
      return kv.insertIfAbsent(entry, clock.now());
    },
    async delete(key) {
      checkKey(key);
      return kv.delete(namespace, key);
    },
  };
}
