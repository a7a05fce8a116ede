import { describe, expect, it } from 'vitest';
import { oneLine } from './one-line.js';

describe('oneLine', () => {
  it('flattens whitespace and cuts long text to max characters with an ellipsis', () => {
    expect(oneLine('  Deploy\n\tnow  please ')).toBe('Deploy now please');
    expect(oneLine('abcdef', 6)).toBe('abcdef');
    expect(oneLine('abcdefg', 6)).toBe('abcde…');
    expect(oneLine('x'.repeat(500))).toHaveLength(120);
  });
});
