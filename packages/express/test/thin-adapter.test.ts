import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The HTTP surface lives in core's operation table; this package only maps Express requests onto it.
// A route, schema or status code written here instead of in the table shows up first as growth.
const LINE_BUDGET = 600;
const src = join(dirname(fileURLToPath(import.meta.url)), '../src');

describe('@placet/express stays a thin adapter', () => {
  it(`has at most ${LINE_BUDGET} lines of source`, () => {
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const lines = files.map((file) => ({
      file,
      lines: readFileSync(join(src, file), 'utf8').split('\n').length - 1,
    }));
    const total = lines.reduce((sum, entry) => sum + entry.lines, 0);
    expect(files.length).toBeGreaterThan(0);
    expect(total, JSON.stringify(lines)).toBeLessThanOrEqual(LINE_BUDGET);
  });
});
