import { describe, expect, it } from 'vitest';
import {
  canonical,
  diffValue,
  editsOf,
  fieldKind,
  fieldText,
  parseField,
  proposalDiff,
} from './proposal-edit.js';

describe('proposal fields', () => {
  it('edits a field by the type of its value', () => {
    expect(fieldKind(12)).toBe('number');
    expect(fieldKind(true)).toBe('boolean');
    expect(fieldKind('x')).toBe('string');
    expect(fieldKind(null)).toBe('json');
    expect(fieldKind({ a: 1 })).toBe('json');
    expect(fieldKind([1])).toBe('json');
    expect(fieldText('json', { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(fieldText('number', 1.5)).toBe('1.5');
  });

  it('reads inputs back as values, refusing what is not one', () => {
    expect(parseField('number', ' 120 ')).toEqual({ ok: true, value: 120 });
    expect(parseField('number', '')).toEqual({ ok: false, error: 'must be a number' });
    expect(parseField('number', '12abc')).toEqual({ ok: false, error: 'must be a number' });
    expect(parseField('boolean', 'true')).toEqual({ ok: true, value: true });
    expect(parseField('string', '')).toEqual({ ok: true, value: '' });
    expect(parseField('json', '{"b":[1,2]}')).toEqual({ ok: true, value: { b: [1, 2] } });
    expect(parseField('json', '{nope')).toEqual({ ok: false, error: 'must be valid JSON' });
  });
});

describe('proposalDiff', () => {
  const value = { amount: 100, recipient: 'ACME', urgent: false, tags: { a: 1, b: 2 }, note: 'fixed' };
  const editable = ['amount', 'recipient', 'urgent', 'tags'];

  it('lists the editable fields whose value changed, in the proposal order', () => {
    const diff = proposalDiff(value, { recipient: 'ACME Ltd', amount: 120, urgent: false }, editable);
    expect(diff).toEqual([
      { path: 'amount', from: 100, to: 120 },
      { path: 'recipient', from: 'ACME', to: 'ACME Ltd' },
    ]);
    expect(editsOf(diff)).toEqual({ amount: 120, recipient: 'ACME Ltd' });
  });

  it('ignores key order of objects, fields that are not editable and unchanged values', () => {
    expect(proposalDiff(value, { tags: { b: 2, a: 1 }, note: 'changed', amount: 100 }, editable)).toEqual([]);
    expect(canonical({ b: 1, a: [1, { d: 1, c: 2 }] })).toBe('{"a":[1,{"c":2,"d":1}],"b":1}');
  });

  it('shows values compactly for the diff', () => {
    expect(diffValue('ACME')).toBe('"ACME"');
    expect(diffValue(120)).toBe('120');
    expect(diffValue(undefined)).toBe('(none)');
    expect(diffValue('x'.repeat(100), 10)).toBe(`"${'x'.repeat(8)}…`);
  });
});
