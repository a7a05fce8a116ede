import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, reviewHash } from './review-hash.js';

const seen = {
  type: 'approval',
  payload: { options: [{ id: 'approve', label: 'Approve' }], nested: { b: 1, a: [true, null, 'x'] } },
  text: 'Deploy v2 to production?',
  attachments: [
    { id: 'f2', sha256: 'b'.repeat(64) },
    { id: 'f1', sha256: 'a'.repeat(64) },
  ],
};

describe('canonicalJson', () => {
  it('sorts keys at every level and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 'é' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":"é","z":0}]},"b":1}',
    );
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });
});

describe('reviewHash', () => {
  it('is sha256 (base64url) of the canonical JSON of type, payload, text and attachments by id', async () => {
    const canonical = canonicalJson({
      attachments: [
        { id: 'f1', sha256: 'a'.repeat(64) },
        { id: 'f2', sha256: 'b'.repeat(64) },
      ],
      payload: seen.payload,
      text: seen.text,
      type: seen.type,
    });
    const expected = createHash('sha256').update(canonical).digest('base64url');
    expect(await reviewHash(seen)).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('does not depend on key order or on the order attachments are listed in', async () => {
    const reordered = {
      attachments: [...seen.attachments].reverse(),
      text: seen.text,
      payload: { nested: { a: [true, null, 'x'], b: 1 }, options: [{ label: 'Approve', id: 'approve' }] },
      type: seen.type,
    };
    expect(await reviewHash(reordered)).toBe(await reviewHash(seen));
    // Extra fields of an attachment record (filename, size, …) are not part of it.
    const records = seen.attachments.map((a) => ({ ...a, filename: 'x.txt', size: 3 }));
    expect(await reviewHash({ ...seen, attachments: records })).toBe(await reviewHash(seen));
  });

  it('changes with any change of the text, the payload, the type or an attachment hash', async () => {
    const base = await reviewHash(seen);
    const variants = [
      { ...seen, text: `${seen.text} ` },
      { ...seen, text: null },
      { ...seen, type: 'selection' },
      { ...seen, payload: { ...seen.payload, options: [{ id: 'approve', label: 'Approve!' }] } },
      { ...seen, payload: { ...seen.payload, nested: { b: 2, a: [true, null, 'x'] } } },
      { ...seen, attachments: [{ id: 'f1', sha256: 'a'.repeat(64) }] },
      {
        ...seen,
        attachments: [
          { id: 'f1', sha256: 'a'.repeat(64) },
          { id: 'f2', sha256: `${'b'.repeat(63)}c` },
        ],
      },
    ];
    const hashes = await Promise.all(variants.map((v) => reviewHash(v)));
    for (const hash of hashes) expect(hash).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
