import { describe, expect, it } from 'vitest';
import { HttpUrl, JsonObject, jsonDepthWithin, MAX_JSON_DEPTH } from './common.js';
import { MessageCreate } from './message.js';
import { RespondReview } from './review.js';

/** `{ "a": { "a": … 1 } }` with `levels` objects, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let current = root;
  for (let i = 1; i < levels; i++) {
    const next: Record<string, unknown> = {};
    current.a = next;
    current = next;
  }
  current.a = 1;
  return root;
}

describe('JsonObject depth', () => {
  it('counts objects and arrays as levels', () => {
    expect(jsonDepthWithin({}, 1)).toBe(true);
    expect(jsonDepthWithin({ a: [] }, 1)).toBe(false);
    expect(jsonDepthWithin({ a: [] }, 2)).toBe(true);
    expect(jsonDepthWithin({ a: [{ b: 1 }] }, 2)).toBe(false);
    expect(jsonDepthWithin('text', 0)).toBe(true);
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    expect(JsonObject.safeParse(nested(MAX_JSON_DEPTH)).success).toBe(true);
    const deeper = JsonObject.safeParse(nested(MAX_JSON_DEPTH + 1));
    expect(deeper.success).toBe(false);
    expect(deeper.error?.issues[0]?.message).toMatch(/Nested more than/);
  });

  it('refuses what JSON.stringify cannot store (which used to be a 500), without overflowing itself', () => {
    // 100 000 nested arrays: JSON.parse reads them, JSON.stringify overflows the stack on them.
    const levels = 100_000;
    const value = JSON.parse(`{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`) as unknown;
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    const metadata = MessageCreate.safeParse({ channelId: 'ch_1', text: 'x', metadata: value });
    expect(metadata.success).toBe(false);
    expect(metadata.error?.issues.map((i) => i.path.join('.'))).toEqual(['metadata']);
    const response = RespondReview.safeParse({ response: value });
    expect(response.success).toBe(false);
    const payload = MessageCreate.safeParse({
      channelId: 'ch_1',
      review: { type: 'approval', payload: value },
    });
    expect(payload.success).toBe(false);
  });
});

describe('HttpUrl', () => {
  it('accepts http(s) URLs, loopback included, and refuses other schemes and credentials in the URL', () => {
    for (const ok of ['https://hooks.example.test/a?b=1', 'http://127.0.0.1:4000/hook']) {
      expect(HttpUrl.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ['ftp://hooks.example.test/', 'javascript:alert(1)', 'not a url']) {
      expect(HttpUrl.safeParse(bad).success, bad).toBe(false);
    }
    for (const withCredentials of [
      'https://user:secret@hooks.example.test/',
      'https://user@hooks.example.test/',
    ]) {
      const result = HttpUrl.safeParse(withCredentials);
      expect(result.success, withCredentials).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/user name or password/);
      // The refusal never repeats the password.
      expect(JSON.stringify(result.error?.issues)).not.toContain('secret');
    }
  });
});
