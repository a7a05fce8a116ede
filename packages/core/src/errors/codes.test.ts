import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './codes.js';
import { PlacetError, toErrorBody } from './placet-error.js';

describe('error codes', () => {
  it('every code is documented in docs/reference/errors.md with its status', () => {
    const doc = readFileSync(new URL('../../../../docs/reference/errors.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(doc, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
  });

  it('turns unknown throws into INTERNAL without leaking their text', () => {
    expect(toErrorBody(new Error('password=hunter2'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL',
      message: 'Internal server error',
    });
    const body = toErrorBody(
      new PlacetError('VALIDATION_FAILED', 'bad', { issues: [{ path: 'a.b', message: 'x' }] }),
    );
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_FAILED',
      message: 'bad',
      issues: [{ path: 'a.b', message: 'x' }],
    });
  });
});
