import {
  type AuditEntryRecord,
  autocommitRepositories,
  type EventRecord,
  type Repositories,
  type Store,
  type StoreCapabilities,
  type StorePoolStats,
  type StoreTable,
  serviceUnavailable,
} from '@placet/core/adapter';
import { type Kysely, sql } from 'kysely';
import type { SqlDialect } from './codec.js';
import { type Mappers, mappers } from './mappers.js';
import { migrateToLatest } from './migrations.js';
import { attachmentRepository, statusStepRepository } from './repositories/attachments.js';
import { auditRepository } from './repositories/audit.js';
import {
  channelReadRepository,
  channelRepository,
  statusHistoryRepository,
} from './repositories/channels.js';
import type { InsertCache } from './repositories/compiled-insert.js';
import type { RepoContext } from './repositories/context.js';
import { deliveryRepository } from './repositories/deliveries.js';
import { eventRepository } from './repositories/events.js';
import { groupRepository } from './repositories/groups.js';
import { messageRepository } from './repositories/messages.js';
import { reviewAssigneeRepository } from './repositories/review-assignees.js';
import { reviewReadRepository } from './repositories/review-reads.js';
import { reviewVoteRepository } from './repositories/review-votes.js';
import { reviewRepository } from './repositories/reviews.js';
import { keyValueRepository, sessionRepository } from './repositories/sessions.js';
import { apiKeyRepository, userRepository } from './repositories/users.js';
import type { PlacetDatabase } from './schema.js';

const TABLES = {
  users: 'placet_users',
  api_keys: 'placet_api_keys',
  channels: 'placet_channels',
  messages: 'placet_messages',
  reviews: 'placet_reviews',
  attachments: 'placet_attachments',
  status_steps: 'placet_status_steps',
  status_history: 'placet_status_history',
  review_reads: 'placet_review_reads',
  events: 'placet_events',
  sessions: 'placet_sessions',
  kv: 'placet_kv',
  review_votes: 'placet_review_votes',
  review_assignees: 'placet_review_assignees',
  audit_entries: 'placet_audit_entries',
  audit_heads: 'placet_audit_heads',
  groups: 'placet_groups',
  group_members: 'placet_group_members',
} as const satisfies Record<StoreTable, string>;

const TRANSIENT_RETRIES = 5;

/** The conformance suite's independent read path: plain selects, no repository code. */
export interface SqlInspector {
  user(id: string): Promise<ReturnType<Mappers['user']['fromRow']> | undefined>;
  apiKey(id: string): Promise<ReturnType<Mappers['apiKey']['fromRow']> | undefined>;
  channel(id: string): Promise<ReturnType<Mappers['channel']['fromRow']> | undefined>;
  message(id: string): Promise<ReturnType<Mappers['message']['fromRow']> | undefined>;
  review(messageId: string): Promise<ReturnType<Mappers['review']['fromRow']> | undefined>;
  attachment(id: string): Promise<ReturnType<Mappers['attachment']['fromRow']> | undefined>;
  events(): Promise<EventRecord[]>;
  auditEntries(ownerId: string): Promise<AuditEntryRecord[]>;
  count(table: keyof typeof TABLES): Promise<number>;
}

export interface SqlStore extends Store {
  /** The kysely instance (for host queries, diagnostics and tests). */
  readonly db: Kysely<PlacetDatabase>;
  readonly dialect: SqlDialect;
  inspect(): SqlInspector;
}

export interface SqlStoreOptions {
  db: Kysely<PlacetDatabase>;
  dialect: SqlDialect;
  capabilities: StoreCapabilities;
  /** Releases what the adapter opened (never a host-owned pool or database). */
  close: () => Promise<void>;
  /** The connection pool's use (Postgres), for `Store.poolStats()`. */
  poolStats?: () => StorePoolStats;
}

type Method = (...args: unknown[]) => Promise<unknown>;

function repositories(ctx: RepoContext): Repositories {
  return {
    users: userRepository(ctx),
    sessions: sessionRepository(ctx),
    apiKeys: apiKeyRepository(ctx),
    channels: channelRepository(ctx),
    messages: messageRepository(ctx),
    reviews: reviewRepository(ctx),
    reviewVotes: reviewVoteRepository(ctx),
    reviewAssignees: reviewAssigneeRepository(ctx),
    groups: groupRepository(ctx),
    attachments: attachmentRepository(ctx),
    statusSteps: statusStepRepository(ctx),
    statusHistory: statusHistoryRepository(ctx),
    channelReads: channelReadRepository(ctx),
    reviewReads: reviewReadRepository(ctx),
    deliveries: deliveryRepository(ctx),
    events: eventRepository(ctx),
    kv: keyValueRepository(ctx),
    audit: auditRepository(ctx),
  };
}

