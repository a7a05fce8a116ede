import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attachFakeHuman } from '@placet/test-utils';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type TestServer } from './harness.js';

/**
 * The TypeScript blocks of docs/guides/typed-client.md and of the README are type-checked and run here,
 * as printed, against a real server where a scripted human (test-utils' fake human) answers every review.
 */
const CLIENT_ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const GUIDE = fileURLToPath(new URL('../../../docs/guides/typed-client.md', import.meta.url));
const README = fileURLToPath(new URL('../README.md', import.meta.url));

function tsBlocks(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\n```ts\n([\s\S]*?)\n```\n/g)].map((m) => m[1] ?? '');
}

/**
 * The blocks as one module: their `import { … } from '@placet/client'` lines merged into one import of
 * the client's sources, the rest in order.
 */
function program(blocks: string[], prelude = ''): string {
  const names = new Set<string>();
  const body = blocks
    .join('\n')
    .replace(/^import \{([^}]*)\} from '@placet\/client';\n/gm, (_, list: string) => {
      for (const name of list.split(',')) if (name.trim()) names.add(name.trim());
      return '';
    });
  expect(body, 'every import of a snippet is from @placet/client').not.toMatch(/^import /m);
  return `import { ${[...names].join(', ')} } from ${JSON.stringify(CLIENT_ENTRY)};\n${prelude}${body}\n`;
}

const README_PRELUDE = `const channelId = process.env.PLACET_CHANNEL_ID!;\nconst deploy = async () => console.log('deployed');\n`;

let s: TestServer;
let dir: string;
const files: Record<'guide' | 'readme', string> = { guide: '', readme: '' };
let diagnostics: Map<string, string[]>;

beforeAll(async () => {
  s = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'placet-client-docs-'));
  const [readmeExample] = tsBlocks(README);
  const sources = { guide: program(tsBlocks(GUIDE)), readme: program([readmeExample ?? ''], README_PRELUDE) };
  for (const name of ['guide', 'readme'] as const) {
    files[name] = join(dir, `${name}.ts`);
    writeFileSync(files[name], `${sources[name]}export {};\n`);
  }
  diagnostics = typeErrors(Object.values(files));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await s.close();
});

/** Type-checks `paths` as this repository's code is (tsconfig.base.json: strict, the source condition), in one program. */
function typeErrors(paths: string[]): Map<string, string[]> {
  const base = fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url));
  const config = ts.getParsedCommandLineOfConfigFile(
    base,
    { noEmit: true, allowImportingTsExtensions: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.base.json did not parse');
  const checked = ts.createProgram(paths, config.options);
  const found = new Map(paths.map((path) => [path, [] as string[]]));
  for (const d of ts.getPreEmitDiagnostics(checked)) {
    const list = d.file ? found.get(d.file.fileName) : undefined;
    list?.push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  return found;
}

async function run(name: 'guide' | 'readme'): Promise<string[]> {
  const file = files[name];
  expect(diagnostics.get(file), `${name}: the snippets type-check`).toEqual([]);
  const logged: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logged.push(args.join(' '));
  });
  vi.stubEnv('PLACET_URL', s.url);
  vi.stubEnv('PLACET_API_KEY', s.apiKey);
  vi.stubEnv('PLACET_CHANNEL_ID', s.channelId);
  const human = attachFakeHuman(s.placet, { user: s.human });
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    human.stop();
    log.mockRestore();
    vi.unstubAllEnvs();
  }
  return logged;
}

describe('docs', () => {
  it('docs/guides/typed-client.md: every block, as one program', async () => {
    expect(tsBlocks(GUIDE).length).toBeGreaterThanOrEqual(5);
    const logged = await run('guide');
    expect(logged).toEqual([
      'the human chose deploy',
      '1 replicas in eu',
      `receipt: deploy by ${s.ownerId}`,
      '3 errors',
      '404 NOT_FOUND',
    ]);
  });

  it('README.md: the example', async () => {
    // Only the server of this test is ever reached.
    expect(tsBlocks(README)[0]).toContain('url: process.env.PLACET_URL!');
    expect(await run('readme')).toEqual(['deployed']);
  });
});
