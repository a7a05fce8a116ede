// The server process the crash suite SIGKILLs: the real `/api/v1` router over a real store (a SQLite
// file, or a Postgres schema) and files on disk, on 127.0.0.1:0. Run with
// `node --import tsx --conditions=@placet/source src/server-child.ts` and these variables:
//   RELIABILITY_STORE     sqlite | postgres
//   RELIABILITY_DATABASE  the SQLite filename, or the Postgres connection string
//   RELIABILITY_FILES     the directory of uploaded files
//   RELIABILITY_API_KEY   an hp_ key registered for the owner on the first start
// It prints one line, `ready <origin> <channelId>`, once it listens. A second start on the same database
// finds the owner, the key and the channel it made the first time.
import type { AddressInfo } from 'node:net';
import { type AgentPrincipal, consoleLogger, createPlacet, type Store } from '@placet/core';
import { hashApiKey } from '@placet/core/adapter';
import { postgresStore } from '@placet/db-postgres';
import { sqliteStore } from '@placet/db-sqlite';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { fsFileStore } from '@placet/storage-fs';
import express from 'express';

const { RELIABILITY_STORE, RELIABILITY_DATABASE, RELIABILITY_FILES, RELIABILITY_API_KEY } = process.env;
if (!RELIABILITY_DATABASE || !RELIABILITY_FILES || !RELIABILITY_API_KEY) {
  process.stderr.write('server-child: RELIABILITY_DATABASE, RELIABILITY_FILES and RELIABILITY_API_KEY\n');
  process.exit(2);
}
// The parent went away without killing us: do not linger.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

const store: Store =
  RELIABILITY_STORE === 'postgres'
    ? postgresStore({ connectionString: RELIABILITY_DATABASE, max: 10 })
    : sqliteStore({ filename: RELIABILITY_DATABASE });
const placet = createPlacet({
  plugins: [approval()],
  store,
  files: fsFileStore({ dir: RELIABILITY_FILES }),
  logger: consoleLogger({ level: 'warn' }),
});
await placet.start();

const existing = await store.apiKeys.findByHash(hashApiKey(RELIABILITY_API_KEY));
if (!existing) {
  const owner = await placet.users.create({
    email: 'crash-owner@reliability.test',
    displayName: 'Crash owner',
    role: 'owner',
  });
  await placet.apiKeys.create(owner.id, { label: 'load', key: RELIABILITY_API_KEY });
}
const agent = (await placet.authenticate({ apiKey: RELIABILITY_API_KEY })) as AgentPrincipal;
const channel =
  (await placet.channels.list(agent)).find((c) => c.name === 'crash-load') ??
  (await placet.channels.create(agent, { name: 'crash-load' }));

const app = express();
app.use('/api/v1', placetRouter(placet, { rateLimit: false }));
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`ready http://127.0.0.1:${port} ${channel.id}\n`);
});
server.keepAliveTimeout = 65_000;
