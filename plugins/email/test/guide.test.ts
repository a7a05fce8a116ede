/**
 * The guide (docs/guides/email-notifications.md) quotes this plugin's code and shows its options and
 * errors: the quotes must be in the files they name, word for word, the options table must list the
 * options the schema has, and the error shown must be the one createPlacet() gives.
 */
import { readFileSync } from 'node:fs';
import { createPlacet, silentLogger } from '@placet/core';
import { expect, it } from 'vitest';
import { EmailOptions, email } from '../src/index.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const GUIDE = read('../../../docs/guides/email-notifications.md');

/** Each `ts` block that follows a link into `plugins/email/src/`, with the file it quotes. */
function quotes(): { file: string; code: string }[] {
  const found: { file: string; code: string }[] = [];
  for (const match of GUIDE.matchAll(
    /\(\.\.\/\.\.\/plugins\/email\/src\/([a-z-]+\.ts)\)[^\n]*\n(?:[^\n`]*\n)*?\n?```ts\n([\s\S]*?)\n```/g,
  ))
    found.push({ file: match[1]!, code: match[2]! });
  return found;
}

/** Lines without their indentation: a quote is shown dedented (and the formatter dedents it anyway). */
const flat = (code: string) =>
  code
    .split('\n')
    .map((line) => line.trim())
    .join('\n');

it('quotes the source word for word', () => {
  const all = quotes();
  expect(all.map((q) => q.file)).toEqual(['index.ts', 'runtime.ts', 'runtime.ts', 'actions.ts']);
  for (const { file, code } of all)
    expect(flat(read(`../src/${file}`)), `quote from ${file}`).toContain(flat(code));
  // The one unlinked quote, in "Why a GET never changes anything".
  const respond =
    "await placet.reviews.respond(placet.userPrincipal(user), message.id, answer, { via: 'email' });";
  expect(flat(read('../src/actions.ts'))).toContain(respond);
  expect(GUIDE).toContain(`\n${respond}\n`);
});

it('lists every option of the schema in its table, and no other', () => {
  const section = GUIDE.slice(GUIDE.indexOf('## Options'), GUIDE.indexOf('## Who gets what'));
  const listed = [...section.matchAll(/^\| `([a-zA-Z]+)` +\|/gm)].map((m) => m[1]);
  expect(listed).toEqual(Object.keys(EmailOptions.shape));
});

it('shows the error createPlacet() gives for invalid options', () => {
  const section = GUIDE.slice(GUIDE.indexOf('Invalid options fail'));
  const shown = section.slice(
    section.indexOf('```\n') + 4,
    section.indexOf('\n```', section.indexOf('```\n') + 4),
  );
  expect(() =>
    createPlacet({
      logger: silentLogger(),
      plugins: [
        email({
          smtp: 'http://relay:hunter2@127.0.0.1:25',
          from: 'Placet <placet@example.com>',
          publicUrl: 'ftp://placet.example.com',
        }),
      ],
    }),
  ).toThrow(shown);
  expect(shown).not.toContain('hunter2');
});
