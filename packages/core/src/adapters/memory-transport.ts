import type { Transport, TransportSignal } from '../ports/transport.js';

/**
 * Signals within one process. Each `createPlacet()` gets its own by default, so two instances in one
 * process never see each other's events. Listeners run on a microtask, never inside `publish`.
 */
export function memoryTransport(): Transport {
  const listeners = new Set<(signal: TransportSignal) => void>();
  let closed = false;
  return {
    capabilities: { name: 'memory', crossProcess: false },
    async publish(signal) {
      if (closed) return;
      const snapshot = [...listeners];
      queueMicrotask(() => {
        for (const listener of snapshot) {
          if (!listeners.has(listener)) continue;
          try {
            listener({ seq: signal.seq });
          } catch {
            // One listener's failure never affects the others.
          }
        }
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      closed = true;
      listeners.clear();
    },
  };
}
