import { describe, expect, it } from 'vitest';
import { StoreText } from './files.js';
import { MessageCreate } from './message.js';
import { MimeType, mimeTypeOfFilename, parseMimeType, sanitizeMimeType } from './mime-type.js';

const issuesOf = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]);

describe('MimeType', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['  Text/Markdown ', 'text/markdown'],
    ['text/plain; charset=UTF-8', 'text/plain; charset=utf-8'],
    ['text/csv;charset="iso-8859-1"', 'text/csv; charset=iso-8859-1'],
    [
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
    ['image/svg+xml', 'image/svg+xml'],
    ['text/plain;', 'text/plain'],
  ])('stores %j as %j', (input, stored) => {
    expect(MimeType.parse(input)).toBe(stored);
  });

  it.each([
    ['text/plain; a=b, text/html', 'one MIME type only, without commas'],
    ['text/plain, text/html', 'one MIME type only, without commas'],
    ['text/plain; format=flowed', 'no parameters other than charset (e.g. "text/plain; charset=utf-8")'],
    [
      'text/plain; charset=utf-8; charset=latin1',
      'no parameters other than charset (e.g. "text/plain; charset=utf-8")',
    ],
    ['text/plain; charset', 'no parameters other than charset (e.g. "text/plain; charset=utf-8")'],
    ['text/plain; charset="a b"', 'no parameters other than charset (e.g. "text/plain; charset=utf-8")'],
    ['html', 'not a MIME type (type/subtype, e.g. "text/plain")'],
    ['text/html\u0000', 'not a MIME type (type/subtype, e.g. "text/plain")'],
    ['text/htmlé', 'not a MIME type (type/subtype, e.g. "text/plain")'],
    ['text/', 'not a MIME type (type/subtype, e.g. "text/plain")'],
  ])('refuses %j', (input, message) => {
    expect(issuesOf(MimeType.safeParse(input))).toEqual([['', message]]);
  });

  it('names the field in the bodies that carry a type', () => {
    const disguised = 'text/plain; a=b, text/html';
    expect(issuesOf(StoreText.safeParse({ channelId: 'ch_1', content: 'x', mimeType: disguised }))).toEqual([
      ['mimeType', 'one MIME type only, without commas'],
    ]);
    const message = MessageCreate.safeParse({
      channelId: 'ch_1',
      textAttachments: [{ content: 'x' }, { content: '<b>hi</b>', mimeType: disguised }],
    });
    expect(issuesOf(message)).toEqual([['textAttachments.1.mimeType', 'one MIME type only, without commas']]);
    expect(StoreText.parse({ channelId: 'ch_1', content: 'x' }).mimeType).toBe('text/markdown');
  });
});

describe('sanitizeMimeType (rows stored before types were checked)', () => {
  it.each([
    ['text/plain; a=b, text/html', 'application/octet-stream'],
    ['text/html', 'text/html'],
    ['TEXT/CSV; header=present; charset=UTF-8', 'text/csv; charset=utf-8'],
    ['image/png; name="a.png"', 'image/png'],
    ['<script>', 'application/octet-stream'],
    ['', 'application/octet-stream'],
  ])('shows %j as %j', (stored, shown) => {
    expect(sanitizeMimeType(stored)).toBe(shown);
    expect(parseMimeType(sanitizeMimeType(stored)).ok).toBe(true);
  });
});

describe('mimeTypeOfFilename (a file sent without a useful type)', () => {
  it.each([
    ['report.csv', 'text/csv'],
    ['train.PY', 'text/x-python'],
    ['server.log', 'text/plain'],
    ['notes.md', 'text/markdown'],
    ['archive.tar.gz', undefined],
    ['Makefile', undefined],
    ['trailing.', undefined],
  ])('%j → %j', (name, type) => {
    expect(mimeTypeOfFilename(name)).toBe(type);
  });
});
