import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { SqlDialect } from './codec.js';

/** Unique indexes, named once; `placet_<constraint>` where the constraint is core's CONSTRAINTS value. */
export const UNIQUE_INDEXES = {
  placet_users_email: { table: 'placet_users', columns: ['email'] },
  placet_users_external_id: { table: 'placet_users', columns: ['external_id'] },
  placet_api_keys_key_hash: { table: 'placet_api_keys', columns: ['key_hash'] },
  placet_messages_channel_client: { table: 'placet_messages', columns: ['channel_id', 'client_id'] },
  placet_messages_channel_stream: { table: 'placet_messages', columns: ['channel_id', 'stream_id'] },
  placet_messages_iteration: { table: 'placet_messages', columns: ['iteration_group_id', 'iteration'] },
  placet_status_steps_stream_index: {
    table: 'placet_status_steps',
    columns: ['channel_id', 'stream_id', 'idx'],
  },
} as const;

// biome-ignore lint/suspicious/noExplicitAny: migrations are schema code, independent of the typed schema.
type AnyDb = Kysely<any>;

function initial(dialect: SqlDialect): Migration {
  const { date, json, bool, bigint } = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('placet_users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('external_id', 'text')
        .addColumn('must_change_password', bool, (c) => c.notNull())
        .addColumn('created_at', date, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('placet_api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('placet_users.id').onDelete('cascade'))
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('key_prefix', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text')
        .addColumn('last_used_at', date)
        .addColumn('created_at', date, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('placet_channels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('placet_users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('avatar_url', 'text')
        .addColumn('webhook_url', 'text')
        .addColumn('webhook_headers', json)
        .addColumn('webhook_auth', json)
        .addColumn('webhook_secret', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_message', 'text')
        .addColumn('status_since', date)
        .addColumn('last_active_at', date)
        .addColumn('commands', json)
        .addColumn('tag', 'text')
        .addColumn('is_subagent', bool, (c) => c.notNull())
        .addColumn('parent_agent_id', 'text', (c) => c.references('placet_channels.id').onDelete('set null'))
        .addColumn('created_at', date, (c) => c.notNull())
        .addColumn('updated_at', date, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('placet_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel_id', 'text', (c) =>
          c.notNull().references('placet_channels.id').onDelete('cascade'),
        )
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('sender_type', 'text', (c) => c.notNull())
        .addColumn('sender_id', 'text', (c) => c.notNull())
        .addColumn('text', 'text')
        .addColumn('status', 'text')
        .addColumn('metadata', json)
        .addColumn('client_id', 'text')
        .addColumn('stream_id', 'text')
        .addColumn('stream_state', 'text')
        .addColumn('delivery_status', 'text', (c) => c.notNull())
        .addColumn('iteration_group_id', 'text')
        .addColumn('iteration', 'integer')
        .addColumn('attachment_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', date, (c) => c.notNull())
        .addColumn('updated_at', date, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('placet_reviews')
        .addColumn('message_id', 'text', (c) =>
          c.primaryKey().references('placet_messages.id').onDelete('cascade'),
        )
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', json, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('response', json)
        .addColumn('responded_by', 'text')
        .addColumn('callback', json)
        .addColumn('expires_at', date, (c) => c.notNull())
        .addColumn('completed_at', date)
        .addColumn('expired_at', date)
        .addColumn('feedback', 'text')
        .addColumn('modified_file_ids', json)
        .addColumn('created_at', date, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('placet_attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel_id', 'text', (c) =>
          c.notNull().references('placet_channels.id').onDelete('cascade'),
        )
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.references('placet_messages.id').onDelete('cascade'))
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('size', bigint, (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('storage_key', 'text', (c) => c.notNull())
        .addColumn('plugin_type', 'text', (c) => c.notNull())
        .addColumn('created_at', date, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('placet_status_steps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel_id', 'text', (c) =>
          c.notNull().references('placet_channels.id').onDelete('cascade'),
        )
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('stream_id', 'text', (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('tool_hint', bool, (c) => c.notNull())
        .addColumn('created_at', date, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('placet_status_history')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel_id', 'text', (c) =>
          c.notNull().references('placet_channels.id').onDelete('cascade'),
        )
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message', 'text')
        .addColumn('created_at', date, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('placet_events')
        .addColumn('seq', dialect.name === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect.name === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text')
        .addColumn('subject_id', 'text')
        .addColumn('payload', json, (c) => c.notNull())
        .addColumn('created_at', date, (c) => c.notNull())
        .execute();

      for (const [name, { table, columns }] of Object.entries(UNIQUE_INDEXES)) {
        await db.schema
          .createIndex(name)
          .unique()
          .on(table)
          .columns([...columns])
          .execute();
      }
      // The indexes behind the engine's queries (keyset pages, pending lists, sweeps, cascades).
      const indexes: [string, string, string[], string?][] = [
        ['placet_api_keys_user', 'placet_api_keys', ['user_id', 'created_at']],
        ['placet_channels_owner', 'placet_channels', ['owner_id', 'created_at']],
        ['placet_channels_parent', 'placet_channels', ['parent_agent_id']],
        ['placet_channels_live', 'placet_channels', ['last_active_at'], "status <> 'offline'"],
        ['placet_messages_channel_created', 'placet_messages', ['channel_id', 'created_at desc', 'id desc']],
        ['placet_messages_streaming', 'placet_messages', ['updated_at'], "stream_state = 'streaming'"],
        [
          'placet_reviews_pending_owner',
          'placet_reviews',
          ['owner_id', 'created_at', 'message_id'],
          "status = 'pending'",
        ],
        [
          'placet_reviews_pending_channel',
          'placet_reviews',
          ['channel_id', 'created_at', 'message_id'],
          "status = 'pending'",
        ],
        ['placet_reviews_pending_expiry', 'placet_reviews', ['expires_at'], "status = 'pending'"],
        ['placet_attachments_channel', 'placet_attachments', ['channel_id', 'created_at']],
        ['placet_attachments_message', 'placet_attachments', ['message_id']],
        ['placet_attachments_orphans', 'placet_attachments', ['created_at'], 'message_id is null'],
        ['placet_status_history_channel', 'placet_status_history', ['channel_id', 'created_at']],
      ];
      for (const [name, table, columns, where] of indexes) {
        let index = db.schema.createIndex(name).on(table).columns(columns);
        if (where) index = index.where(sql.raw<boolean>(where));
        await index.execute();
      }
    },
  };
}

/** 0002: read marks for unread counts, and the inbox index (an owner's reviews, newest first). */
function readsAndInbox(dialect: SqlDialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('placet_channel_reads')
        .addColumn('user_id', 'text', (c) => c.notNull().references('placet_users.id').onDelete('cascade'))
        .addColumn('channel_id', 'text', (c) =>
          c.notNull().references('placet_channels.id').onDelete('cascade'),
        )
        .addColumn('last_read_at', dialect.types.date, (c) => c.notNull())
        .addColumn('last_read_message_id', 'text')
        .addPrimaryKeyConstraint('placet_channel_reads_pkey', ['user_id', 'channel_id'])
        .execute();
      await db.schema
        .createIndex('placet_channel_reads_channel')
        .on('placet_channel_reads')
        .column('channel_id')
        .execute();
      await db.schema
        .createIndex('placet_reviews_owner_created')
        .on('placet_reviews')
        .columns(['owner_id', 'created_at desc', 'message_id desc'])
        .execute();
    },
  };
}

/** 0003: the durable webhook delivery table and its attempt log. */
function deliveries(dialect: SqlDialect): Migration {
  const { date, json, bool } = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('placet_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) =>
          c.notNull().references('placet_channels.id').onDelete('cascade'),
        )
        .addColumn('message_id', 'text')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('headers', json, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('signed', bool, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', date)
        .addColumn('locked_until', date)
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', date, (c) => c.notNull())
        .addColumn('updated_at', date, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('placet_delivery_attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('delivery_id', 'text', (c) =>
          c.notNull().references('placet_deliveries.id').onDelete('cascade'),
        )
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', date, (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('placet_deliveries_due')
        .on('placet_deliveries')
        .column('next_attempt_at')
        .where(sql.raw<boolean>("state = 'pending'"))
        .execute();
      await db.schema
        .createIndex('placet_deliveries_message')
        .on('placet_deliveries')
        .columns(['message_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('placet_delivery_attempts_delivery')
        .on('placet_delivery_attempts')
        .columns(['delivery_id', 'attempt'])
        .execute();
    },
  };
}

/**
 * 0004: per-user read marks of reviews (the inbox's read state), the index behind the inbox count, and
 * the index behind a channel's delivery log (which also serves the channel cascade onto deliveries).
 */
function reviewReadsAndDeliveryLog(dialect: SqlDialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('placet_review_reads')
        .addColumn('user_id', 'text', (c) => c.notNull().references('placet_users.id').onDelete('cascade'))
        .addColumn('message_id', 'text', (c) =>
          c.notNull().references('placet_messages.id').onDelete('cascade'),
        )
        .addColumn('read_at', dialect.types.date, (c) => c.notNull())
        .addPrimaryKeyConstraint('placet_review_reads_pkey', ['user_id', 'message_id'])
        .execute();
      // The cascade from a deleted message (the primary key leads with the user).
      await db.schema
        .createIndex('placet_review_reads_message')
        .on('placet_review_reads')
        .column('message_id')
        .execute();
      // `reviews.count`: an owner's reviews by status, channel and type, covering the join to the reads.
      await db.schema
        .createIndex('placet_reviews_owner_status')
        .on('placet_reviews')
        .columns(['owner_id', 'status', 'channel_id', 'type', 'message_id'])
        .execute();
      // `deliveries.listByChannel`: newest first, keyset-paged.
      await db.schema
        .createIndex('placet_deliveries_channel_created')
        .on('placet_deliveries')
        .columns(['channel_id', 'created_at desc', 'id desc'])
        .execute();
    },
  };
}

/**
 * 0005: server-side sessions (logout and password changes end them in every process), a key-value table
 * (single-use tickets, the outbox's retention floor, plugins' state), an owner's events by seq (a resume
 * replays one tenant's events only), and a channel's files keyset-paged.
 */
function sessionsAndReplay(dialect: SqlDialect): Migration {
  const { date, json } = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('placet_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('placet_users.id').onDelete('cascade'))
        .addColumn('created_at', date, (c) => c.notNull())
        .addColumn('expires_at', date, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('placet_sessions_user').on('placet_sessions').column('user_id').execute();
      await db.schema
        .createIndex('placet_sessions_expiry')
        .on('placet_sessions')
        .column('expires_at')
        .execute();
      await db.schema
        .createTable('placet_kv')
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', json)
        .addColumn('expires_at', date)
        .addPrimaryKeyConstraint('placet_kv_pkey', ['namespace', 'key'])
        .execute();
      await db.schema
        .createIndex('placet_kv_expiry')
        .on('placet_kv')
        .column('expires_at')
        .where(sql.raw<boolean>('expires_at is not null'))
        .execute();
      await db.schema
        .createIndex('placet_events_owner_seq')
        .on('placet_events')
        .columns(['owner_id', 'seq'])
        .execute();
      await db.schema.createIndex('placet_events_created').on('placet_events').column('created_at').execute();
      await db.schema.dropIndex('placet_attachments_channel').execute();
      await db.schema
        .createIndex('placet_attachments_channel')
        .on('placet_attachments')
        .columns(['channel_id', 'created_at desc', 'id desc'])
        .execute();
    },
  };
}

/** 0006: pending reviews by creation time, across owners (the reminders' sweep). */
function pendingByCreation(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createIndex('placet_reviews_pending_created')
        .on('placet_reviews')
        .columns(['created_at', 'message_id'])
        .where(sql.raw<boolean>("status = 'pending'"))
        .execute();
    },
  };
}

/**
 * 0007: review approval policies. A review's policy (one JSON value) and a vote counter whose
 * conditional increment serialises the voters of one review (`reviews.lockForVote`); the escalation
 * ladder's position (`escalation_step`, `next_escalation_at`, behind a partial index of pending rows
 * with a step due at some time: the sweeper's `listEscalationDue`); one vote per user
 * and review (no foreign key to the user: a deleted user's votes stay in the review's history); and who
 * may answer a review, behind the assignee's inbox (newest first, keyset-paged, by index).
 */
function reviewPolicies(dialect: SqlDialect): Migration {
  const { date, json, bool } = dialect.types;
  return {
    async up(db: AnyDb) {
      // One column per statement: SQLite adds a single column per `alter table`.
      await db.schema.alterTable('placet_reviews').addColumn('policy', json).execute();
      await db.schema
        .alterTable('placet_reviews')
        .addColumn('vote_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // The escalation ladder: how many steps fired, and when the next one is due (null: none left).
      await db.schema
        .alterTable('placet_reviews')
        .addColumn('escalation_step', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('placet_reviews').addColumn('next_escalation_at', date).execute();
      // `reviews.listEscalationDue` and `nextEscalation`: pending reviews with a step still to fire.
      await db.schema
        .createIndex('placet_reviews_escalation')
        .on('placet_reviews')
        .column('next_escalation_at')
        .where(sql.raw<boolean>("status = 'pending' and next_escalation_at is not null"))
        .execute();
      await db.schema
        .createTable('placet_review_votes')
        .addColumn('message_id', 'text', (c) =>
          c.notNull().references('placet_messages.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('response', json, (c) => c.notNull())
        .addColumn('choice', 'text', (c) => c.notNull())
        .addColumn('rejects', bool, (c) => c.notNull())
        .addColumn('voted_at', date, (c) => c.notNull())
        .addPrimaryKeyConstraint('placet_review_votes_pkey', ['message_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('placet_review_assignees')
        .addColumn('message_id', 'text', (c) =>
          c.notNull().references('placet_messages.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('placet_users.id').onDelete('cascade'))
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('created_at', date, (c) => c.notNull())
        .addPrimaryKeyConstraint('placet_review_assignees_pkey', ['message_id', 'user_id'])
        .execute();
      // The assignee's inbox (and the cascade from a deleted user); the primary key serves the message's.
      await db.schema
        .createIndex('placet_review_assignees_user')
        .on('placet_review_assignees')
        .columns(['user_id', 'created_at', 'message_id'])
        .execute();
    },
  };
}

/**
 * 0008: the audit log. One append-only chain of entries per owner, numbered by `seq` (primary key
 * (owner, seq): an export reads it in order by index) with an index for one review's entries, and the
 * chain's head (the last seq and hash), whose row lock serialises the appenders of one owner
 * (`audit.lockHead`). A deleted user takes their chain along; a deleted message does not (no foreign key
 * on `message_id`: the entries are its history).
 */
function auditLog(dialect: SqlDialect): Migration {
  const { date, json, bigint } = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('placet_audit_entries')
        .addColumn('owner_id', 'text', (c) => c.notNull().references('placet_users.id').onDelete('cascade'))
        .addColumn('seq', bigint, (c) => c.notNull())
        .addColumn('at', date, (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('via', 'text', (c) => c.notNull())
        .addColumn('data', json, (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('placet_audit_entries_pkey', ['owner_id', 'seq'])
        .execute();
      await db.schema
        .createIndex('placet_audit_entries_message')
        .on('placet_audit_entries')
        .columns(['owner_id', 'message_id', 'seq'])
        .execute();
      await db.schema
        .createTable('placet_audit_heads')
        .addColumn('owner_id', 'text', (c) =>
          c.primaryKey().references('placet_users.id').onDelete('cascade'),
        )
        .addColumn('seq', bigint, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * 0009: named groups of users (`group:<name>` among a review's assignees), instance-wide. The name is
 * the key (a lower-case slug the engine checks); members go with their group and with their user. The
 * primary key serves a group's members (and the `members(names)` read); the index on `user_id` serves
 * the cascade from a deleted user.
 */
function groups(dialect: SqlDialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('placet_groups')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('created_at', dialect.types.date, (c) => c.notNull())
        .addPrimaryKeyConstraint('placet_groups_pkey', ['name'])
        .execute();
      await db.schema
        .createTable('placet_group_members')
        .addColumn('group_name', 'text', (c) =>
          c.notNull().references('placet_groups.name').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('placet_users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('placet_group_members_pkey', ['group_name', 'user_id'])
        .execute();
      await db.schema
        .createIndex('placet_group_members_user')
        .on('placet_group_members')
        .column('user_id')
        .execute();
    },
  };
}

/**
 * 0010: the unique indexes on a message's optional keys (`client_id`, `stream_id`, `iteration_group_id`)
 * leave out the messages without one — most messages — which made every insert write three index
 * entries that no lookup reads (a lookup names the key, which implies it is not null). Same names, same
 * uniqueness; ~22 % less SQLite time per message insert with its outbox event.
 */
function partialMessageKeys(): Migration {
  return {
    async up(db: AnyDb) {
      const keys = [
        ['placet_messages_channel_client', 'client_id'],
        ['placet_messages_channel_stream', 'stream_id'],
        ['placet_messages_iteration', 'iteration_group_id'],
      ] as const;
      for (const [name, key] of keys) {
        const { table, columns } = UNIQUE_INDEXES[name];
        await db.schema.dropIndex(name).execute();
        await db.schema
          .createIndex(name)
          .unique()
          .on(table)
          .columns([...columns])
          .where(sql.ref(key), 'is not', null)
          .execute();
      }
    },
  };
}

class CodeMigrations implements MigrationProvider {
  constructor(private readonly dialect: SqlDialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001_initial': initial(this.dialect),
      '0002_reads_and_inbox': readsAndInbox(this.dialect),
      '0003_deliveries': deliveries(this.dialect),
      '0004_review_reads_and_delivery_log': reviewReadsAndDeliveryLog(this.dialect),
      '0005_sessions_kv_and_replay': sessionsAndReplay(this.dialect),
      '0006_pending_by_creation': pendingByCreation(),
      '0007_review_policies': reviewPolicies(this.dialect),
      '0008_audit_log': auditLog(this.dialect),
      '0009_groups': groups(this.dialect),
      '0010_partial_message_keys': partialMessageKeys(),
    };
  }
}

/** Brings the schema up to date. Safe to call from several processes at once (the Migrator locks). */
export async function migrateToLatest(db: AnyDb, dialect: SqlDialect): Promise<void> {
  // On Postgres the migration tables live in the current schema, so that kysely never mistakes another
  // schema's placet_migrations (a second Placet, a test schema) for this one's.
  const schema =
    dialect.name === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: new CodeMigrations(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
    migrationTableName: 'placet_migrations',
    migrationLockTableName: 'placet_migrations_lock',
  });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely's migrator lists the tables of every schema first: another schema dropped at that moment
  // (a second Placet on the database, a test) fails that listing with "schema … does not exist". It is
  // not ours and nothing ran yet (migrations are locked and idempotent): list again.
  for (let attempt = 1; error && attempt < 5 && isForeignSchemaGone(error, schema); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `Placet migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function isForeignSchemaGone(error: unknown, ours: string | undefined): boolean {
  const match = /schema "?([^"\s]+)"? does not exist/.exec(
    error instanceof Error ? error.message : String(error),
  );
  return match !== null && match[1] !== ours;
}
