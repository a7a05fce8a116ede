export { postgresDialect } from './postgres-dialect.js';
export { createPool, type PostgresStoreOptions, postgresStore } from './postgres-store.js';
export { type PostgresTransportOptions, postgresTransport } from './postgres-transport.js';