/**
 * The Store port on kysely, written once for SQLite and Postgres; `sqliteStore()` and `postgresStore()`
 * wire the drivers and the dialect.
 */
export function createSqlStore(options: SqlStoreOptions): SqlStore {
  const { db, dialect } = options;
  const m = mappers(dialect);
  const inserts: InsertCache = new Map();
  let closed = false;

  /** A driver error that means "the database cannot be reached" becomes SERVICE_UNAVAILABLE (503). */
  const classify = (error: unknown): unknown =>
    dialect.isUnavailable?.(error) ? serviceUnavailable(undefined, { cause: error }) : error;
  const mapped = <T>(promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      throw classify(error);
    });
  // Reads outside a transaction go straight to the pool: their driver errors are classified here;
  // everything inside a transaction is classified once, by `transaction`.
  const direct = Object.fromEntries(
    Object.entries(repositories({ db, d: dialect, m, inserts })).map(([name, repo]) => [
      name,
      Object.fromEntries(
        Object.entries(repo as Record<string, Method>).map(([method, fn]) => [
          method,
          (...args: unknown[]) => mapped(fn(...args)),
        ]),
      ),
    ]),
  ) as unknown as Repositories;

  async function transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute((trx) => fn(repositories({ db: trx, d: dialect, m, inserts })));
      } catch (error) {
        if (attempt < TRANSIENT_RETRIES && dialect.isTransient(error)) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
          continue;
        }
        throw classify(error);
      }
    }
  }

  // Outside a transaction, reads go straight to the pool; each write is a transaction of its own.
  const autocommit = autocommitRepositories(direct, transaction);

  // biome-ignore lint/suspicious/noExplicitAny: the inspector reads any table by name and hands rows to the mappers.
  const one = async (table: keyof typeof TABLES, column: string, value: string): Promise<any> =>
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    (db as Kysely<any>).selectFrom(TABLES[table]).selectAll().where(column, '=', value).executeTakeFirst();

  return {
    ...autocommit,
    db,
    dialect,
    capabilities: options.capabilities,
    migrate: () => mapped(migrateToLatest(db, dialect)),
    transaction,
    ping: () => mapped(sql`select 1`.execute(db).then(() => undefined)),
    // Postgres: the event table's object id, which a restored dump (or any re-creation) changes. SQLite
    // has no such id (a restored file is byte for byte the old one): clients' epochs and the "ahead of
    // the database" check cover it there.
    ...(dialect.name === 'postgres'
      ? {
          outboxIdentity: () =>
            mapped(
              sql<{ id: string }>`select to_regclass('placet_events')::oid::text as id`
                .execute(db)
                .then((r) => r.rows[0]?.id ?? undefined),
            ),
        }
      : {}),
    ...(options.poolStats ? { poolStats: options.poolStats } : {}),
    async close() {
      if (closed) return;
      closed = true;
      await options.close();
    },
    inspect: () => ({
      user: async (id) => {
        const row = await one('users', 'id', id);
        return row ? m.user.fromRow(row) : undefined;
      },
      apiKey: async (id) => {
        const row = await one('api_keys', 'id', id);
        return row ? m.apiKey.fromRow(row) : undefined;
      },
      channel: async (id) => {
        const row = await one('channels', 'id', id);
        return row ? m.channel.fromRow(row) : undefined;
      },
      message: async (id) => {
        const row = await one('messages', 'id', id);
        return row ? m.message.fromRow(row) : undefined;
      },
      review: async (id) => {
        const row = await one('reviews', 'message_id', id);
        return row ? m.review.fromRow(row) : undefined;
      },
      attachment: async (id) => {
        const row = await one('attachments', 'id', id);
        return row ? m.attachment.fromRow(row) : undefined;
      },
      events: async () =>
        (await db.selectFrom('placet_events').selectAll().orderBy('seq').execute()).map(m.event.fromRow),
      auditEntries: async (ownerId) =>
        (
          await db
            .selectFrom('placet_audit_entries')
            .selectAll()
            .where('owner_id', '=', ownerId)
            .orderBy('seq')
            .execute()
        ).map(m.audit.fromRow),
      async count(table) {
        // biome-ignore lint/suspicious/noExplicitAny: the inspector reads any table by name.
        const row = await (db as Kysely<any>)
          .selectFrom(TABLES[table])
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        return Number(row.n);
      },
    }),
  };
}
