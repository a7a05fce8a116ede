import { dirname } from 'node:path';
import { REPO_ROOT } from './processes.js';

/**
 * A stack frame as V8 writes it — `at fn (/abs/file.js:1:2)`, `at /abs/file.js:1:2`,
 * `at file:///abs/file.js:1:2`, `at node:internal/…:1:2` — also inside HTML (`&nbsp;at …`) or JSON.
 */
const STACK_FRAME = /\bat (?:[^\s()<>"]+ )?\(?(?:file:\/\/|\/|[A-Za-z]:\\|node:)[^\s()<>"]*:\d+:\d+/;
/** `SomeError: message` followed by a frame on the next line (a newline, `<br>` or an escaped `\n`). */
const ERROR_WITH_STACK = /\b\w*Error: [^\n]*?(?:\n|<br>|\\n)(?:\s|&nbsp;)*at /;

/**
 * The paths an answer of a server started from this checkout must never show: the checkout itself, the
 * directory holding it (`/work/` for `/work/main/`), and any `extra` (a data dir, a temp dir).
 */
export function privatePaths(...extra: string[]): string[] {
  const parent = `${dirname(REPO_ROOT.replace(/\/$/, ''))}/`;
  return [REPO_ROOT, ...(parent === '/' ? [] : [parent]), ...extra].filter((p) => p.length > 1);
}

/**
 * What an HTTP answer leaks of the server's insides, or undefined: a stack trace (a frame, or an error
 * line followed by one), `node_modules`, or one of `paths` (see `privatePaths`).
 */
export function leakIn(text: string, paths: readonly string[]): string | undefined {
  if (STACK_FRAME.test(text)) return 'a stack frame';
  if (ERROR_WITH_STACK.test(text)) return 'an error with its stack';
  if (text.includes('node_modules')) return 'node_modules';
  return paths.find((path) => text.includes(path));
}
