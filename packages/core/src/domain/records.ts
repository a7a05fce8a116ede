/**
 * The rows the engine stores, as the Store port reads and writes them. Dates are `Date` objects;
 * JSON columns are plain values. These are internal: HTTP and events use the contract shapes, built by
 * `domain/present.ts`, which strip every secret. The enumerations they share with the wire are the
 * contract's types.
 */
import type { ChannelCommand } from '../contract/channel.js';
import type {
  AgentStatus,
  DeliveryStatus,
  MessageStatus,
  ReviewStatus,
  SenderType,
  StreamState,
} from '../contract/common.js';

export type {
  AgentStatus,
  ChannelCommand,
  DeliveryStatus,
  MessageStatus,
  ReviewStatus,
  SenderType,
  StreamState,
};

export type UserRole = 'owner' | 'member';

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  /** scrypt hash (`scrypt$N$r$p$salt$hash`), or null for host-managed users. */
  passwordHash: string | null;
  externalId: string | null;
  mustChangePassword: boolean;
  createdAt: Date;
}

/**
 * A signed-in human's session (the example server's login, or any host that keeps sessions in Placet's
 * store): deleting the row ends the session in every process at once.
 */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

/** One entry of the key-value store: plugins' state, single-use claims (tickets), engine bookkeeping. */
export interface KeyValueRecord {
  namespace: string;
  key: string;
  /** JSON-serialisable. */
  value: unknown;
  /** Past this instant the entry is gone (reads skip it; the sweeper deletes it). */
  expiresAt: Date | null;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  label: string;
  /** SHA-256 hex of the raw key; the raw key is never stored. */
  keyHash: string;
  /** First 11 characters of the raw key (`hp_` + 8 hex), for display. */
  keyPrefix: string;
  /** When set, the key only reaches this channel. */
  channelId: string | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

export interface ChannelRecord {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  avatarUrl: string | null;
  webhookUrl: string | null;
  webhookHeaders: Record<string, string> | null;
  webhookAuth: { username: string; password: string } | null;
  /** Standard Webhooks signing secret (`whsec_…`); never leaves the server except at rotation. */
  webhookSecret: string | null;
  status: AgentStatus;
  statusMessage: string | null;
  statusSince: Date | null;
  lastActiveAt: Date | null;
  commands: ChannelCommand[] | null;
  tag: string | null;
  isSubagent: boolean;
  parentAgentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MessageRecord {
  id: string;
  channelId: string;
  /** Owner of the channel, denormalised so that every query can be owner-scoped by index. */
  ownerId: string;
  senderType: SenderType;
  senderId: string;
  text: string | null;
  status: MessageStatus | null;
  metadata: Record<string, unknown> | null;
  clientId: string | null;
  streamId: string | null;
  streamState: StreamState | null;
  deliveryStatus: DeliveryStatus;
  iterationGroupId: string | null;
  iteration: number | null;
  /** Number of linked attachments, kept so that `has_attachments` is an indexed filter. */
  attachmentCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReviewCallbackRecord {
  url: string;
  method?: string;
  headers?: Record<string, string>;
}

export interface ReviewRecord {
  /** A review belongs to exactly one message and shares its id. */
  messageId: string;
  channelId: string;
  ownerId: string;
  type: string;
  payload: Record<string, unknown>;
  status: ReviewStatus;
  response: Record<string, unknown> | null;
  respondedBy: string | null;
  callback: ReviewCallbackRecord | null;
  expiresAt: Date;
  completedAt: Date | null;
  expiredAt: Date | null;
  feedback: string | null;
  modifiedFileIds: Record<string, string> | null;
  createdAt: Date;
  /**
   * The approval policy an agent set (assignees, quorum, default outcome), or null for a plain review:
   * a plain review behaves, and is shown, exactly as the original's.
   */
  policy: ReviewPolicyRecord | null;
  /** How many steps of the policy's escalation ladder have fired (0 for a plain review). */
  escalationStep: number;
  /** When the next escalation step is due; null when none is left (always for a plain review). */
  nextEscalationAt: Date | null;
}

/** One step of an escalation ladder: at `after` (since the review was created), remind and/or add assignees. */
export interface EscalationStepRecord {
  /** As the agent wrote it: `30m`, `2h`. */
  after: string;
  afterMs: number;
  /** Remind the assignees (a reminder notification to each). */
  remind: boolean;
  /** Assignees to add, as the agent named them (resolved to users when the step fires). */
  addAssignees: string[];
}

/** `review.proposal`: a value, which of its top-level fields a human may edit, and an optional JSON Schema. */
export interface ProposalRecord {
  value: Record<string, unknown>;
  editable: string[];
  schema: Record<string, unknown> | null;
}

/** What a human changed in a proposal: the approved value and one entry per changed field. */
export interface ProposalEditsRecord {
  value: Record<string, unknown>;
  diff: { path: string; from: unknown; to: unknown }[];
}

/** How a review with a policy ended; null while it is pending (or when it expired). */
export type ReviewOutcome = 'answered' | 'quorum' | 'veto' | 'default';

/** A review's approval policy (stored with the review as one JSON value). */
export interface ReviewPolicyRecord {
  /** The assignees as the agent named them: user ids, emails, `role:<role>`. */
  assignees: string[];
  /** Who may answer: the users those named when the review was created (a snapshot), in order. */
  assigneeIds: string[];
  mode: 'any' | 'all' | 'quorum';
  /** Votes for one choice that complete the review: `any` 1, `all` every assignee, `quorum` N. */
  required: number;
  /** One vote that rejects (as its review type judges it) completes the review as rejected. */
  veto: boolean;
  /** When nobody decided by `expiresAt`: expire (the original's behaviour) or apply this response. */
  onTimeout: 'expire' | { response: Record<string, unknown> };
  /** The escalation ladder, in time order (empty: none). */
  escalation: EscalationStepRecord[];
  /** The agent's proposal a human may edit before approving it, or null. */
  proposal: ProposalRecord | null;
  /** Set with the completion when the deciding answer edited the proposal. */
  edits: ProposalEditsRecord | null;
  /** Set with the completion: how it was decided. */
  outcome: ReviewOutcome | null;
}

/** One assignee's vote on a review with a policy: a full response of the review type. */
export interface ReviewVoteRecord {
  messageId: string;
  userId: string;
  response: Record<string, unknown>;
  /** What the vote chose, as its review type judges it (an approval's option id). */
  choice: string;
  /** Whether the vote says no (for `veto`). */
  rejects: boolean;
  votedAt: Date;
}

/** "This user may answer this review": the index of an assignee's inbox. */
export interface ReviewAssigneeRecord {
  messageId: string;
  userId: string;
  /** The review's owner (the channel's), for tenancy checks and deletion. */
  ownerId: string;
  /** The review's creation time: the assignee's inbox is ordered by it. */
  createdAt: Date;
}

/**
 * A named group of users (`group:<name>` among a review's assignees), instance-wide like users. Its
 * `name` is a lower-case slug (`[a-z0-9][a-z0-9._-]*`, 1–64 characters) and never changes.
 */
export interface GroupRecord {
  name: string;
  displayName: string;
  createdAt: Date;
}

/** "This user is a member of this group". */
export interface GroupMemberRecord {
  groupName: string;
  userId: string;
}

export interface AttachmentRecord {
  id: string;
  channelId: string;
  ownerId: string;
  /** null = an orphan file, stored for later linking through `attachmentIds`. */
  messageId: string | null;
  filename: string;
  mimeType: string;
  size: number;
  sha256: string;
  storageKey: string;
  pluginType: string;
  createdAt: Date;
}

/** One progress step of a streamed reply. `index` is gap-free and unique per (channel, stream). */
export interface StatusStepRecord {
  id: string;
  channelId: string;
  ownerId: string;
  streamId: string;
  index: number;
  text: string;
  toolHint: boolean;
  createdAt: Date;
}

/** A transition of a channel's agent status (written only when the status really changes). */
export interface StatusHistoryRecord {
  id: string;
  channelId: string;
  status: AgentStatus;
  message: string | null;
  createdAt: Date;
}

/** `skipped`: a notification with nothing left to say when it was due (its review answered meanwhile). */
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'skipped';

/**
 * One webhook delivery: a fixed body sent to one URL until it succeeds, is refused for good (410) or
 * runs out of attempts. `id` is the Standard Webhooks `webhook-id`, the same on every attempt. Headers
 * may hold credentials (custom headers, basic auth): never presented to clients.
 */
export interface DeliveryRecord {
  id: string;
  ownerId: string;
  channelId: string;
  messageId: string | null;
  event: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Sign with the channel's secret at send time (it had one when the delivery was planned). */
  signed: boolean;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date | null;
  /** A process that claimed the delivery owns it until then (several processes share one store). */
  lockedUntil: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryAttemptRecord {
  id: string;
  deliveryId: string;
  attempt: number;
  at: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** Who did what an audit entry records: a human, an agent (its channel), or the engine itself. */
export interface AuditActorRecord {
  kind: 'user' | 'agent' | 'system';
  /** The user id, the channel id of an agent, or null for the system. */
  id: string | null;
}

/**
 * One entry of an owner's audit chain: append-only, numbered 1, 2, 3… per owner (`seq`, gap-free), each
 * linked to the one before by `prevHash` (64 zeros before the first) and sealed by `hash`, the SHA-256
 * (hex) of its canonical JSON without `hash` (see `auditEntryHash` in `@placet/core/receipts`).
 */
export interface AuditEntryRecord {
  ownerId: string;
  seq: number;
  at: Date;
  /** `review.created`, `review.voted`, … (`AuditEventType`). */
  type: string;
  /** The review (its message id). The entry stays when the message is deleted: it is history. */
  messageId: string;
  actor: AuditActorRecord;
  /** The path it came through: `api`, `dashboard`, `email`, `push`, `sweeper`, a plugin's name. */
  via: string;
  /** The details of the event (JSON). */
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The head of an owner's audit chain: the last entry's `seq` and `hash` (0 and 64 zeros when empty). */
export interface AuditHeadRecord {
  seq: number;
  hash: string;
}

export const EVENT_TYPES = [
  'message:created',
  'message:updated',
  'message:deleted',
  'message:status',
  'message:delivery',
  'review:responded',
  'review:expired',
  'agent:status',
  'channel:updated',
  'review:assigned',
  'inbox:read',
  'access:revoked',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Outbox events for the engine and its adapters only: never sent to clients, webhooks or notifiers.
 * `access:revoked` ends what a credential opened (sockets) in every process.
 */
export const INTERNAL_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>(['access:revoked']);

/**
 * The payload of `access:revoked`: which credential ended. `apiKeyId`: that key (revoked or rotated);
 * `sessionId`: that session (logout); `allSessions`: every session of the user (password change);
 * none of them: everything of the user (the user was deleted).
 */
export interface AccessRevoked {
  userId: string;
  apiKeyId?: string;
  sessionId?: string;
  allSessions?: boolean;
  reason:
    | 'api_key_revoked'
    | 'api_key_rotated'
    | 'logout'
    | 'password_changed'
    | 'user_deleted'
    | 'session_revoked';
}

/** One row of the outbox. */
export interface EventRecord {
  /** Monotonic sequence number, allocated by the store. */
  seq: number;
  type: EventType;
  ownerId: string;
  channelId: string | null;
  /** The entity the event is about (a message id for message and review events). */
  subjectId: string | null;
  /** The public payload, exactly as realtime clients receive it. Never holds a secret. */
  payload: unknown;
  createdAt: Date;
}

export type NewEvent = Omit<EventRecord, 'seq'>;
