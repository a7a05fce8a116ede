import type { Store } from '@placet/core/adapter';
import { createSqlStore, type PlacetDatabase, type SqlStore } from '@placet/db-sql';
import Database from 'better-sqlite3';
import { CompiledQuery as Compiled, type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../src/index.js';

/**
 * The queries behind list, pending and sweep use an index. The tables are seeded with 100k rows
 * (set-based, one statement per table) and ANALYZEd; then every repository method below is run once
 * through a second kysely instance on the same database whose `log` hook captures the SQL and the
 * parameters it really sends. `EXPLAIN QUERY PLAN` of that SQL, with the same bound parameters (SQLite
 * needs the values to match a partial index's WHERE), must search or scan an index of the method's
 * table — never a bare `SCAN <table>`.
 */

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MESSAGES = 100_000;

/** Message i: `m0000042`, created one second after message i-1, the newest at T0. */
const messageId = (i: number) => `m${String(i).padStart(7, '0')}`;
const messageTime = (i: number) => T0 - (MESSAGES - i) * 1000;

/**
 * 1 000 users; 20 000 channels (c0…c4 carry the messages, 20 % of all are not offline); 50 000 API
 * keys; 100 000 messages (80 % in c0, the rest in c1…c4; 100 drafts still streaming); one review per
 * message (~1 % pending with expiries spread over ±1 h around T0, ~1 % expired, the rest completed);
 * 40 000 attachments linked to 2 % of the messages and 10 000 orphans; 100 000 events.
 */
const SEED = `
with recursive n(i) as (select 0 union all select i + 1 from n where i < 999)
insert into placet_users (id, email, display_name, role, password_hash, external_id, must_change_password, created_at)
select 'u' || i, 'user' || i || '@example.test', 'User ' || i, case when i = 0 then 'owner' else 'member' end,
       null, null, 0, ${T0 - 90 * DAY} from n;

with recursive n(i) as (select 0 union all select i + 1 from n where i < 19999)
insert into placet_channels (id, owner_id, name, description, avatar_url, webhook_url, webhook_headers,
  webhook_auth, webhook_secret, status, status_message, status_since, last_active_at, commands, tag,
  is_subagent, parent_agent_id, created_at, updated_at)
select 'c' || i, 'u' || (i % 1000), 'Agent ' || i, null, null, null, null, null, null,
       case when i < 5 or i % 10 = 0 then 'active' when i % 10 = 1 then 'busy' else 'offline' end,
       null, ${T0 - DAY}, ${T0} - ((i * 7919) % ${2 * DAY}), null, null, 0, null,
       ${T0 - 60 * DAY} + i, ${T0 - 60 * DAY} + i from n;

with recursive n(i) as (select 0 union all select i + 1 from n where i < 49999)
insert into placet_api_keys (id, user_id, label, key_hash, key_prefix, channel_id, last_used_at, created_at)
select 'k' || i, 'u' || (i % 1000), 'key ' || i, 'hash' || printf('%060d', i), 'hp_' || printf('%08d', i),
       null, null, ${T0 - 30 * DAY} + i from n;

with recursive n(i) as (select 0 union all select i + 1 from n where i < ${MESSAGES - 1})
insert into placet_messages (id, channel_id, owner_id, sender_type, sender_id, text, status, metadata,
  client_id, stream_id, stream_state, delivery_status, iteration_group_id, iteration, attachment_count,
  created_at, updated_at)
select 'm' || printf('%07d', i),
       case when i % 5 <> 0 then 'c0' else 'c' || (1 + (i / 5) % 4) end,
       case when i % 5 <> 0 then 'u0' else 'u' || (1 + (i / 5) % 4) end,
       case when i % 2 = 0 then 'agent' else 'user' end, 'sender',
       'message number ' || i, null, case when i % 3 = 0 then '{"n":' || i || '}' else null end,
       'client' || i,
       case when i % 500 = 0 then 's' || i else null end,
       case when i % 1000 = 0 then 'streaming' when i % 500 = 0 then 'complete' else null end,
       'sent', null, null, 0,
       ${T0} - (${MESSAGES} - i) * 1000, ${T0} - (${MESSAGES} - i) * 1000 from n;

insert into placet_reviews (message_id, channel_id, owner_id, type, payload, status, response, responded_by,
  callback, expires_at, completed_at, expired_at, feedback, modified_file_ids, created_at)
select id, channel_id, owner_id, 'approval', '{"question":"ok?"}', s.review_status,
       case when s.review_status = 'completed' then '{"approved":true}' else null end,
       case when s.review_status = 'completed' then 'u0' else null end, null,
       case when s.review_status = 'pending' then ${T0 - HOUR} + (s.i * 7919) % ${2 * HOUR}
            else created_at + ${HOUR} end,
       case when s.review_status = 'completed' then created_at + 60000 else null end,
       case when s.review_status = 'expired' then created_at + ${HOUR} else null end,
       null, null, created_at
from (select m.*, cast(substr(m.id, 2) as integer) as i,
             case cast(substr(m.id, 2) as integer) % 97 when 0 then 'pending' when 1 then 'expired'
                  else 'completed' end as review_status
      from placet_messages m) s;

with recursive k(j) as (select 0 union all select j + 1 from k where j < 19)
insert into placet_attachments (id, channel_id, owner_id, message_id, filename, mime_type, size, sha256,
  storage_key, plugin_type, created_at)
select 'a' || m.id || '_' || k.j, m.channel_id, m.owner_id, m.id, 'file' || k.j || '.txt', 'text/plain',
       100 + k.j, 'sha' || k.j, 'files/' || m.id || '/' || k.j, 'core', m.created_at
from placet_messages m, k
where cast(substr(m.id, 2) as integer) % 50 = 1;

with recursive n(i) as (select 0 union all select i + 1 from n where i < 9999)
insert into placet_attachments (id, channel_id, owner_id, message_id, filename, mime_type, size, sha256,
  storage_key, plugin_type, created_at)
select 'o' || i, 'c' || (i % 5), 'u' || (i % 5), null, 'orphan' || i || '.bin', 'application/octet-stream',
       1000, 'sha', 'orphans/' || i, 'core', ${T0} - i * 60000 from n;

update placet_messages
set attachment_count = (select count(*) from placet_attachments a where a.message_id = placet_messages.id)
where id in (select message_id from placet_attachments where message_id is not null);

with recursive n(i) as (select 0 union all select i + 1 from n where i < 99999)
insert into placet_events (type, owner_id, channel_id, subject_id, payload, created_at)
select 'message.created', 'u' || (i % 5), 'c' || (i % 5), 'm' || printf('%07d', i), '{"seq":' || i || '}',
       ${T0} - (100000 - i) * 1000 from n;

with recursive n(i) as (select 0 union all select i + 1 from n where i < 99999)
insert into placet_deliveries (id, owner_id, channel_id, message_id, event, url, method, headers, body, signed,
  state, attempts, next_attempt_at, locked_until, last_status, last_error, created_at, updated_at)
select 'd' || printf('%07d', i), case when i % 5 <> 0 then 'u0' else 'u' || (i % 5) end,
       case when i % 5 <> 0 then 'c0' else 'c' || (1 + (i / 5) % 4) end, null, 'review:responded',
       'https://hooks.example.test/' || (i % 7), 'POST', '{}', '{}', 0,
       case when i % 100 = 0 then 'pending' when i % 100 = 1 then 'failed' else 'delivered' end,
       1, case when i % 100 = 0 then ${T0} + i else null end, null, 200, null,
       ${T0} - (100000 - i) * 1000, ${T0} - (100000 - i) * 1000 from n;

insert into placet_review_reads (user_id, message_id, read_at)
select owner_id, message_id, created_at + 1000 from placet_reviews where cast(substr(message_id, 2) as integer) % 3 = 0;

insert into placet_review_assignees (message_id, user_id, owner_id, created_at)
select message_id, 'u' || (10 + cast(substr(message_id, 2) as integer) % 50), owner_id, created_at
from placet_reviews;

-- A second assignee, u999, on 50 reviews (one in 2 000): a person with a small share of the table.
insert into placet_review_assignees (message_id, user_id, owner_id, created_at)
select message_id, 'u999', owner_id, created_at
from placet_reviews where cast(substr(message_id, 2) as integer) % 2000 = 1999;

insert into placet_review_votes (message_id, user_id, response, choice, rejects, voted_at)
select message_id, 'u' || (10 + cast(substr(message_id, 2) as integer) % 50), '{"selectedOption":"approve"}',
       'approve', 0, created_at + 1000
from placet_reviews where cast(substr(message_id, 2) as integer) % 10 = 0;

-- The escalation ladder: half of the pending reviews have a step due 30 minutes before their expiry; some
-- answered ones still carry a time (the partial index leaves them out).
update placet_reviews set next_escalation_at = expires_at - ${30 * 60_000}
where cast(substr(message_id, 2) as integer) % 2 = 0
  and (status = 'pending' or cast(substr(message_id, 2) as integer) % 10 = 2);

-- The audit log: 100 000 entries of five owners (20 000 each), three entries per review.
with recursive n(i) as (select 0 union all select i + 1 from n where i < 99999)
insert into placet_audit_entries (owner_id, seq, at, type, message_id, actor_kind, actor_id, via, data,
  prev_hash, hash)
select 'u' || (i % 5), 1 + i / 5, ${T0} - (100000 - i) * 1000, 'review.created',
       'm' || printf('%07d', i / 3), 'agent', 'c0', 'api', '{}', printf('%064d', i), printf('%064d', i + 1)
from n;

analyze;
`;

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

interface Case {
  name: string;
  /** The table the method reads; its access must go through an index. */
  table: string;
  run: (store: Store) => Promise<unknown>;
  /** Sanity check on the result, so that the plan is that of a query which finds rows. */
  check: (result: unknown) => void;
  /** When set, the plan must use this index (not merely some index of the table). */
  index?: string;
}

const rows = (min: number) => (result: unknown) => {
  expect(Array.isArray(result)).toBe(true);
  expect((result as unknown[]).length).toBeGreaterThanOrEqual(min);
};
const defined = (result: unknown) => expect(result).toBeDefined();

const CASES: Case[] = [
  {
    name: 'messages.findByClientId — a retried create (the partial unique index)',
    table: 'placet_messages',
    run: (s) => s.messages.findByClientId('c0', 'client1'),
    check: defined,
    index: 'placet_messages_channel_client',
  },
  {
    name: 'messages.findByStreamId — a stream PATCH that changed nothing (the partial unique index)',
    table: 'placet_messages',
    run: (s) => s.messages.findByStreamId('c1', 's500'),
    check: defined,
    index: 'placet_messages_channel_stream',
  },
  {
    name: 'messages.list — first page of the big channel',
    table: 'placet_messages',
    run: (s) => s.messages.list({ channelId: 'c0', limit: 50 }),
    check: rows(50),
  },
  {
    name: 'messages.list — keyset page (before) deep in the big channel',
    table: 'placet_messages',
    run: (s) =>
      s.messages.list({
        channelId: 'c0',
        before: { createdAt: new Date(messageTime(50_001)), id: messageId(50_001) },
        limit: 50,
      }),
    check: rows(50),
  },
  {
    name: 'messages.list — hasAttachments',
    table: 'placet_messages',
    run: (s) => s.messages.list({ channelId: 'c0', hasAttachments: true, limit: 50 }),
    check: rows(50),
  },
  {
    name: 'reviews.list pending — by owner',
    table: 'placet_reviews',
    run: (s) => s.reviews.list({ ownerId: 'u0', status: 'pending', limit: 50 }),
    check: rows(50),
  },
  {
    name: 'reviews.list pending — by channel',
    table: 'placet_reviews',
    run: (s) => s.reviews.list({ ownerId: 'u1', status: 'pending', channelId: 'c1', limit: 50 }),
    check: rows(1),
  },
  {
    name: 'reviews.listDue',
    table: 'placet_reviews',
    run: (s) => s.reviews.listDue(new Date(T0), 100),
    check: rows(100),
  },
  {
    name: 'reviews.nextExpiry',
    table: 'placet_reviews',
    run: (s) => s.reviews.nextExpiry(),
    check: defined,
  },
  {
    name: 'reviews.listEscalationDue',
    table: 'placet_reviews',
    run: (s) => s.reviews.listEscalationDue(new Date(T0), 100),
    check: rows(100),
    index: 'placet_reviews_escalation',
  },
  {
    name: 'reviews.nextEscalation',
    table: 'placet_reviews',
    run: (s) => s.reviews.nextEscalation(),
    check: defined,
    index: 'placet_reviews_escalation',
  },
  {
    name: 'reviews.listPendingCreated',
    table: 'placet_reviews',
    run: (s) =>
      s.reviews.listPendingCreated({ from: new Date(T0 - 12 * HOUR), until: new Date(T0), limit: 100 }),
    check: rows(100),
  },
  {
    name: 'messages.listStaleStreams',
    table: 'placet_messages',
    run: (s) => s.messages.listStaleStreams(new Date(T0 - 60_000), 50),
    check: rows(50),
  },
  {
    name: 'channels.listSilent',
    table: 'placet_channels',
    run: (s) => s.channels.listSilent(new Date(T0 - HOUR), 100),
    check: rows(100),
  },
  {
    name: 'attachments.listOrphansBefore',
    table: 'placet_attachments',
    run: (s) => s.attachments.listOrphansBefore(new Date(T0 - DAY), 100),
    check: rows(100),
  },
  {
    name: 'apiKeys.findByHash',
    table: 'placet_api_keys',
    run: (s) => s.apiKeys.findByHash(`hash${'0'.repeat(55)}12345`),
    check: defined,
  },
  {
    name: 'reviews.count — pending of an owner, with the unread count',
    table: 'placet_reviews',
    run: (s) => s.reviews.count({ ownerId: 'u0', readerId: 'u0', status: 'pending' }),
    check: (result) => expect((result as { total: number }).total).toBeGreaterThan(500),
  },
  {
    // An owner with 5 % of the table (for u0, with 78 %, reading the whole table is rightly cheaper).
    name: 'reviews.count — completed of an owner (the owner/status index)',
    table: 'placet_reviews',
    run: (s) => s.reviews.count({ ownerId: 'u1', readerId: 'u1', status: 'completed' }),
    check: (result) => expect((result as { total: number }).total).toBeGreaterThan(4_000),
  },
  {
    name: 'reviews.count — the reads side goes by primary key',
    table: 'placet_review_reads',
    run: (s) => s.reviews.count({ ownerId: 'u1', readerId: 'u1', channelId: 'c1', type: 'approval' }),
    check: (result) => expect((result as { unread: number }).unread).toBeGreaterThan(0),
  },
  {
    name: 'reviewReads.readIds — a page of ids',
    table: 'placet_review_reads',
    run: (s) =>
      s.reviewReads.readIds(
        'u0',
        Array.from({ length: 50 }, (_, k) => messageId(90_001 + k)),
      ),
    check: rows(10),
  },
  {
    name: 'deliveries.listByChannel — first page of the big channel',
    table: 'placet_deliveries',
    run: (s) => s.deliveries.listByChannel('c0', { limit: 26 }),
    check: rows(26),
  },
  {
    name: 'deliveries.listByChannel — keyset page (before) deep in the big channel',
    table: 'placet_deliveries',
    run: (s) =>
      s.deliveries.listByChannel('c0', {
        limit: 26,
        before: { createdAt: new Date(T0 - 50_000 * 1000), id: 'd0050001' },
      }),
    check: rows(26),
  },
  {
    name: 'reviewAssignees.listReviews — first page of an assignee',
    table: 'placet_review_assignees',
    run: (s) => s.reviewAssignees.listReviews({ userId: 'u10', limit: 50 }),
    check: rows(50),
  },
  {
    name: 'reviewAssignees.listReviews — keyset page (before) deep in an assignee’s inbox',
    table: 'placet_review_assignees',
    run: (s) =>
      s.reviewAssignees.listReviews({
        userId: 'u10',
        before: { createdAt: new Date(messageTime(50_000)), messageId: messageId(50_000) },
        limit: 50,
      }),
    check: rows(50),
  },
  {
    name: 'reviewAssignees.listReviews — each review by primary key',
    table: 'placet_reviews',
    run: (s) => s.reviewAssignees.listReviews({ userId: 'u10', status: 'completed', limit: 50 }),
    check: rows(50),
  },
  {
    // The badge. With 1 % of the reviews pending, the planner may start from the pending reviews (fewer
    // than this assignee's 2 000 rows) and probe the assignee's primary key: by index either way.
    name: 'reviewAssignees.count — pending of an assignee, with the unread count',
    table: 'placet_review_assignees',
    run: (s) => s.reviewAssignees.count({ userId: 'u10', readerId: 'u10', status: 'pending' }),
    check: (result) => expect((result as { total: number }).total).toBeGreaterThan(10),
  },
  {
    name: 'reviewAssignees.count — every status, others’ reviews only: the assignee index',
    table: 'placet_review_assignees',
    run: (s) => s.reviewAssignees.count({ userId: 'u10', readerId: 'u10', exceptOwnerId: 'u0' }),
    check: (result) => expect((result as { total: number }).total).toBeGreaterThan(300),
    index: 'placet_review_assignees_user',
  },
  {
    name: 'reviewAssignees.count — each review by primary key',
    table: 'placet_reviews',
    run: (s) => s.reviewAssignees.count({ userId: 'u999', readerId: 'u999', status: 'completed' }),
    check: (result) => expect((result as { total: number }).total).toBeGreaterThan(40),
  },
  {
    name: 'reviewAssignees.count — the reads side goes by primary key',
    table: 'placet_review_reads',
    run: (s) => s.reviewAssignees.count({ userId: 'u999', readerId: 'u0', type: 'approval' }),
    check: (result) => expect((result as { unread: number }).unread).toBeGreaterThan(0),
  },
  {
    name: 'reviewVotes.listByMessageIds — a page of ids',
    table: 'placet_review_votes',
    run: (s) =>
      s.reviewVotes.listByMessageIds(Array.from({ length: 50 }, (_, k) => messageId(90_000 + k * 10))),
    check: rows(50),
  },
  {
    name: 'audit.list — an export page deep in an owner’s chain',
    table: 'placet_audit_entries',
    run: (s) => s.audit.list({ ownerId: 'u0', afterSeq: 15_000, limit: 1000 }),
    check: rows(1000),
  },
  {
    name: 'audit.list — one review’s entries',
    table: 'placet_audit_entries',
    run: (s) => s.audit.list({ ownerId: 'u0', messageId: messageId(100), limit: 100 }),
    check: rows(1),
    index: 'placet_audit_entries_message',
  },
  {
    name: 'events.after',
    table: 'placet_events',
    run: (s) => s.events.after(99_500, 100),
    check: rows(100),
  },
  // The inbox's order, search and "mark all read" (issue #25). The last two write: they come last, and
  // mark reads of u1 / u11 only, which no case above depends on.
  {
    name: 'reviews.list oldest — keyset page (after) of an owner, the owner index read forwards',
    table: 'placet_reviews',
    run: (s) =>
      s.reviews.list({
        ownerId: 'u1',
        order: 'oldest',
        after: { createdAt: new Date(messageTime(50_000)), messageId: messageId(50_000) },
        limit: 50,
      }),
    check: rows(50),
  },
  {
    name: 'reviews.list search — each candidate’s message by primary key',
    table: 'placet_messages',
    run: (s) => s.reviews.list({ ownerId: 'u1', search: 'NUMBER 9', limit: 50 }),
    check: rows(50),
  },
  {
    name: 'reviews.count search — the owner’s reviews by index',
    table: 'placet_reviews',
    run: (s) => s.reviews.count({ ownerId: 'u1', readerId: 'u1', status: 'pending', search: 'number' }),
    check: (result) => expect((result as { total: number }).total).toBeGreaterThan(10),
  },
  {
    name: 'reviewAssignees.listReviews oldest — keyset page (after) in an assignee’s inbox',
    table: 'placet_review_assignees',
    run: (s) =>
      s.reviewAssignees.listReviews({
        userId: 'u10',
        order: 'oldest',
        after: { createdAt: new Date(messageTime(50_000)), messageId: messageId(50_000) },
        limit: 50,
      }),
    check: rows(50),
  },
  {
    name: 'reviewReads.markMatching — an owner’s expired reviews, by index',
    table: 'placet_reviews',
    run: (s) => s.reviewReads.markMatching('u1', { ownerId: 'u1', status: 'expired' }, new Date(T0)),
    check: (result) => expect(result).toBeGreaterThan(0),
  },
  {
    name: 'reviewReads.markMatching — an assignee’s pending reviews, by index',
    table: 'placet_review_assignees',
    run: (s) => s.reviewReads.markMatching('u11', { assigneeId: 'u11', status: 'pending' }, new Date(T0)),
    check: (result) => expect(result).toBeGreaterThan(0),
  },
];

/** The plan as an indented tree, one node per line. */
function render(plan: PlanRow[]): string[] {
  const depth = new Map<number, number>([[0, 0]]);
  return plan.map((row) => {
    const d = (depth.get(row.parent) ?? 0) + 1;
    depth.set(row.id, d);
    return `${'  '.repeat(d - 1)}${row.detail}`;
  });
}

describe('SQLite query plans on 100k-row tables', () => {
  let database: Database.Database;
  let store: SqlStore;
  let probe: SqlStore;
  let captured: CompiledQuery[] = [];

  beforeAll(async () => {
    database = new Database(':memory:');
    store = sqliteStore({ database });
    await store.migrate();
    database.exec(SEED);
    // Same database, same dialect and repositories; only the kysely instance differs: it logs.
    const logging = new Kysely<PlacetDatabase>({
      dialect: new SqliteDialect({ database }),
      log: (event) => {
        if (event.level === 'query') captured.push(event.query);
      },
    });
    probe = createSqlStore({
      db: logging,
      dialect: store.dialect,
      capabilities: store.capabilities,
      close: async () => {},
    });
  });

  afterAll(async () => {
    await store?.close();
    database?.close();
  });

  it('seeded the tables', async () => {
    const inspect = store.inspect();
    expect(await inspect.count('messages')).toBe(MESSAGES);
    expect(await inspect.count('reviews')).toBe(MESSAGES);
    expect(await inspect.count('events')).toBe(100_000);
    expect(await inspect.count('attachments')).toBe(50_000);
    expect(await inspect.count('review_reads')).toBeGreaterThan(30_000);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      captured = [];
      c.check(await c.run(probe));
      // A write outside a transaction runs in one of its own (`begin` … `commit`): not a query of the method.
      const queries = captured.filter((q) => !/^(begin|commit|rollback)\b/i.test(q.sql));
      expect(queries, 'the method runs exactly one query').toHaveLength(1);
      const query = queries[0]!;
      const result = await store.db.executeQuery<PlanRow>(
        Compiled.raw(`explain query plan ${query.sql}`, [...query.parameters]),
      );
      const plan = render(result.rows);
      console.log(
        `\n[sqlite] ${c.name}\n  ${query.sql}\n  params: ${JSON.stringify(query.parameters)}\n${plan
          .map((line) => `  | ${line}`)
          .join('\n')}`,
      );

      const access = result.rows
        .map((row) => row.detail)
        .filter((detail) => new RegExp(`^(SCAN|SEARCH) ${c.table}\\b`).test(detail));
      expect(access.length, `${c.table} is read`).toBeGreaterThan(0);
      for (const detail of access) {
        expect(detail, 'never a bare scan of the table').not.toMatch(new RegExp(`^SCAN ${c.table}$`));
        expect(detail).toMatch(/ USING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)\b/);
      }
      if (c.index) expect(access.join('\n')).toMatch(new RegExp(`INDEX ${c.index}\\b`));
    });
  }

  // The keyset condition is a row value `(created_at, id) < (?, ?)`, so the cursor bounds the index
  // range: a deep page costs what the first page costs.
  it('messages.list — the keyset cursor bounds the index range', async () => {
    captured = [];
    await probe.messages.list({
      channelId: 'c0',
      before: { createdAt: new Date(messageTime(50_001)), id: messageId(50_001) },
      limit: 50,
    });
    const query = captured[0]!;
    const result = await store.db.executeQuery<PlanRow>(
      Compiled.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    );
    const details = result.rows.map((row) => row.detail).join('\n');
    expect(details).toMatch(/placet_messages_channel_created \(channel_id=\? AND .*created_at/);
  });
});
