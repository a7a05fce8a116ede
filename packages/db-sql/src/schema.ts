import type { Generated } from 'kysely';

/**
 * Column values as the drivers hand them over. Dates: epoch milliseconds (SQLite `integer`) or `Date`
 * (Postgres `timestamptz`); JSON: text (SQLite) or parsed values (Postgres `jsonb`); booleans: 0/1 or
 * true/false; bigints may arrive as strings. The dialect's codec converts them (`codec.ts`).
 */
export type DbDate = number | string | Date;
export type DbJson = unknown;
export type DbBool = number | boolean;

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: string;
  password_hash: string | null;
  external_id: string | null;
  must_change_password: DbBool;
  created_at: DbDate;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: DbDate;
  expires_at: DbDate;
}

export interface KvTable {
  namespace: string;
  key: string;
  value: DbJson;
  expires_at: DbDate | null;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  label: string;
  key_hash: string;
  key_prefix: string;
  channel_id: string | null;
  last_used_at: DbDate | null;
  created_at: DbDate;
}

export interface ChannelsTable {
  id: string;
  owner_id: string;
  name: string;
  description: string | null;
  avatar_url: string | null;
  webhook_url: string | null;
  webhook_headers: DbJson | null;
  webhook_auth: DbJson | null;
  webhook_secret: string | null;
  status: string;
  status_message: string | null;
  status_since: DbDate | null;
  last_active_at: DbDate | null;
  commands: DbJson | null;
  tag: string | null;
  is_subagent: DbBool;
  parent_agent_id: string | null;
  created_at: DbDate;
  updated_at: DbDate;
}

export interface MessagesTable {
  id: string;
  channel_id: string;
  owner_id: string;
  sender_type: string;
  sender_id: string;
  text: string | null;
  status: string | null;
  metadata: DbJson | null;
  client_id: string | null;
  stream_id: string | null;
  stream_state: string | null;
  delivery_status: string;
  iteration_group_id: string | null;
  iteration: number | null;
  attachment_count: number;
  created_at: DbDate;
  updated_at: DbDate;
}

export interface ReviewsTable {
  message_id: string;
  channel_id: string;
  owner_id: string;
  type: string;
  payload: DbJson;
  status: string;
  response: DbJson | null;
  responded_by: string | null;
  callback: DbJson | null;
  expires_at: DbDate;
  completed_at: DbDate | null;
  expired_at: DbDate | null;
  feedback: string | null;
  modified_file_ids: DbJson | null;
  created_at: DbDate;
  /** The review's approval policy (null for a plain review). */
  policy: DbJson | null;
  /** Votes counted by `lockForVote` (its row lock serialises voters); not part of the record. */
  vote_count: Generated<number>;
  /** How many escalation steps fired. */
  escalation_step: number;
  /** When the next escalation step is due; null when none is left. */
  next_escalation_at: DbDate | null;
}

export interface ReviewVotesTable {
  message_id: string;
  user_id: string;
  response: DbJson;
  choice: string;
  rejects: DbBool;
  voted_at: DbDate;
}

export interface ReviewAssigneesTable {
  message_id: string;
  user_id: string;
  owner_id: string;
  created_at: DbDate;
}

export interface GroupsTable {
  name: string;
  display_name: string;
  created_at: DbDate;
}

export interface GroupMembersTable {
  group_name: string;
  user_id: string;
}

export interface AttachmentsTable {
  id: string;
  channel_id: string;
  owner_id: string;
  message_id: string | null;
  filename: string;
  mime_type: string;
  size: number | string;
  sha256: string;
  storage_key: string;
  plugin_type: string;
  created_at: DbDate;
}

export interface StatusStepsTable {
  id: string;
  channel_id: string;
  owner_id: string;
  stream_id: string;
  idx: number;
  text: string;
  tool_hint: DbBool;
  created_at: DbDate;
}

export interface StatusHistoryTable {
  id: string;
  channel_id: string;
  status: string;
  message: string | null;
  created_at: DbDate;
}

export interface ChannelReadsTable {
  user_id: string;
  channel_id: string;
  last_read_at: DbDate;
  last_read_message_id: string | null;
}

export interface ReviewReadsTable {
  user_id: string;
  message_id: string;
  read_at: DbDate;
}

export interface DeliveriesTable {
  id: string;
  owner_id: string;
  channel_id: string;
  message_id: string | null;
  event: string;
  url: string;
  method: string;
  headers: DbJson;
  body: string;
  signed: DbBool;
  state: string;
  attempts: number;
  next_attempt_at: DbDate | null;
  locked_until: DbDate | null;
  last_status: number | null;
  last_error: string | null;
  created_at: DbDate;
  updated_at: DbDate;
}

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  at: DbDate;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

export interface EventsTable {
  seq: Generated<number | string>;
  type: string;
  owner_id: string;
  channel_id: string | null;
  subject_id: string | null;
  payload: DbJson;
  created_at: DbDate;
}

export interface AuditEntriesTable {
  owner_id: string;
  seq: number | string;
  at: DbDate;
  type: string;
  message_id: string;
  actor_kind: string;
  actor_id: string | null;
  via: string;
  data: DbJson;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  owner_id: string;
  seq: number | string;
  hash: string;
}

/** The schema, table names prefixed `placet_` so Placet can share a database with its host. */
export interface PlacetDatabase {
  placet_users: UsersTable;
  placet_sessions: SessionsTable;
  placet_kv: KvTable;
  placet_api_keys: ApiKeysTable;
  placet_channels: ChannelsTable;
  placet_messages: MessagesTable;
  placet_reviews: ReviewsTable;
  placet_review_votes: ReviewVotesTable;
  placet_review_assignees: ReviewAssigneesTable;
  placet_groups: GroupsTable;
  placet_group_members: GroupMembersTable;
  placet_attachments: AttachmentsTable;
  placet_status_steps: StatusStepsTable;
  placet_status_history: StatusHistoryTable;
  placet_channel_reads: ChannelReadsTable;
  placet_review_reads: ReviewReadsTable;
  placet_deliveries: DeliveriesTable;
  placet_delivery_attempts: DeliveryAttemptsTable;
  placet_events: EventsTable;
  placet_audit_entries: AuditEntriesTable;
  placet_audit_heads: AuditHeadsTable;
}
