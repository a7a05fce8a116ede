import { CompiledQuery, type Insertable, type Selectable } from 'kysely';
import type { PlacetDatabase } from '../schema.js';
import type { RepoContext } from './context.js';

type Table = keyof PlacetDatabase & string;

/** How many distinct inserts keep their SQL (a table has a handful of column lists; this is a bound). */
const CACHE_SIZE = 256;

/**
 * One store's compiled inserts: SQL by (table, columns, returning); `null` when kysely does not pass every
 * value as a parameter. Per store, since its Kysely instance (its plugins, its dialect) makes the SQL.
 */
export type InsertCache = Map<string, string | null>;

/**
 * Inserts one row with SQL compiled once per column list. Kysely builds and compiles a query tree on
 * every call — the largest share of Placet's own CPU in a create on SQLite after the statements
 * themselves — while a row with the same columns changes only the parameters. The first insert of a
 * column list is compiled by kysely as usual; its SQL is kept only if kysely passed every value, in
 * column order, as a parameter (so the parameters of a later row are its values in that order).
 */
export async function insertRow<T extends Table>(
  { db, inserts: compiled }: RepoContext,
  table: T,
  row: Insertable<PlacetDatabase[T]>,
  options: { returning?: boolean } = {},
): Promise<Selectable<PlacetDatabase[T]>[]> {
  const entries = Object.entries(row).filter(([, value]) => value !== undefined);
  const parameters = entries.map(([, value]) => value as unknown);
  const key = `${table}\0${options.returning ? 'returning ' : ''}${entries.map(([name]) => name).join(',')}`;
  const sql = compiled.get(key);
  if (typeof sql === 'string') {
    const result = await db.executeQuery<Selectable<PlacetDatabase[T]>>(CompiledQuery.raw(sql, parameters));
    return result.rows;
  }
  const insert = db.insertInto(table).values(row as never);
  const query = options.returning ? insert.returningAll().compile() : insert.compile();
  if (sql === undefined) {
    const exact =
      query.parameters.length === parameters.length &&
      query.parameters.every((value, index) => value === parameters[index]);
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, exact ? query.sql : null);
  }
  const result = await db.executeQuery<Selectable<PlacetDatabase[T]>>(query);
  return result.rows;
}
