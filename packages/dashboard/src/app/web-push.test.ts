import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetRememberedDevices, thisDeviceId } from './web-push.js';

/** A `localStorage` of the page, in memory. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    key: (index) => [...items.keys()][index] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
  };
}

describe('which subscription this browser remembers', () => {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
  beforeEach(() => {
    Object.defineProperty(globalThis, 'localStorage', { value: memoryStorage(), configurable: true });
  });
  afterEach(() => {
    if (original) Object.defineProperty(globalThis, 'localStorage', original);
    else Reflect.deleteProperty(globalThis, 'localStorage');
  });

  it('per user: another person on this browser has none', () => {
    localStorage.setItem('placet:webpush:subscription:usr_ada', 'sub_1');
    expect(thisDeviceId('usr_ada')).toBe('sub_1');
    expect(thisDeviceId('usr_grace')).toBeUndefined();
    expect(thisDeviceId(undefined)).toBeUndefined();
    // The id kept before it was per user belongs to nobody in particular.
    localStorage.setItem('placet:webpush:subscription', 'sub_0');
    expect(thisDeviceId('usr_grace')).toBeUndefined();
  });

  it('forgets every one of them (and nothing else) when the session that made them is gone', () => {
    localStorage.setItem('placet:webpush:subscription:usr_ada', 'sub_1');
    localStorage.setItem('placet:webpush:subscription:usr_grace', 'sub_2');
    localStorage.setItem('placet:webpush:subscription', 'sub_0');
    localStorage.setItem('placet:theme', 'dark');
    expect(forgetRememberedDevices()).toBe(true);
    expect(localStorage.length).toBe(1);
    expect(localStorage.getItem('placet:theme')).toBe('dark');
    expect(forgetRememberedDevices()).toBe(false);
  });
});
