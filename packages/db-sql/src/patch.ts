import type { SqlDialect } from './codec.js';

type Kind = 'plain' | 'date' | 'json' | 'bool';
export type FieldMap = Record<string, readonly [column: string, kind: Kind]>;

/** Converts a partial record into a partial row (only the keys present), with the dialect's codec. */
export function toPatch(
  fields: FieldMap,
  patch: Record<string, unknown>,
  d: SqlDialect,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const field = fields[key];
    if (!field) throw new Error(`db-sql: no column for field ${key}`);
    const [column, kind] = field;
    row[column] =
      value === null
        ? null
        : kind === 'date'
          ? d.date(value as Date)
          : kind === 'json'
            ? d.json(value)
            : kind === 'bool'
              ? d.bool(value as boolean)
              : value;
  }
  return row;
}

export const USER_FIELDS: FieldMap = {
  email: ['email', 'plain'],
  displayName: ['display_name', 'plain'],
  role: ['role', 'plain'],
  passwordHash: ['password_hash', 'plain'],
  externalId: ['external_id', 'plain'],
  mustChangePassword: ['must_change_password', 'bool'],
};

export const API_KEY_FIELDS: FieldMap = {
  label: ['label', 'plain'],
  keyHash: ['key_hash', 'plain'],
  keyPrefix: ['key_prefix', 'plain'],
  lastUsedAt: ['last_used_at', 'date'],
};

export const CHANNEL_FIELDS: FieldMap = {
  name: ['name', 'plain'],
  description: ['description', 'plain'],
  avatarUrl: ['avatar_url', 'plain'],
  webhookUrl: ['webhook_url', 'plain'],
  webhookHeaders: ['webhook_headers', 'json'],
  webhookAuth: ['webhook_auth', 'json'],
  webhookSecret: ['webhook_secret', 'plain'],
  status: ['status', 'plain'],
  statusMessage: ['status_message', 'plain'],
  statusSince: ['status_since', 'date'],
  lastActiveAt: ['last_active_at', 'date'],
  commands: ['commands', 'json'],
  tag: ['tag', 'plain'],
  isSubagent: ['is_subagent', 'bool'],
  parentAgentId: ['parent_agent_id', 'plain'],
  updatedAt: ['updated_at', 'date'],
};

export const MESSAGE_FIELDS: FieldMap = {
  senderType: ['sender_type', 'plain'],
  senderId: ['sender_id', 'plain'],
  text: ['text', 'plain'],
  status: ['status', 'plain'],
  metadata: ['metadata', 'json'],
  clientId: ['client_id', 'plain'],
  streamId: ['stream_id', 'plain'],
  streamState: ['stream_state', 'plain'],
  deliveryStatus: ['delivery_status', 'plain'],
  iterationGroupId: ['iteration_group_id', 'plain'],
  iteration: ['iteration', 'plain'],
  attachmentCount: ['attachment_count', 'plain'],
  updatedAt: ['updated_at', 'date'],
};

export const REVIEW_COMPLETION_FIELDS: FieldMap = {
  response: ['response', 'json'],
  respondedBy: ['responded_by', 'plain'],
  completedAt: ['completed_at', 'date'],
  feedback: ['feedback', 'plain'],
  modifiedFileIds: ['modified_file_ids', 'json'],
  policy: ['policy', 'json'],
};
