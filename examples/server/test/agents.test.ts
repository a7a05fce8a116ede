import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandFor, describeRun, type Run, runUnderTimeout } from './external-tools.js';
import { signIn, startScriptedHuman } from './scripted-human.js';
import { assertBuilt, REPO_ROOT, type RunningServer, startServer } from './server-process.js';

/**
 * The example agents of `examples/agents/` (what its README tells a user to run) against the built
 * server, with a scripted human answering their reviews.
 */

const AGENTS_DIR = fileURLToPath(new URL('../../agents/', import.meta.url));
const CONFIG = ['PLACET_URL', 'PLACET_API_KEY', 'API_KEY', 'PLACET_CHANNEL_ID'];

interface Agent {
  file: string;
  kind: 'bash' | 'python' | 'node' | 'tsx';
  review: string;
  completed: RegExp;
  /** What it prints when the server refuses the key. */
  refused?: RegExp;
}

const AGENTS: Agent[] = [
  { file: 'curl-agent.sh', kind: 'bash', review: 'approval', completed: /^Answer: yes$/m },
  {
    file: 'python-agent.py',
    kind: 'python',
    review: 'form',
    completed: /^Deploy to staging with 1 instances$/m,
  },
  { file: 'node-agent.mjs', kind: 'node', review: 'selection', completed: /^Selected: \[ 'migrate-up' \]$/m },
  {
    file: 'client-agent.ts',
    kind: 'tsx',
    review: 'form',
    completed: /^Rolling out v3\.0 on stable to eu with a 1% canary\.$/m,
    refused: /Invalid API key \(HTTP 401, /,
  },
  {
    file: 'elicitation-agent.ts',
    kind: 'tsx',
    review: 'form',
    completed: /^Deployed #4512 to staging with 1 replicas, team notified\.$/m,
    refused: /Invalid API key/,
  },
];

describe('examples/agents', () => {
  const email = 'owner@example.com';
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const key = `hp_${randomBytes(24).toString('hex')}`;
  let dataDir: string;
  let server: RunningServer | undefined;
  let cookie: string;

  beforeAll(async () => {
    assertBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'placet-agents-data-'));
    server = await startServer({
      dataDir,
      env: { INITIAL_USER_EMAIL: email, INITIAL_USER_PASSWORD: password, PLACET_API_KEY: key },
    });
    cookie = await signIn(server.url, email, password);
  });

  afterAll(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(path: string, init: { method?: string; body?: unknown } = {}) {
    const res = await fetch(`${server!.url}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: { 'x-api-key': key, 'Content-Type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.ok, `${path}: ${res.status}`).toBe(true);
    return (await res.json()) as Record<string, unknown>;
  }

  for (const agent of AGENTS) {
    const file = join(AGENTS_DIR, agent.file);

    it(`${agent.file} exits 2 naming each missing variable (API_KEY counts as the key)`, async (ctx) => {
      const [cmd, args] = commandFor(ctx, agent.kind, file);
      const none = await runUnderTimeout(cmd, args, {}, CONFIG);
      expect(none.code, describeRun(none)).toBe(2);
      for (const name of ['PLACET_URL', 'PLACET_API_KEY', 'PLACET_CHANNEL_ID']) {
        expect(none.stderr).toContain(name);
      }
      const keyOnly = await runUnderTimeout(cmd, args, { API_KEY: key }, CONFIG);
      expect(keyOnly.code, describeRun(keyOnly)).toBe(2);
      expect(keyOnly.stderr).toContain('PLACET_URL');
      expect(keyOnly.stderr).not.toContain('PLACET_API_KEY');
      expect(`${none.stderr}${keyOnly.stderr}`).not.toContain(key);
    });

    it(`${agent.file} exits 1 with the server's answer when the key is wrong`, async (ctx) => {
      const [cmd, args] = commandFor(ctx, agent.kind, file);
      const run = await runUnderTimeout(
        cmd,
        args,
        { PLACET_URL: server!.url, PLACET_API_KEY: `hp_${'0'.repeat(48)}`, PLACET_CHANNEL_ID: 'nope' },
        CONFIG,
      );
      expect(run.code, describeRun(run)).toBe(1);
      expect(run.stderr).toMatch(agent.refused ?? /answered 401: Invalid API key/);
    });

    it(`${agent.file} reaches its completed branch`, {
      timeout: 90_000,
    }, async (ctx) => {
      const [cmd, args] = commandFor(ctx, agent.kind, file);
      const channel = (await api('/agents', { method: 'POST', body: { name: agent.file } })).id as string;
      const human = startScriptedHuman({ url: server!.url, cookie, channelId: channel });
      let run: Run;
      try {
        // The curl agent gets the key as API_KEY, the others as PLACET_API_KEY: both are accepted.
        const keyVariable = agent.kind === 'bash' ? 'API_KEY' : 'PLACET_API_KEY';
        run = await runUnderTimeout(
          cmd,
          args,
          { PLACET_URL: `${server!.url}/`, [keyVariable]: key, PLACET_CHANNEL_ID: channel },
          CONFIG,
        );
      } finally {
        await human.stop();
      }
      expect(human.errors, describeRun(run)).toEqual([]);
      expect(run.code, describeRun(run)).toBe(0);
      expect(run.stdout).toMatch(agent.completed);
      expect(human.answered.map((a) => a.type)).toEqual([agent.review]);

      if (agent.kind === 'node') {
        // The streamed reply is stored complete, and the status ping left the agent active.
        const page = (await api(`/messages?channel=${channel}`)) as { data: Record<string, unknown>[] };
        const reply = page.data.find((m) => m.streamId !== null && m.streamId !== undefined);
        expect(reply).toMatchObject({
          streamState: 'complete',
          text: expect.stringMatching(/^Understood: running migrate-up now\./),
        });
        expect(await api(`/agents/${channel}`)).toMatchObject({
          status: 'active',
          statusMessage: 'Chose migrate-up',
        });
      }
    });
  }

  it('mcp.json starts the MCP server over stdio as configured (npx @placet/mcp); its tools reach the server', {
    timeout: 60_000,
  }, async () => {
    const config = JSON.parse(readFileSync(join(AGENTS_DIR, 'mcp.json'), 'utf8')).mcpServers.placet as {
      command: string;
      args: string[];
      env: Record<string, string>;
    };
    expect(Object.keys(config.env).sort()).toEqual([
      'PLACET_API_KEY',
      'PLACET_API_URL',
      'PLACET_DEFAULT_CHANNEL',
    ]);
    const channel = (await api('/agents', { method: 'POST', body: { name: 'mcp-agent' } })).id as string;
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const client = new Client({ name: 'examples-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: config.command,
        args: config.args,
        // The configuration's variables, with this server's values: npx finds @placet/mcp in the workspace.
        env: {
          ...inherited,
          PLACET_API_URL: server!.url,
          PLACET_API_KEY: key,
          PLACET_DEFAULT_CHANNEL: channel,
        },
        cwd: REPO_ROOT,
        stderr: 'pipe',
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(
        expect.arrayContaining(['ask_human', 'send_review_message']),
      );
      const sent = await client.callTool({ name: 'send_message', arguments: { text: 'Hello from MCP' } });
      expect(sent.isError).toBeFalsy();
      const page = (await api(`/messages?channel=${channel}`)) as { data: Record<string, unknown>[] };
      expect(page.data.map((m) => m.text)).toEqual(['Hello from MCP']);
    } finally {
      await client.close();
    }
  });

  it('the README names every agent file', () => {
    const readme = readFileSync(join(REPO_ROOT, 'examples/agents/README.md'), 'utf8');
    for (const file of [...AGENTS.map((agent) => agent.file), 'mcp.json']) expect(readme).toContain(file);
  });
});
