import { describe, expect, it } from 'vitest';
import { prettyLine } from './logger.js';

describe('prettyLine', () => {
  it('one line per entry: a stack or a multi-line message is escaped, never split', () => {
    const line = prettyLine({
      level: 50,
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      pid: 4242,
      hostname: 'web-1',
      msg: 'request failed\nsecond line',
      error: 'Error: boom',
      stack: 'Error: boom\n    at handler (app.ts:1:1)\n    at next (router.js:2:2)',
      path: '/api/v1/agents',
      count: 3,
    });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\r\n]/);
    expect(line).toBe(
      '03:04:05 ERROR web-1[4242] request failed\\nsecond line error="Error: boom" stack="Error: boom\\n    at handler (app.ts:1:1)\\n    at next (router.js:2:2)" path=/api/v1/agents count=3\n',
    );
  });
});
