export { sqliteDialect } from './sqlite-dialect.js';
export { type SqliteStoreOptions, sqliteStore } from './sqlite-store.js';
