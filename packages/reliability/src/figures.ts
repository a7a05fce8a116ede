import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The file the suites append their figures to (one JSON line each); printed again at the end. */
    reliabilityFigures: string;
  }
}

export interface Figure {
  suite: string;
  text: string;
}

/**
 * Prints one figure of a suite (`lost 0 of 1834 acknowledged`) and records it for the summary the global
 * teardown prints. Call it with the measured values BEFORE asserting on them, so a failing run shows the
 * figure that failed.
 */
export function figure(suite: string, text: string): void {
  console.log(`[reliability] ${suite}: ${text}`);
  const file = inject('reliabilityFigures');
  if (file) appendFileSync(file, `${JSON.stringify({ suite, text } satisfies Figure)}\n`);
}
