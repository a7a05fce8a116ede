import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '@placet/core';
import { type AnyOperation, answerableCodes, OPERATIONS } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';

/**
 * `docs/reference/http-api.md` lists every operation in tables (method, path, auth, success, other
 * statuses). Those columns are facts of `OPERATIONS`: this test fails when the page and the table differ,
 * so the page is corrected with the code, never left behind.
 */

const page = readFileSync(new URL('../../../docs/reference/http-api.md', import.meta.url), 'utf8');

interface Row {
  method: string;
  path: string;
  auth: string;
  success: string;
  other: string;
}

/** The rows of the page's operation tables: `| \`GET\` | \`/path?query=\` | auth | success | other | … |`. */
function rows(): Row[] {
  const out: Row[] = [];
  for (const line of page.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 8 || !/^`[A-Z]+`$/.test(cells[1] ?? '')) continue;
    const [, method, path, auth, success, other] = cells as [string, string, string, string, string, string];
    out.push({
      method: method.replace(/`/g, ''),
      path: path.replace(/`/g, '').replace(/\?.*$/, ''),
      auth,
      success,
      other,
    });
  }
  return out;
}

/** Statuses every operation may answer, said once in the page's conventions, not in each row. */
const CONVENTIONAL = new Set([401, 413, 429, 500, 503]);

function expected(op: AnyOperation): Omit<Row, 'method' | 'path'> {
  const auth = { public: 'none', user: 'human', either: 'both', apiKey: 'agent' }[op.auth];
  const success =
    op.success.kind === 'json'
      ? String(op.success.status)
      : op.success.kind === 'binary'
        ? op.success.ranges === false
          ? '200'
          : '200, 206'
        : op.success.kind === 'script' || op.success.kind === 'text'
          ? '200'
          : '—';
  const statuses = new Set(
    [...answerableCodes(op)].map((code) => (ERROR_CODES as Record<string, { status: number }>)[code]!.status),
  );
  if (op.success.kind === 'binary' && op.success.ranges !== false) statuses.add(416);
  const shown = [...statuses].filter(
    (status) => !CONVENTIONAL.has(status) || (status === 413 && op.body?.kind === 'multipart'),
  );
  return {
    auth: op.role === 'owner' ? `${auth}, ${op.role}` : auth,
    success,
    other: shown.sort((a, b) => a - b).join(', '),
  };
}

describe('docs/reference/http-api.md', () => {
  it('lists every operation once, with the auth, success and statuses of OPERATIONS', () => {
    const listed = rows();
    const problems: string[] = [];
    for (const op of OPERATIONS) {
      const key = `${op.method.toUpperCase()} ${op.path}`;
      const found = listed.filter((row) => `${row.method} ${row.path}` === key);
      if (found.length !== 1) {
        problems.push(`${key}: listed ${found.length} times`);
        continue;
      }
      const { auth, success, other } = found[0]!;
      const want = expected(op);
      if (auth !== want.auth) problems.push(`${key}: auth "${auth}", the operation says "${want.auth}"`);
      if (success !== want.success)
        problems.push(`${key}: success "${success}", the operation says "${want.success}"`);
      if (other !== want.other)
        problems.push(`${key}: other statuses "${other}", the operation says "${want.other}"`);
    }
    const known = new Set(OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`));
    for (const row of listed) {
      if (!known.has(`${row.method} ${row.path}`) && !row.path.startsWith('/api/'))
        problems.push(`${row.method} ${row.path}: listed, but no such operation`);
    }
    expect(problems).toEqual([]);
  });
});
