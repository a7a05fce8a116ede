import { describe, expect, it } from 'vitest';
import { rangeHeader, servedSpan, sliceBody } from './ranges.js';

async function* chunks(...parts: number[][]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new Uint8Array(part);
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of body) out.push(...chunk);
  return out;
}

describe('servedSpan', () => {
  it('reads Content-Range of a 206, and the whole object of a 200', () => {
    expect(servedSpan(206, 'bytes 10-19/100', 10)).toEqual({ start: 10, end: 19, size: 100 });
    expect(servedSpan(200, undefined, 100)).toEqual({ start: 0, end: 99, size: 100 });
    expect(servedSpan(200, undefined, 0)).toEqual({ start: 0, end: -1, size: 0 });
  });

  it('is undefined when the answer does not say', () => {
    expect(servedSpan(206, undefined, 10)).toBeUndefined();
    expect(servedSpan(206, 'bytes 10-19/*', 10)).toBeUndefined();
    expect(servedSpan(206, 'bytes 19-10/100', 10)).toBeUndefined();
    expect(servedSpan(206, 'bytes 10-100/100', 10)).toBeUndefined();
    expect(servedSpan(200, undefined, undefined)).toBeUndefined();
    expect(servedSpan(200, undefined, -1)).toBeUndefined();
  });
});

describe('sliceBody', () => {
  it('skips and takes across chunk boundaries', async () => {
    const body = () => chunks([0, 1, 2], [3, 4], [5, 6, 7, 8], [9]);
    expect(await collect(sliceBody(body(), 0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await collect(sliceBody(body(), 2, 3))).toEqual([2, 3, 4]);
    expect(await collect(sliceBody(body(), 3, 2))).toEqual([3, 4]);
    expect(await collect(sliceBody(body(), 9, 1))).toEqual([9]);
    expect(await collect(sliceBody(body(), 4, 0))).toEqual([]);
  });

  it('stops reading the source once it has the bytes', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield new Uint8Array(10);
      }
    }
    expect(await collect(sliceBody(endless(), 15, 10))).toHaveLength(10);
    expect(pulled).toBe(3);
  });

  it('rejects when the source ends before the range does', async () => {
    await expect(collect(sliceBody(chunks([0, 1, 2]), 1, 5))).rejects.toThrow(/ended 3 bytes before/);
  });
});

it('rangeHeader', () => {
  expect(rangeHeader({ start: 0, end: 0 })).toBe('bytes=0-0');
});
