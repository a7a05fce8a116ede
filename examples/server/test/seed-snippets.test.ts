import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandFor, describeRun, type Run, runUnderTimeout } from './external-tools.js';
import { signIn, startScriptedHuman } from './scripted-human.js';
import { assertBuilt, REPO_ROOT, type RunningServer, startServer } from './server-process.js';

/**
 * The curl, Python and TypeScript snippets of the REST API guide (the user's seed document), run as
 * written against the built server while a scripted human answers in the "dashboard". The snippets are
 * verbatim copies under `snippets/` (a user's clone has no `../shared`); where the document is present
 * (CI), the copies are checked against it so they cannot drift. At run time only the placeholders are
 * replaced: the base URL, the API key and the channel id.
 */

const SNIPPETS_DIR = fileURLToPath(new URL('./snippets/', import.meta.url));
const SEED_DOC = join(REPO_ROOT, '..', 'shared', 'seed', 'rest-api.md');

/** The placeholders of the guide; nothing else in a snippet is changed. */
const URL_PLACEHOLDER = 'http://localhost:3001';
const KEY_PLACEHOLDER = 'hp_your-api-key';
const CHANNEL_PLACEHOLDER = 'your-agent-id';

interface Snippet {
  name: string;
  file: string;
  kind: 'bash' | 'python' | 'node';
  /** Where the block sits in the guide: the heading above it and the fence's language. */
  heading: string;
  fence: string;
  /** How often each placeholder occurs: a changed snippet fails here rather than running half-substituted. */
  placeholders: Record<string, number>;
  /** What the completed branch prints. */
  completed: RegExp;
}

const SNIPPETS: Snippet[] = [
  {
    name: 'curl',
    file: 'long-poll.sh',
    kind: 'bash',
    heading: '### Usage',
    fence: 'bash',
    // $PLACET_URL and $API_KEY are shell variables: they come from the environment.
    placeholders: { [URL_PLACEHOLDER]: 0, [KEY_PLACEHOLDER]: 0, [CHANNEL_PLACEHOLDER]: 2 },
    completed: /^Response: \{\s*"selectedOption": "yes"\s*\}$/m,
  },
  {
    name: 'Python',
    file: 'python-example.py',
    kind: 'python',
    heading: '## Python Example',
    fence: 'python',
    placeholders: { [URL_PLACEHOLDER]: 1, [KEY_PLACEHOLDER]: 1, [CHANNEL_PLACEHOLDER]: 1 },
    completed: /^Deploy to staging with 1 instances$/m,
  },
  {
    name: 'TypeScript',
    file: 'typescript-example.mjs',
    kind: 'node',
    heading: '## TypeScript Example',
    fence: 'typescript',
    placeholders: { [URL_PLACEHOLDER]: 1, [KEY_PLACEHOLDER]: 1, [CHANNEL_PLACEHOLDER]: 1 },
    completed: /^Selected: \[ 'migrate-up' \]$/m,
  },
];

/** The first fenced block of language `fence` after the line `heading` (before the next heading). */
function codeBlock(markdown: string, heading: string, fence: string): string {
  const lines = markdown.split('\n');
  let i = lines.findIndex((line) => line.trim() === heading);
  if (i < 0) throw new Error(`the guide has no heading "${heading}"`);
  for (i++; i < lines.length && !lines[i]!.startsWith(`\`\`\`${fence}`); i++) {
    if (/^#{1,6} /.test(lines[i]!)) throw new Error(`no \`\`\`${fence} block under "${heading}"`);
  }
  const end = lines.indexOf('```', i + 1);
  if (i >= lines.length || end < 0) throw new Error(`no closed \`\`\`${fence} block under "${heading}"`);
  return `${lines.slice(i + 1, end).join('\n')}\n`;
}

const occurrences = (text: string, literal: string) => text.split(literal).length - 1;

function substitute(source: string, snippet: Snippet, values: { url: string; key: string; channel: string }) {
  for (const [literal, count] of Object.entries(snippet.placeholders)) {
    expect(occurrences(source, literal), `"${literal}" in snippets/${snippet.file}`).toBe(count);
  }
  return source
    .replaceAll(URL_PLACEHOLDER, values.url)
    .replaceAll(KEY_PLACEHOLDER, values.key)
    .replaceAll(CHANNEL_PLACEHOLDER, values.channel);
}

describe('the snippets of the REST API guide', () => {
  describe.skipIf(!existsSync(SEED_DOC))('are verbatim copies of ../shared/seed/rest-api.md', () => {
    for (const snippet of SNIPPETS) {
      it(`snippets/${snippet.file} equals the ${snippet.name} block under "${snippet.heading}"`, () => {
        const doc = readFileSync(SEED_DOC, 'utf8');
        const fixture = readFileSync(join(SNIPPETS_DIR, snippet.file), 'utf8');
        // The TypeScript block is plain JavaScript (no type syntax), so it runs as .mjs unchanged.
        expect(fixture).toBe(codeBlock(doc, snippet.heading, snippet.fence));
      });
    }
  });

  describe('run against the built server while a human answers', () => {
    const email = 'owner@example.com';
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const key = `hp_${randomBytes(24).toString('hex')}`;
    let dataDir: string;
    let workDir: string;
    let server: RunningServer | undefined;
    let cookie: string;

    beforeAll(async () => {
      assertBuilt();
      dataDir = mkdtempSync(join(tmpdir(), 'placet-seed-data-'));
      workDir = mkdtempSync(join(tmpdir(), 'placet-seed-snippets-'));
      server = await startServer({
        dataDir,
        env: { INITIAL_USER_EMAIL: email, INITIAL_USER_PASSWORD: password, PLACET_API_KEY: key },
      });
      expect(new URL(server.url).hostname).toBe('127.0.0.1');
      cookie = await signIn(server.url, email, password);
    });

    afterAll(async () => {
      await server?.stop();
      for (const dir of [dataDir, workDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function createChannel(name: string): Promise<string> {
      const res = await fetch(`${server!.url}/api/v1/agents`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    }

    for (const snippet of SNIPPETS) {
      it(`the ${snippet.name} snippet reaches its completed branch`, { timeout: 90_000 }, async (ctx) => {
        const channel = await createChannel(`seed-${snippet.name.toLowerCase()}`);
        const source = readFileSync(join(SNIPPETS_DIR, snippet.file), 'utf8');
        const file = join(workDir, snippet.file);
        writeFileSync(file, substitute(source, snippet, { url: server!.url, key, channel }));
        const [cmd, args] = commandFor(ctx, snippet.kind, file);

        const human = startScriptedHuman({ url: server!.url, cookie, channelId: channel });
        let run: Run;
        try {
          // The curl snippet reads $PLACET_URL and $API_KEY; the others have them substituted.
          run = await runUnderTimeout(cmd, args, { PLACET_URL: server!.url, API_KEY: key });
        } finally {
          await human.stop();
        }
        const report = describeRun(run);
        expect(human.errors, report).toEqual([]);
        expect(run.code, report).toBe(0);
        expect(human.answered.map((a) => a.type)).toEqual([
          { curl: 'approval', Python: 'form', TypeScript: 'selection' }[snippet.name],
        ]);
        expect(run.stdout, report).toMatch(snippet.completed);
        expect(run.stdout).not.toMatch(/expired/i);
      });
    }
  });
});
