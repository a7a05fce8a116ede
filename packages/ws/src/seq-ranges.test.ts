import { describe, expect, it } from 'vitest';
import { SeqRanges } from './seq-ranges.js';

describe('SeqRanges', () => {
  it('holds half-open ranges (after, upTo] and merges overlapping and touching ones', () => {
    const ranges = new SeqRanges();
    ranges.add(10, 20);
    expect([10, 11, 20, 21].map((s) => ranges.has(s))).toEqual([false, true, true, false]);
    ranges.add(30, 40);
    ranges.add(5, 5); // empty
    expect(ranges.toArray()).toEqual([
      [10, 20],
      [30, 40],
    ]);
    ranges.add(20, 30); // touches both
    expect(ranges.toArray()).toEqual([[10, 40]]);
    ranges.add(0, 3);
    ranges.add(50, 60);
    ranges.add(2, 55);
    expect(ranges.toArray()).toEqual([[0, 60]]);
    expect(ranges.has(0)).toBe(false);
    expect(ranges.has(60)).toBe(true);
  });
});
