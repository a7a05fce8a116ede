import { UniqueViolation } from '@placet/core/adapter';
import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import type { SqlDialect } from '../codec.js';
import type { Mappers } from '../mappers.js';
import type { PlacetDatabase } from '../schema.js';
import type { InsertCache } from './compiled-insert.js';

/** What every repository needs: the executor (the pool or a transaction), the dialect and the mappers. */
export interface RepoContext {
  db: Kysely<PlacetDatabase>;
  d: SqlDialect;
  m: Mappers;
  /** The store's compiled inserts (`insertRow`). */
  inserts: InsertCache;
}

/** Runs a write, turning the driver's unique-violation error into core's `UniqueViolation`. */
export async function guarded<T>(ctx: RepoContext, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const constraint = ctx.d.uniqueConstraint(error);
    if (constraint) throw new UniqueViolation(constraint, error);
    throw error;
  }
}

/** Escapes `%`, `_` and `\` so that a search term matches literally inside LIKE (with `escape '\'`). */
export function likeLiteral(term: string): string {
  return term.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * `value` contains `term`, ignoring case: `lower(value) like lower('%term%') escape '\'`, the term's `%`,
 * `_` and `\` literal. Both sides are folded by the same `lower()`, so a term matches its own text on
 * every dialect (SQLite's `lower()` folds ASCII letters only, Postgres' every letter). Null matches nothing.
 */
export function textContains(value: Expression<string | null>, term: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${value}) like lower(${`%${likeLiteral(term)}%`}) escape '\\'`;
}
