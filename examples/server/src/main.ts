#!/usr/bin/env node
import { createServer } from './app.js';
import { helpText, loadConfig } from './config.js';
import { createPino, toPlacetLogger } from './logger.js';

// Everything this process creates is its owner's only: the data directory, the SQLite database with its
// -wal and -shm files (webhook secrets, Basic passwords, password and key hashes), uploads, session.key.
process.umask(0o077);

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(helpText());
  process.exit(0);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const log = createPino(config.logLevel, config.logFormat);
for (const name of config.ignored)
  log.warn({ variable: name }, 'ignored: this setting of the original Placet does not apply here');

const server = createServer(config, toPlacetLogger(log), (line) => log.info(line), { accessLog: log });
let stopping = false;

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  // Readiness answers 503 from now on; with SHUTDOWN_DELAY, keep serving meanwhile so that a load
  // balancer takes this process out of rotation before it stops accepting connections.
  server.drain();
  if (config.shutdownDelayMs > 0) {
    log.info(
      { signal, delayMs: config.shutdownDelayMs },
      'draining: /ready answers 503; closing after the delay',
    );
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
  }
  log.info({ signal }, 'shutting down: finishing in-flight requests');
  const force = setTimeout(() => {
    log.error('shutdown took longer than 15 s; exiting');
    process.exit(1);
  }, 15_000);
  force.unref();
  try {
    await server.close();
    log.info('stopped');
    process.exit(0);
  } catch (error) {
    log.error({ error: String(error) }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
if (config.testHooks) {
  process.on('SIGUSR2', () =>
    log.warn({ closed: server.dropSockets() }, 'test hook: closed every WebSocket'),
  );
}

server
  .listen()
  .then((url) => {
    const where = config.database.kind === 'postgres' ? 'Postgres' : `SQLite ${config.database.filename}`;
    log.info(
      { url, database: where },
      `Placet is listening on ${url}  (API: ${url}/api/v1, health: ${url}/health)`,
    );
  })
  .catch((error: unknown) => {
    log.error({ error: error instanceof Error ? error.message : String(error) }, 'could not start');
    process.exit(1);
  });
