#!/usr/bin/env node
import type { Server } from 'node:http';
import { createHostApp, DASHBOARD_BASE, PLACET_BASE } from './app.js';

const HOST = '127.0.0.1';
const PORT = 3002;

const host = await createHostApp();
const server: Server = host.app.listen(PORT, HOST);
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve);
  server.once('error', reject);
});
const realtime = host.attachRealtime(server);
const url = `http://${HOST}:${PORT}`;
console.log(`Host app on ${url}  (Placet API: ${url}${PLACET_BASE}, dashboard: ${url}${DASHBOARD_BASE}/)`);
console.log(
  `Sign in:        curl -c jar -H 'Content-Type: application/json' -d '{"username":"alice"}' ${url}/login`,
);
console.log(`An agent key:   curl -b jar -X POST -H 'X-Requested-With: curl' ${url}/agent-keys`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  // Stop accepting, answer open long-polls `timeout` (agents poll again), let requests finish, stop Placet.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  host.placet.reviews.releaseWaiters();
  await realtime.close();
  await closed;
  await host.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
