import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@placet/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type PlacetServer } from './app.js';
import { loadConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'placet-jwks-'));
let server: PlacetServer | undefined;

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /.well-known/placet-jwks.json', () => {
  it('serves the receipt-verifying public keys, the same as /api/v1/receipts/jwks.json', async () => {
    server = createServer(
      loadConfig({ PLACET_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' }),
      silentLogger(),
      () => {},
    );
    const url = await server.listen();
    const wellKnown = await fetch(`${url}/.well-known/placet-jwks.json`);
    expect(wellKnown.status).toBe(200);
    expect(wellKnown.headers.get('cache-control')).toBe('public, max-age=60');
    const body = (await wellKnown.json()) as { keys: Record<string, unknown>[] };
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(body.keys[0]).not.toHaveProperty('d');
    const api = await fetch(`${url}/api/v1/receipts/jwks.json`);
    expect(await api.json()).toEqual(body);
  });
});
