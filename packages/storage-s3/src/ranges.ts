import type { ByteRange } from '@placet/core/adapter';

/** The bytes a GetObject answer holds: `[start, end]` of an object of `size` bytes. */
export interface ServedSpan {
  start: number;
  end: number;
  size: number;
}

/**
 * What a GetObject answer covers, from its status and headers: `Content-Range: bytes a-b/size` for a 206,
 * the whole object for a 200. `undefined` when the answer does not say (a 206 without a usable header).
 */
export function servedSpan(
  status: number | undefined,
  contentRange: string | undefined,
  contentLength: number | undefined,
): ServedSpan | undefined {
  if (contentRange !== undefined) {
    const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange.trim());
    if (!match) return undefined;
    const [start, end, size] = [Number(match[1]), Number(match[2]), Number(match[3])];
    return start <= end && end < size ? { start, end, size } : undefined;
  }
  if (status === 206) return undefined;
  if (contentLength === undefined || !Number.isSafeInteger(contentLength) || contentLength < 0)
    return undefined;
  return { start: 0, end: contentLength - 1, size: contentLength };
}

/** `bytes=a-b` for a range that passed the port's checks. */
export function rangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end}`;
}

/**
 * Yields `take` bytes of `body` after skipping `skip`, then stops reading (which destroys the source): for a
 * server that answered more than the range asked for (a 200 that ignored `Range`, or a wider 206).
 */
export async function* sliceBody(
  body: AsyncIterable<Uint8Array>,
  skip: number,
  take: number,
): AsyncGenerator<Uint8Array> {
  let toSkip = skip;
  let left = take;
  if (left <= 0) return;
  for await (const chunk of body) {
    let piece = chunk;
    if (toSkip > 0) {
      if (piece.byteLength <= toSkip) {
        toSkip -= piece.byteLength;
        continue;
      }
      piece = piece.subarray(toSkip);
      toSkip = 0;
    }
    if (piece.byteLength >= left) {
      yield piece.subarray(0, left);
      return;
    }
    left -= piece.byteLength;
    yield piece;
  }
  throw new Error(`The object ended ${left} bytes before the end of the requested range`);
}
