import { createHash, randomBytes } from 'node:crypto';
import {
  type ApiKeyRecord,
  type AttachmentRecord,
  type ChannelRecord,
  type DeliveryRecord,
  type MessageRecord,
  type NewEvent,
  newId,
  type Repositories,
  type ReviewAssigneeRecord,
  type ReviewPolicyRecord,
  type ReviewRecord,
  type ReviewVoteRecord,
  type UserRecord,
} from '@placet/core/adapter';

/** What `statusSteps.append` takes: a status step without its `index`, which the store allocates. */
export type StatusStepInput = Parameters<Repositories['statusSteps']['append']>[0];
/** A row of the status history, as `statusHistory.insert` takes it. */
export type StatusHistoryEntry = Parameters<Repositories['statusHistory']['insert']>[0];

/** A random lowercase id, optionally prefixed (`randomId('client')` → `client-3f9c…`). */
export function randomId(prefix?: string): string {
  const body = randomBytes(10).toString('hex');
  return prefix === undefined || prefix === '' ? body : `${prefix}-${body}`;
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/** A promise with its resolve and reject functions, to pause async work at a chosen point. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Awaits a few macrotask turns so that pending promise chains and I/O callbacks can run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface WaitForOptions {
  /** Gives up (rejecting) after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Included in the timeout error. */
  message?: string;
}

/**
 * Polls `predicate` on macrotask turns (then short timers) until it is true; rejects after `timeoutMs`.
 * For waiting on asynchronous deliveries without asserting on a fixed sleep.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  for (let turn = 0; ; turn++) {
    if (await predicate()) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `waitFor: condition not met within ${timeoutMs} ms${options.message ? `: ${options.message}` : ''}`,
      );
    }
    if (turn < 20) await new Promise<void>((resolve) => setImmediate(resolve));
    else await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

/** The current time as a `Date` (millisecond precision, as every record date). */
function nowDate(): Date {
  return new Date(Date.now());
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function makeUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = newId();
  return {
    id,
    email: `user-${id}@example.test`,
    displayName: `User ${id.slice(-6)}`,
    role: 'member',
    passwordHash: null,
    externalId: null,
    mustChangePassword: false,
    createdAt: nowDate(),
    ...overrides,
  };
}

export function makeApiKey(userId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  const raw = `hp_${randomHex(24)}`;
  return {
    id: newId(),
    userId,
    label: 'test key',
    keyHash: createHash('sha256').update(raw).digest('hex'),
    keyPrefix: raw.slice(0, 11),
    channelId: null,
    lastUsedAt: null,
    createdAt: nowDate(),
    ...overrides,
  };
}

