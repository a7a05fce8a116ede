import { PlacetError } from '@placet/core/adapter';

/**
 * Postgres `text` and `jsonb` cannot hold U+0000 (`invalid byte sequence for encoding "UTF8": 0x00`,
 * `unsupported Unicode escape sequence`). Those driver errors used to surface as 500s for any request
 * that carried a NUL anywhere (a message text, a metadata key, an id in a path). The store refuses such a
 * value up front instead, as the client's error: a 400 `VALIDATION_FAILED`. SQLite stores NUL as is.
 */
export function nulRefused(): PlacetError {
  return new PlacetError('VALIDATION_FAILED', 'Text may not contain NUL characters (U+0000)', {
    issues: [{ path: '', message: 'contains U+0000, which this database cannot store' }],
  });
}

/** JSON text (from `JSON.stringify`) holding an escaped NUL: `\u0000` after an even run of backslashes. */
const JSON_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

export function jsonHasNul(json: string): boolean {
  return JSON_NUL.test(json);
}

/** Refuses a query whose string parameters hold U+0000, before it is sent. */
export function refuseNulParameters(parameters: ReadonlyArray<unknown>): void {
  for (const value of parameters) {
    if (typeof value === 'string' && value.includes('\u0000')) throw nulRefused();
  }
}
