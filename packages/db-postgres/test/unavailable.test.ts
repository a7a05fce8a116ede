import { createServer, type Server } from 'node:net';
import { isServiceUnavailable } from '@placet/core/adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { isPostgresUnavailable, postgresStore, postgresTransport } from '../src/index.js';

/** A loopback port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('isPostgresUnavailable', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }],
    [{ code: 'ETIMEDOUT' }],
    [{ code: 'ECONNRESET' }],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '57P03', message: 'the database system is shutting down' }],
    [{ code: '08006' }],
    [{ code: '53300', message: 'sorry, too many clients already' }],
    [new Error('Connection terminated unexpectedly')],
    [new Error('timeout exceeded when trying to connect')],
    [Object.assign(new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'ECONNREFUSED' }]), {})],
  ])('unreachable: %o', (error) => {
    expect(isPostgresUnavailable(error)).toBe(true);
  });

  it.each([
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }],
    [{ code: '40001' }],
    [{ code: '42P01', message: 'relation does not exist' }],
    [{ code: '28P01', message: 'password authentication failed' }],
    [new Error('boom')],
    [null],
    ['ECONNREFUSED'],
  ])('a failure, not an outage: %o', (error) => {
    expect(isPostgresUnavailable(error)).toBe(false);
  });
});

describe('a Postgres that cannot be reached', () => {
  it('store calls, transactions and ping reject with SERVICE_UNAVAILABLE (the driver error as cause)', async () => {
    const port = await closedPort();
    const store = postgresStore({ connectionString: `postgres://placet:x@127.0.0.1:${port}/placet` });
    closers.push(() => store.close());
    for (const attempt of [
      () => store.users.list(),
      () => store.apiKeys.findByHash('x'),
      () => store.events.lastSeq(),
      () => store.users.delete('x'),
      () => store.transaction((tx) => tx.users.list()),
      () => store.ping!(),
    ]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isServiceUnavailable(error), String(error)).toBe(true);
      expect(String((error as { cause?: unknown }).cause)).toMatch(/ECONNREFUSED/);
    }
    expect(store.poolStats!()).toMatchObject({ max: 10, waiting: 0 });
  });

  it('the transport reports itself not connected, and keeps retrying quietly in the background', async () => {
    const port = await closedPort();
    const errors: Error[] = [];
    const transport = postgresTransport({
      connectionString: `postgres://placet:x@127.0.0.1:${port}/placet`,
      onError: (e) => errors.push(e),
    });
    closers.push(() => transport.close());
    await transport.start?.();
    expect(transport.connected?.()).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every(isPostgresUnavailable)).toBe(true);
  });
});