export function makeChannel(ownerId: string, overrides: Partial<ChannelRecord> = {}): ChannelRecord {
  const id = newId();
  const createdAt = overrides.createdAt ?? nowDate();
  return {
    id,
    ownerId,
    name: `agent-${id.slice(-6)}`,
    description: null,
    avatarUrl: null,
    webhookUrl: null,
    webhookHeaders: null,
    webhookAuth: null,
    webhookSecret: null,
    status: 'active',
    statusMessage: null,
    statusSince: null,
    lastActiveAt: null,
    commands: null,
    tag: null,
    isSubagent: false,
    parentAgentId: null,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

export function makeMessage(
  channel: Pick<ChannelRecord, 'id' | 'ownerId'>,
  overrides: Partial<MessageRecord> = {},
): MessageRecord {
  const createdAt = overrides.createdAt ?? nowDate();
  return {
    id: newId(),
    channelId: channel.id,
    ownerId: channel.ownerId,
    senderType: 'agent',
    senderId: channel.id,
    text: 'Hello from a test agent',
    status: 'info',
    metadata: null,
    clientId: null,
    streamId: null,
    streamState: null,
    deliveryStatus: 'sent',
    iterationGroupId: null,
    iteration: null,
    attachmentCount: 0,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/** A pending review of `message`; `expiresAt` defaults to 24 h after `createdAt`. */
export function makeReview(
  message: Pick<MessageRecord, 'id' | 'channelId' | 'ownerId'>,
  overrides: Partial<ReviewRecord> = {},
): ReviewRecord {
  const createdAt = overrides.createdAt ?? nowDate();
  return {
    messageId: message.id,
    channelId: message.channelId,
    ownerId: message.ownerId,
    type: 'approval',
    payload: { question: 'Proceed?' },
    status: 'pending',
    response: null,
    respondedBy: null,
    callback: null,
    expiresAt: new Date(createdAt.getTime() + 24 * 60 * 60 * 1000),
    completedAt: null,
    expiredAt: null,
    feedback: null,
    modifiedFileIds: null,
    createdAt,
    policy: null,
    escalationStep: 0,
    nextEscalationAt: null,
    ...overrides,
  };
}

/**
 * An approval policy: `quorum` of `required` votes among `assigneeIds` (two fresh ids unless given), no
 * veto, expiring at the deadline, no escalation ladder, no proposal, not decided yet.
 */
export function makePolicy(overrides: Partial<ReviewPolicyRecord> = {}): ReviewPolicyRecord {
  const assigneeIds = overrides.assigneeIds ?? [newId(), newId()];
  return {
    assignees: [...assigneeIds],
    assigneeIds,
    mode: 'quorum',
    required: 2,
    veto: false,
    onTimeout: 'expire',
    escalation: [],
    proposal: null,
    edits: null,
    outcome: null,
    ...overrides,
  };
}

/** A vote of `userId` on the review of `messageId`: approving (`choice` `approve`), cast now. */
export function makeVote(
  messageId: string,
  userId: string,
  overrides: Partial<ReviewVoteRecord> = {},
): ReviewVoteRecord {
  return {
    messageId,
    userId,
    response: { selectedOption: 'approve' },
    choice: 'approve',
    rejects: false,
    votedAt: nowDate(),
    ...overrides,
  };
}

/** An assignee row naming `userId` on `review` (its owner and creation time, as the engine writes them). */
export function makeAssignee(
  review: Pick<ReviewRecord, 'messageId' | 'ownerId' | 'createdAt'>,
  userId: string,
  overrides: Partial<ReviewAssigneeRecord> = {},
): ReviewAssigneeRecord {
  return {
    messageId: review.messageId,
    userId,
    ownerId: review.ownerId,
    createdAt: review.createdAt,
    ...overrides,
  };
}

/** An orphan attachment of `channel` (set `messageId` to link it). */
export function makeAttachment(
  channel: Pick<ChannelRecord, 'id' | 'ownerId'>,
  overrides: Partial<AttachmentRecord> = {},
): AttachmentRecord {
  const id = newId();
  return {
    id,
    channelId: channel.id,
    ownerId: channel.ownerId,
    messageId: null,
    filename: 'report.txt',
    mimeType: 'text/plain',
    size: 1234,
    sha256: randomHex(32),
    storageKey: `files/${channel.id}/${id}`,
    pluginType: 'file',
    createdAt: nowDate(),
    ...overrides,
  };
}

/** A status step of `channel` for `statusSteps.append` (a random `streamId` unless overridden). */
export function makeStatusStep(
  channel: Pick<ChannelRecord, 'id' | 'ownerId'>,
  overrides: Partial<StatusStepInput> = {},
): StatusStepInput {
  return {
    id: newId(),
    channelId: channel.id,
    ownerId: channel.ownerId,
    streamId: randomId('stream'),
    text: 'Reading the repository…',
    toolHint: false,
    createdAt: nowDate(),
    ...overrides,
  };
}

/** A status-history entry of `channel` (a transition to `active` unless overridden). */
export function makeStatusHistory(
  channel: Pick<ChannelRecord, 'id'>,
  overrides: Partial<StatusHistoryEntry> = {},
): StatusHistoryEntry {
  return {
    id: newId(),
    channelId: channel.id,
    status: 'active',
    message: null,
    createdAt: nowDate(),
    ...overrides,
  };
}

/**
 * A pending webhook delivery of `channel`, due at `createdAt` (now unless overridden), unsigned, not
 * attempted yet and held by no one. `headers` and `body` are fresh values per call.
 */
export function makeDelivery(
  channel: Pick<ChannelRecord, 'id' | 'ownerId'>,
  overrides: Partial<DeliveryRecord> = {},
): DeliveryRecord {
  const id = newId();
  const createdAt = overrides.createdAt ?? nowDate();
  return {
    id,
    ownerId: channel.ownerId,
    channelId: channel.id,
    messageId: null,
    event: 'message:created',
    url: 'https://agent.example.test/webhook',
    method: 'POST',
    headers: { 'x-test': 'delivery' },
    body: JSON.stringify({ type: 'message:created', deliveryId: id }),
    signed: false,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: createdAt,
    lockedUntil: null,
    lastStatus: null,
    lastError: null,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

export function makeEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    type: 'message:created',
    ownerId: newId(),
    channelId: null,
    subjectId: null,
    payload: { test: true },
    createdAt: nowDate(),
    ...overrides,
  };
}
