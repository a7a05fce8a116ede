import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('splits records on CRLF, LF and CR, and ignores a final line break', () => {
    expect(parseCsv('a,b\r\nc,d\ne,f\rg,h\r\n').rows).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('keeps delimiters, line breaks and doubled quotes inside quoted fields', () => {
    const table = parseCsv('name,note\r\n"Smith, Jane","said ""hi""\r\nthen left"\r\n');
    expect(table.rows).toEqual([
      ['name', 'note'],
      ['Smith, Jane', 'said "hi"\r\nthen left'],
    ]);
    expect(table.columns).toBe(2);
  });

  it('keeps empty fields, ragged rows, a leading byte-order mark and other delimiters', () => {
    expect(parseCsv('\ufeffa,,c\n,\n"",x').rows).toEqual([
      ['a', '', 'c'],
      ['', ''],
      ['', 'x'],
    ]);
    expect(parseCsv('a\tb\n1\t"2\t3"', '\t').rows).toEqual([
      ['a', 'b'],
      ['1', '2\t3'],
    ]);
    expect(parseCsv('a,b\n1').columns).toBe(2);
  });

  it('is lenient with stray quotes and an unterminated quoted field', () => {
    expect(parseCsv('5" screen,x\n"open').rows).toEqual([['5" screen', 'x'], ['open']]);
    expect(parseCsv('"a"b,c').rows).toEqual([['ab', 'c']]);
    expect(parseCsv('').rows).toEqual([]);
  });
});
