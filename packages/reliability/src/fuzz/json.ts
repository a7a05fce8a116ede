import fc from 'fast-check';

/**
 * JSON values as the fuzzer builds them. Objects are entry lists (`Obj`), so that keys like `__proto__`
 * and `constructor` are real keys of the JSON text and never touch a prototype here; `Raw` is text put in
 * verbatim (nesting 100 000 levels deep, a number JSON.stringify cannot write) without building it.
 */
export class Obj {
  constructor(readonly entries: [string, Json][]) {}
}
export class Raw {
  constructor(readonly text: string) {}
}
export type Json = null | boolean | number | string | Json[] | Obj | Raw;

export function serialize(value: Json): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Obj)
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

/** Builds the fuzzer's tree from an ordinary value (the seed bodies are written as plain objects). */
export function fromPlain(value: unknown): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string')
    return value;
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value === 'object')
    return new Obj(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromPlain(v)]));
  return null;
}

/** Keys that mean something to JavaScript objects, and other awkward ones. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'then',
  '',
  ' ',
  '\u0000',
  '$where',
  'a.b',
  '0',
] as const;

/** Strings that have broken servers: traversal, injection, encodings, sizes. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/etc/passwd',
  'C:\\Windows\\System32',
  '__proto__',
  'constructor',
  'prototype',
  "' OR '1'='1' --",
  '"; DROP TABLE placet_messages; --',
  '<script>alert(1)</script>',
  ['$', '{7*7}{{7*7}}'].join(''),
  '\r\nX-Injected: 1',
  `hp_${'0'.repeat(48)}`,
  'hp_',
  '\u202e\u0000\uffff',
  '\ud800',
  '\udfff\ud800',
  '💥'.repeat(100),
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  '9007199254740993',
  'javascript:alert(1)',
  'http://169.254.169.254/latest/meta-data/',
  'http://127.0.0.1:1/',
  'file:///etc/passwd',
  'x'.repeat(300),
  'x'.repeat(5_000),
] as const;

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** Nesting built as text: `[[[…]]]` or `{"a":{"a":…}}`, up to far beyond any stack. */
export const deepNesting: fc.Arbitrary<Raw> = fc
  .tuple(fc.constantFrom(65, 200, 5_000, 30_000), fc.boolean())
  .map(([levels, arrays]) =>
    arrays
      ? new Raw(`${'['.repeat(levels)}${']'.repeat(levels)}`)
      : new Raw(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`),
  );

/** Numbers JSON can say and JavaScript rounds or overflows. */
export const hostileNumber: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), Number.MAX_VALUE, Number.MIN_VALUE),
  fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '1E-400').map((t) => new Raw(t)),
  fc.double(),
  fc.integer(),
);

/** Any JSON value, small, with hostile leaves and keys. */
export const hostileValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    hostileNumber,
    hostileString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 })
      .map((entries) => new Obj(entries as [string, Json][])),
    deepNesting,
  ),
})).value;

/** Prototype pollution attempts: `{"__proto__": {"polluted": true}}`, `{"constructor": {"prototype": …}}`. */
export const pollution: fc.Arbitrary<[string, Json]> = fc.constantFrom<[string, Json]>(
  ['__proto__', new Obj([['polluted', true]])],
  ['constructor', new Obj([['prototype', new Obj([['polluted', true]])]])],
  ['prototype', new Obj([['polluted', true]])],
  [
    '__proto__',
    new Obj([
      ['isAdmin', true],
      ['role', 'owner'],
      ['ownerId', 'x'],
    ]),
  ],
);
