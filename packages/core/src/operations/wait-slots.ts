import type { Principal } from '../domain/principal.js';

/** Long-polls held open at once per API key and per user; `false` turns the cap off. */
export type ConcurrentWaits = false | { readonly perKey: number; readonly perUser: number };

/** One long-poll held open; `deadline` (ms since the epoch) is when it times out at the latest. */
interface Slot {
  readonly deadline: number;
}

/** A granted slot (release it exactly once, on every path), or a refusal to answer with 429. */
export type WaitSlot =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly retryAfterSeconds: number; readonly message: string };

const FREE: WaitSlot = { ok: true, release: () => undefined };

/**
 * Caps the long-polls held open at once, per API key and per user (all of a user's keys and their own
 * requests together), in this process. A refusal names the cap and a `Retry-After`: the time until the
 * oldest wait of the full bucket times out at the latest (at least 1 s), when a slot is sure to be free.
 */
export function waitSlots(config: ConcurrentWaits, now: () => number = Date.now): WaitSlots {
  const held = new Map<string, Set<Slot>>();

  const bucketsOf = (principal: Principal): [key: string, limit: number, what: string][] => {
    if (config === false) return [];
    const user: [string, number, string] = [`user:${principal.userId}`, config.perUser, 'per user'];
    return principal.kind === 'agent'
      ? [[`key:${principal.apiKeyId}`, config.perKey, 'per API key'], user]
      : [user];
  };

  return {
    /** Takes a slot for a wait that lasts at most `holdMs`, or says why not. */
    acquire(principal: Principal, holdMs: number): WaitSlot {
      if (config === false) return FREE;
      const buckets = bucketsOf(principal);
      const at = now();
      for (const [key, limit, what] of buckets) {
        const slots = held.get(key);
        if (!slots || slots.size < limit) continue;
        let earliest = Number.POSITIVE_INFINITY;
        for (const slot of slots) earliest = Math.min(earliest, slot.deadline);
        const retryAfterSeconds = Math.max(1, Math.ceil((earliest - at) / 1000));
        return {
          ok: false,
          retryAfterSeconds,
          message: `Too many long-polls open at once: at most ${limit} ${what}; retry in ${retryAfterSeconds} s`,
        };
      }
      const slot: Slot = { deadline: at + holdMs };
      for (const [key] of buckets) {
        const slots = held.get(key) ?? new Set<Slot>();
        slots.add(slot);
        held.set(key, slots);
      }
      let released = false;
      return {
        ok: true,
        release() {
          if (released) return;
          released = true;
          for (const [key] of buckets) {
            const slots = held.get(key);
            slots?.delete(slot);
            if (slots?.size === 0) held.delete(key);
          }
        },
      };
    },
  };
}

/** The long-polls held open at once (see `waitSlots`). */
export interface WaitSlots {
  /** Takes a slot for a wait that lasts at most `holdMs`, or says why not. */
  acquire(principal: Principal, holdMs: number): WaitSlot;
}
