import { type LogFields, type Logger, memoryStore } from '@placet/core';
import { outageStore } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: LogFields }[] } {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the database is unreachable', () => {
  it('API calls answer 503 SERVICE_UNAVAILABLE with Retry-After (never 500, never 401), logged once', async () => {
    const logger = recordingLogger();
    const outage = outageStore(memoryStore());
    server = await startServer({ store: outage.store, placet: { logger } });
    const s = server;
    const before = logger.lines.length;
    outage.down();

    const answers = [
      await call(`${s.url}/api/v1/agents`, { headers: s.agent }),
      // A human: the host's authenticateUser reads the store too — an outage, not a bad credential.
      await call(`${s.url}/api/v1/agents`, { headers: s.human }),
      await call(`${s.url}/api/v1/messages`, {
        method: 'POST',
        headers: s.agent,
        body: { channelId: s.channelId, text: 'hello' },
      }),
      await call(`${s.url}/api/v1/reviews/pending`, { headers: s.agent }),
    ];
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'SERVICE_UNAVAILABLE',
        message: 'The database is unavailable; retry later',
      });
    }
    // One line for the outage; no "request failed" (with a stack) per request.
    expect(
      logger.lines
        .slice(before)
        .filter((l) => l.level !== 'debug')
        .map((l) => l.message),
    ).toEqual(['store unavailable: requests answer 503 until it is back']);

    outage.up();
    expect((await call(`${s.url}/api/v1/agents`, { headers: s.agent })).status).toBe(200);
  });

  it('a malformed key is still 401 while the database is away (checked before any read)', async () => {
    const outage = outageStore(memoryStore());
    server = await startServer({ store: outage.store });
    outage.down();
    const answer = await call(`${server.url}/api/v1/agents`, { headers: { 'x-api-key': 'not-a-key' } });
    expect(answer.status).toBe(401);
  });
});
