export { postgresDialect } from './postgres-dialect.js';
export {
  createPool,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  type PostgresStoreOptions,
  postgresStore,
} from './postgres-store.js';
export { type PostgresTransportOptions, postgresTransport } from './postgres-transport.js';
export { isPostgresUnavailable } from './unavailable.js';
