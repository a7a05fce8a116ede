import type { Clock, TimerHandle } from '../ports/clock.js';

/**
 * The real clock. Timers are unref'd so that a forgotten timer never keeps the process alive, except
 * those set with `keepAlive: true` (a pending long-poll), which hold it until they fire or are cleared.
 */
export function systemClock(): Clock {
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let next = 1;
  return {
    now: () => new Date(),
    setTimer(fn, ms, options) {
      const id = next++;
      const timer = setTimeout(
        () => {
          timers.delete(id);
          fn();
        },
        Math.max(0, Math.min(ms, 2_147_483_647)),
      );
      if (!options?.keepAlive) timer.unref?.();
      timers.set(id, timer);
      return { id } satisfies TimerHandle;
    },
    clearTimer(handle) {
      const timer = timers.get(handle.id);
      if (timer) clearTimeout(timer);
      timers.delete(handle.id);
    },
  };
}
