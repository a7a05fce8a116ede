import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { refuseNulParameters } from './nul-guard.js';

/** At most this many statement texts get a name (each is prepared once per connection, and kept). */
const MAX_NAMED = 256;

/**
 * The pool as kysely sees it:
 * - every query's string parameters are checked for NUL before they are sent (Postgres cannot store
 *   U+0000: refused as the client's error, a 400, instead of a driver error, a 500);
 * - with `preparedStatements`, a plain SELECT/INSERT/UPDATE/DELETE runs as a named statement (its name
 *   from a hash of its text), which node-postgres parses once per connection: Postgres then skips parsing
 *   and planning it again on every call (+15–25 % creates per second in the bench). Only the first
 *   {@link MAX_NAMED} texts get a name, so that statements with a varying number of parameters cannot
 *   grow a connection's prepared statements without bound. Off for a connection pooler in transaction
 *   mode that cannot keep prepared statements (PgBouncer before 1.21); when one answers that a statement
 *   does not exist or exists already, naming turns itself off for the pool (that query fails once).
 *   A statement whose result columns changed under it (a migration while this process ran, which the
 *   upgrade guide rules out) fails once, then is prepared again under a new name.
 */
export function kyselyPool(pool: PostgresPool, options: { preparedStatements: boolean }): PostgresPool {
  const names = new Map<string, string>();
  let naming = options.preparedStatements;
  let renamed = 0;
  const failed = (text: string, name: string) => (error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === '26000' || code === '42P05') naming = false;
    else if (code === '0A000') names.set(text, `${name}_${++renamed}`);
    throw error;
  };
  const nameOf = (text: string): string | undefined => {
    const known = names.get(text);
    if (known !== undefined || names.size >= MAX_NAMED) return known;
    if (!/^\s*(select|insert|update|delete|with)\b/i.test(text)) return undefined;
    const name = `placet_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
    return name;
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      return new Proxy(client, {
        get(target, property) {
          if (property === 'query') {
            return (...args: unknown[]) => {
              const [text, values] = args;
              if (Array.isArray(values)) refuseNulParameters(values);
              const name = naming && typeof text === 'string' ? nameOf(text) : undefined;
              if (!name) return query(...args);
              return (query({ name, text, values }) as Promise<unknown>).catch(failed(text as string, name));
            };
          }
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
    end: () => pool.end(),
  };
}
