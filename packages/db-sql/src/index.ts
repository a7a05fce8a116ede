export { readBool, readInt, type SqlDialect } from './codec.js';
export { constraintOfColumns, constraintOfIndex } from './constraint-names.js';
export { migrateToLatest, UNIQUE_INDEXES } from './migrations.js';
export type { PlacetDatabase } from './schema.js';
export { createSqlStore, type SqlInspector, type SqlStore, type SqlStoreOptions } from './sql-store.js';
