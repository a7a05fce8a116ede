/**
 * The plugin guide (docs/guides/writing-a-plugin.md) shows this plugin's tsup config and package.json for
 * a plugin outside the repository: the config must be this one, word for word, and the package.json must
 * be this one's as published (no repository-only condition, no path into src/).
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const GUIDE = read('../../../docs/guides/writing-a-plugin.md');

/** The first fenced block of `lang` after the heading that starts with `heading`. */
function snippet(heading: string, lang: string): string {
  const start = GUIDE.indexOf(`\n${heading}`);
  expect(start, `heading "${heading}" in the guide`).toBeGreaterThan(-1);
  const open = GUIDE.indexOf(`\n\`\`\`${lang}\n`, start);
  const close = GUIDE.indexOf('\n```\n', open + 1);
  return GUIDE.slice(open + lang.length + 5, close + 1);
}

/** Every condition name and path in an `exports` map. */
function exportStrings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (value !== null && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      found.push(key);
      exportStrings(inner, found);
    }
  return found;
}

it("the guide's tsup config is plugins/rating/tsup.config.ts, whole", () => {
  expect(snippet('## 5. ', 'ts')).toBe(read('../tsup.config.ts'));
});

it("the guide's package.json is this plugin's as published", () => {
  const shown = JSON.parse(snippet('## 1. ', 'json'));
  const real = JSON.parse(read('../package.json'));
  const published = JSON.parse(JSON.stringify(real.exports), (key, value) =>
    key === '@placet/source' ? undefined : value,
  );
  expect(shown.name).toBe(real.name);
  expect(shown.exports).toEqual(published);
  expect(exportStrings(shown.exports).filter((s) => s.includes('source') || s.includes('src/'))).toEqual([]);
  expect(shown.scripts.build).toBe(real.scripts.build);
  expect(shown.peerDependencies).toEqual(real.peerDependencies);
  expect(Object.keys(shown.devDependencies)).toEqual(
    expect.arrayContaining(Object.keys(real.devDependencies)),
  );
});
