import type {
  ApiKeyRecord,
  AttachmentRecord,
  AuditEntryRecord,
  AuditHeadRecord,
  ChannelRecord,
  DeliveryAttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  EventRecord,
  GroupMemberRecord,
  GroupRecord,
  KeyValueRecord,
  MessageRecord,
  NewEvent,
  ReviewAssigneeRecord,
  ReviewPolicyRecord,
  ReviewRecord,
  ReviewVoteRecord,
  SessionRecord,
  StatusHistoryRecord,
  StatusStepRecord,
  UserRecord,
} from '../domain/records.js';

/** What an adapter can do; the engine and the conformance suite read these. */
export interface StoreCapabilities {
  /** `memory`, `sqlite`, `postgres`, … — for logs and capability-driven test skips. */
  readonly dialect: string;
  /** True when several processes may share the store (then a cross-process Transport is needed). */
  readonly multiProcess: boolean;
}

/** Connection pool use of a store that pools connections (for metrics). */
export interface StorePoolStats {
  /** Connections open (idle and in use). */
  readonly total: number;
  /** Open connections not in use. */
  readonly idle: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
  /** The pool's upper bound. */
  readonly max: number;
}

export interface UserRepository {
  /** MUST reject a second user with the same (case-insensitive) email or externalId with `UniqueViolation`. */
  insert(user: UserRecord): Promise<void>;
  findById(id: string): Promise<UserRecord | undefined>;
  /** Case-insensitive. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findByExternalId(externalId: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  update(id: string, patch: Partial<Omit<UserRecord, 'id' | 'createdAt'>>): Promise<UserRecord | undefined>;
  /**
   * Deleting a user MUST delete their sessions, API keys, channels (with everything below them), read
   * marks (channel reads and review reads), the review assignee rows naming them, their group
   * memberships and their audit chain (entries and head). Their votes on other owners' reviews stay (the
   * review's history).
   */
  delete(id: string): Promise<boolean>;
}

export interface ApiKeyRepository {
  /** MUST reject a duplicate `keyHash` with `UniqueViolation`. */
  insert(key: ApiKeyRecord): Promise<void>;
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  /** Looked up by index on `keyHash`. */
  findByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** Newest first. */
  listByUser(userId: string): Promise<ApiKeyRecord[]>;
  update(
    id: string,
    patch: Partial<Pick<ApiKeyRecord, 'label' | 'keyHash' | 'keyPrefix' | 'lastUsedAt'>>,
  ): Promise<ApiKeyRecord | undefined>;
  /**
   * Sets `lastUsedAt = now` only when it is null or older than `now - minIntervalMs`, atomically
   * (a conditional update), and reports whether it wrote. Concurrent callers: at most one writes.
   */
  touch(id: string, now: Date, minIntervalMs: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface SessionRepository {
  insert(session: SessionRecord): Promise<void>;
  /** The session, expired or not (the caller checks `expiresAt`). */
  findById(id: string): Promise<SessionRecord | undefined>;
  delete(id: string): Promise<boolean>;
  /** Deletes every session of the user except `exceptId`; returns the ids deleted. */
  deleteByUser(userId: string, exceptId?: string): Promise<string[]>;
  /** Deletes up to `limit` sessions expired at `now`; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

/**
 * A small key-value store, one namespace per owner of the data (a plugin's name, `placet:…` for the
 * engine). Entries past `expiresAt` MUST be invisible to reads and to `insertIfAbsent`.
 */
export interface KeyValueRepository {
  get(namespace: string, key: string, now: Date): Promise<KeyValueRecord | undefined>;
  /** Inserts or replaces. */
  set(entry: KeyValueRecord): Promise<void>;
  /**
   * Inserts only when no live entry has this key (an expired one is replaced), atomically: of N
   * concurrent callers with the same key exactly one gets `true` — in every process sharing the store.
   * Single-use tokens are claimed with it.
   */
  insertIfAbsent(entry: KeyValueRecord, now: Date): Promise<boolean>;
  delete(namespace: string, key: string): Promise<boolean>;
  /** Deletes up to `limit` entries expired at `now`; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

export interface ChannelRepository {
  insert(channel: ChannelRecord): Promise<void>;
  findById(id: string): Promise<ChannelRecord | undefined>;
  /** Newest first. */
  listByOwner(ownerId: string): Promise<ChannelRecord[]>;
  /** Channels not `offline` whose `lastActiveAt` is before `before` (offline detection), by index. */
  listSilent(before: Date, limit: number): Promise<ChannelRecord[]>;
  /**
   * Sets `status = 'offline'` only if the channel is not offline and `lastActiveAt` still equals
   * `lastActiveAt` (a ping in between wins), atomically. Returns the updated row or undefined.
   */
  markOffline(id: string, lastActiveAt: Date, now: Date): Promise<ChannelRecord | undefined>;
  update(
    id: string,
    patch: Partial<Omit<ChannelRecord, 'id' | 'ownerId' | 'createdAt'>>,
  ): Promise<ChannelRecord | undefined>;
  /**
   * MUST delete the channel's messages, reviews (with their votes and assignee rows), attachment rows,
   * status steps and history with it.
   */
  delete(id: string): Promise<boolean>;
}

export interface MessageListFilter {
  channelId: string;
  /** Keyset cursor: only messages strictly older than this (createdAt desc, id desc). */
  before?: { createdAt: Date; id: string };
  limit: number;
  /** Case-insensitive substring of `text`. */
  search?: string;
  /** Only messages with at least one attachment. */
  hasAttachments?: boolean;
}

export interface MessageRepository {
  /**
   * MUST reject with `UniqueViolation` (constraint `messages_channel_client`) a second message with the
   * same non-null `(channelId, clientId)`, and (constraint `messages_channel_stream`) the same non-null
   * `(channelId, streamId)`, and (constraint `messages_iteration`) the same non-null
   * `(iterationGroupId, iteration)` — also when the two inserts race in parallel transactions.
   */
  insert(message: MessageRecord): Promise<void>;
  findById(id: string): Promise<MessageRecord | undefined>;
  /** The messages of these ids that exist, in any order: one read for a page (never one per id). */
  findByIds(ids: readonly string[]): Promise<MessageRecord[]>;
  findByClientId(channelId: string, clientId: string): Promise<MessageRecord | undefined>;
  findByStreamId(channelId: string, streamId: string): Promise<MessageRecord | undefined>;
  /**
   * Updates a streamed draft only while it is still `streaming` (compare-and-set on `streamState`) and,
   * when `idleBefore` is given, only while `updatedAt < idleBefore` (a PATCH that landed meanwhile wins);
   * returns the updated row, or undefined. An absent `text` leaves the text as it is.
   */
  updateStream(
    id: string,
    patch: Partial<Pick<MessageRecord, 'text'>> & Pick<MessageRecord, 'streamState' | 'updatedAt'>,
    condition?: { idleBefore?: Date },
  ): Promise<MessageRecord | undefined>;
  /**
   * `updateStream` of the channel's draft `streamId`, found and updated in one step (a PATCH's hot
   * path); undefined when the channel has no such draft or it is no longer `streaming`.
   */
  updateStreamOf(
    channelId: string,
    streamId: string,
    patch: Partial<Pick<MessageRecord, 'text'>> & Pick<MessageRecord, 'streamState' | 'updatedAt'>,
  ): Promise<MessageRecord | undefined>;
  /** Drafts still `streaming` whose `updatedAt` is before `before`, oldest first. */
  listStaleStreams(before: Date, limit: number): Promise<MessageRecord[]>;
  /** Highest `iteration` in a chain, or undefined for an unknown group. */
  maxIteration(iterationGroupId: string): Promise<number | undefined>;
  /**
   * Agent messages of a channel created after `since` (all when null): the unread count. With
   * `readerId`, a review that reader has read (`reviewReads`, say in the inbox) is not counted: it is
   * read wherever it was opened.
   */
  countFromAgentSince(channelId: string, since: ReadMark | null, readerId?: string): Promise<number>;
  /** The chain, ordered by `iteration` ascending. */
  listByIterationGroup(iterationGroupId: string): Promise<MessageRecord[]>;
  /** Newest first by (createdAt desc, id desc), by index; cost MUST NOT grow with the channel's size. */
  list(query: MessageListFilter): Promise<MessageRecord[]>;
  update(
    id: string,
    patch: Partial<Omit<MessageRecord, 'id' | 'channelId' | 'ownerId' | 'createdAt'>>,
  ): Promise<MessageRecord | undefined>;
  /**
   * Sets `deliveryStatus` unless the current value is `agent_received` (an acknowledgement is never
   * downgraded), atomically. Returns the updated row, or undefined when nothing was written.
   */
  setDeliveryStatus(id: string, status: DeliveryStatus, now: Date): Promise<MessageRecord | undefined>;
  /**
   * MUST delete the message's review, the votes and assignee rows of that review, attachment rows and
   * every user's review read mark with it. The audit entries that name it stay (history).
   */
  delete(id: string): Promise<boolean>;
}

export interface ReviewCompletion {
  response: Record<string, unknown>;
  /** The human who answered (or cast the deciding vote); null for a default outcome. */
  respondedBy: string | null;
  completedAt: Date;
  feedback: string | null;
  modifiedFileIds: Record<string, string> | null;
  /** When given, replaces the review's policy in the same update (its `outcome`). */
  policy?: ReviewPolicyRecord;
}

/**
 * The order of an inbox listing: `newest` first (createdAt desc, messageId desc; the default) or `oldest`
 * first (createdAt asc, messageId asc).
 */
export type ReviewOrder = 'newest' | 'oldest';

/** A position in an inbox listing: a review's `createdAt` and `messageId`. */
export interface ReviewPosition {
  /** The review's `createdAt`. */
  createdAt: Date;
  /** The review's message id: the tie-breaker between reviews created in the same millisecond. */
  messageId: string;
}

/**
 * What the inbox filters on besides who may see it: status, type, and `search`, a case-insensitive
 * substring of the review message's `text` (`%`, `_` and `\` literal; ASCII letters MUST match in either
 * case, other letters as the store's `lower()` folds them). An empty `search` filters nothing.
 */
export interface ReviewFilter {
  /** Only reviews in this status (all when absent). */
  status?: ReviewRecord['status'];
  /** Only reviews of this type. */
  type?: string;
  /** Only reviews whose message text contains this, ignoring case (see above). */
  search?: string;
}

/**
 * An inbox page. `order` is `newest` by default. The keyset bounds are independent of the order: `before`
 * keeps only reviews strictly older than the position ((createdAt, messageId) less), `after` only those
 * strictly newer; a page of `newest` continues with `before` its last row, a page of `oldest` with `after`.
 */
export interface ReviewPageQuery extends ReviewFilter {
  /** `newest` first when absent. */
  order?: ReviewOrder;
  /** Only reviews strictly older than this position. */
  before?: ReviewPosition;
  /** Only reviews strictly newer than this position. */
  after?: ReviewPosition;
  /** At most this many reviews. */
  limit: number;
}

export interface ReviewListQuery extends ReviewPageQuery {
  ownerId: string;
  channelId?: string;
}

/** The inbox filter of `reviews.count`, and whose read marks make a review "read". */
export interface ReviewCountQuery extends ReviewFilter {
  ownerId: string;
  channelId?: string;
  /** The user whose review read marks (`reviewReads`) decide `unread`. */
  readerId: string;
}

/** How many reviews match a filter, and how many of those the reader has not marked read. */
export interface ReviewCount {
  total: number;
  unread: number;
}

export interface ReviewRepository {
  insert(review: ReviewRecord): Promise<void>;
  findByMessageId(messageId: string): Promise<ReviewRecord | undefined>;
  findByMessageIds(messageIds: readonly string[]): Promise<ReviewRecord[]>;
  /**
   * Exactly-once answer: a conditional update `WHERE status = 'pending' AND expiresAt > completedAt`.
   * Returns the completed review, or undefined when the review was not pending (or had expired). Of N
   * concurrent callers at most one MUST get a review back.
   */
  complete(messageId: string, completion: ReviewCompletion): Promise<ReviewRecord | undefined>;
  /**
   * Conditional update `WHERE status = 'pending' AND expiresAt <= now`. Returns the expired review, or
   * undefined; of N concurrent callers at most one MUST get it back.
   */
  expire(messageId: string, now: Date): Promise<ReviewRecord | undefined>;
  /**
   * The inbox: an owner's reviews, optionally by status, channel, type and search, newest (or oldest)
   * first, keyset-paged. The order is served by an index on the owner's reviews (either direction); a
   * `search` joins each candidate's message by primary key.
   */
  list(query: ReviewListQuery): Promise<ReviewRecord[]>;
  /**
   * The inbox badge: how many of an owner's reviews match the filter (as `list` filters) and how many of
   * those have no read mark of `readerId`. One aggregate query served by indexes; its cost MUST NOT be a
   * walk over pages of rows handed to the caller.
   */
  count(query: ReviewCountQuery): Promise<ReviewCount>;
  /** Pending reviews with `expiresAt <= now`, oldest expiry first, by index on `expiresAt`. */
  listDue(now: Date, limit: number): Promise<ReviewRecord[]>;
  /** The earliest `expiresAt` of any pending review, for scheduling the sweeper. */
  nextExpiry(): Promise<Date | undefined>;
  /**
   * Pending reviews of every owner created in `[from, until)`, oldest first (createdAt, messageId), after
   * the keyset cursor `after` when given: the reminders' sweep. By index on `createdAt` of pending rows.
   */
  listPendingCreated(query: PendingCreatedQuery): Promise<ReviewRecord[]>;
  /**
   * The default outcome at expiry: the same update as `complete`, but on the condition
   * `WHERE status = 'pending' AND expiresAt <= completedAt`. Of N concurrent callers (and callers of
   * `expire`) at most one MUST get the review back.
   */
  completeDue(messageId: string, completion: ReviewCompletion): Promise<ReviewRecord | undefined>;
  /**
   * Takes the review for one vote: a conditional update `WHERE status = 'pending' AND expiresAt > now`
   * that counts the vote (`vote_count + 1`) and so holds the row's write lock to the end of the
   * transaction. Voters on one review are serialised by it: after it returns, the transaction sees every
   * vote committed before. Returns the review, or undefined when it is not pending (or has expired).
   * Only meaningful inside a transaction.
   */
  lockForVote(messageId: string, now: Date): Promise<ReviewRecord | undefined>;
  /**
   * Pending reviews whose next escalation step is due (`nextEscalationAt <= now`), earliest first, by a
   * partial index on pending rows with a `nextEscalationAt`.
   */
  listEscalationDue(now: Date, limit: number): Promise<ReviewRecord[]>;
  /** The earliest `nextEscalationAt` of any pending review, for scheduling the sweeper. */
  nextEscalation(): Promise<Date | undefined>;
  /**
   * Fires escalation steps exactly once: a conditional update `WHERE status = 'pending' AND
   * escalationStep = fromStep` that sets `escalationStep`, `nextEscalationAt` and `policy`. Returns the
   * updated review, or undefined; of N concurrent callers (in any process) at most one gets it back.
   */
  escalate(messageId: string, change: EscalationChange): Promise<ReviewRecord | undefined>;
}

export interface EscalationChange {
  fromStep: number;
  toStep: number;
  nextEscalationAt: Date | null;
  policy: ReviewPolicyRecord;
}

export interface ReviewVoteRepository {
  /**
   * MUST reject a second vote of one user on one review with `UniqueViolation` (constraint
   * `review_votes`), also when the two inserts race in parallel transactions.
   */
  insert(vote: ReviewVoteRecord): Promise<void>;
  /** The votes on these reviews, oldest first (votedAt, then userId): one read for a page. */
  listByMessageIds(messageIds: readonly string[]): Promise<ReviewVoteRecord[]>;
}

/** The assignee's inbox: reviews of any owner that name this user as an assignee (see `ReviewPageQuery`). */
export interface AssignedReviewQuery extends ReviewPageQuery {
  userId: string;
}

export interface ReviewAssigneeRepository {
  /** Records who may answer a review. A (messageId, userId) pair that exists already is left as it is. */
  insert(rows: readonly ReviewAssigneeRecord[]): Promise<void>;
  /**
   * Reviews assigned to a user (of any owner), newest first (createdAt desc, messageId desc) or oldest
   * first, by index on (userId, createdAt, messageId): the cost of a page MUST NOT grow with other users'
   * reviews.
   */
  listReviews(query: AssignedReviewQuery): Promise<ReviewRecord[]>;
  /**
   * The assignee's inbox badge: how many reviews assigned to a user (of any owner, optionally but one)
   * match the filter, and how many of those have no read mark of `readerId`. One aggregate query over the
   * index on (userId, …), each review joined by primary key: its cost MUST NOT grow with other users'
   * reviews, and it is never a walk over pages of rows handed to the caller.
   */
  count(query: AssignedReviewCountQuery): Promise<ReviewCount>;
}

/**
 * Named groups of users, instance-wide (like users): `group:<name>` among a review's assignees names
 * their members at the time the review is created.
 *
 * Contract:
 * - `insert` MUST reject a second group with the same name with `UniqueViolation` (constraint
 *   `groups_name`), also when the two inserts race in parallel transactions: of N concurrent callers
 *   exactly one succeeds.
 * - `setMembers` replaces the member list of a group, atomically: it takes the group's row lock (a
 *   conditional write, as `reviews.lockForVote` does) so that concurrent replacements of one group are
 *   serialised and the last one wins whole — never a union or a unique violation. It skips ids that name
 *   no user (a user deleted meanwhile) and returns false, writing nothing, when the group does not exist.
 *   Outside a transaction it is one transaction of its own; inside, it commits with the caller's.
 * - Deleting a group deletes its member rows; deleting a user deletes their member rows (`users.delete`).
 * - Orders are binary (code point) orders: names are lower-case ASCII, user ids too.
 */
export interface GroupRepository {
  /** A new group without members. */
  insert(group: GroupRecord): Promise<void>;
  find(name: string): Promise<GroupRecord | undefined>;
  /** Every group, by name. */
  list(): Promise<GroupRecord[]>;
  /** Changes the display name; returns the group as it is now, or undefined when there is none. */
  update(name: string, patch: Pick<GroupRecord, 'displayName'>): Promise<GroupRecord | undefined>;
  /** Deletes the group with its member rows; false when there was none. */
  delete(name: string): Promise<boolean>;
  /** Replaces the group's members with `userIds` (each once); false when there is no such group. */
  setMembers(name: string, userIds: readonly string[]): Promise<boolean>;
  /**
   * The member rows of these groups (unknown names add nothing), in one query by primary key, ordered by
   * group name, then user id.
   */
  members(names: readonly string[]): Promise<GroupMemberRecord[]>;
}

/** The assignee's inbox badge: `reviewAssignees.count`. */
export interface AssignedReviewCountQuery extends ReviewFilter {
  userId: string;
  /** The user whose review read marks (`reviewReads`) decide `unread`. */
  readerId: string;
  /**
   * Leaves out the reviews of this owner (the caller's own channels, which `reviews.count` counts
   * already): the assignee rows carry the review's owner, so this costs no extra read.
   */
  exceptOwnerId?: string;
}

export interface PendingCreatedQuery {
  from: Date;
  until: Date;
  after?: { createdAt: Date; messageId: string };
  limit: number;
}

export interface AttachmentRepository {
  insert(attachment: AttachmentRecord): Promise<void>;
  findById(id: string): Promise<AttachmentRecord | undefined>;
  findByIds(ids: readonly string[]): Promise<AttachmentRecord[]>;
  /** Attachments of these messages, oldest first. */
  listByMessageIds(messageIds: readonly string[]): Promise<AttachmentRecord[]>;
  /**
   * A channel's attachments, newest first by (createdAt desc, id desc), keyset-paged by index: the cost
   * of a page MUST NOT grow with the channel's files.
   */
  listByChannel(channelId: string, query: KeysetPage): Promise<AttachmentRecord[]>;
  /** Orphans (no message) created before `before`, oldest first, for the orphan sweep. */
  listOrphansBefore(before: Date, limit: number): Promise<AttachmentRecord[]>;
  /** Deletes an attachment only while it is still an orphan (a link that raced the sweep wins). */
  deleteOrphan(id: string): Promise<boolean>;
  /**
   * Links orphans: sets `messageId` on those of `ids` that belong to `channelId` and have no message yet,
   * atomically; returns the ids it linked.
   */
  linkOrphans(ids: readonly string[], channelId: string, messageId: string): Promise<string[]>;
  delete(id: string): Promise<boolean>;
}

export interface StatusStepRepository {
  /**
   * Appends a step to (channelId, streamId) with `index` = the number of steps already there: gap-free
   * from 0 and unique even when N callers append concurrently (the adapter serialises or retries on its
   * unique key `status_steps_stream_index`). Returns the stored row.
   */
  append(step: Omit<StatusStepRecord, 'index'>): Promise<StatusStepRecord>;
  /** Steps of these streams *of this channel* (never another channel's), by stream, then index. */
  listByStreams(channelId: string, streamIds: readonly string[]): Promise<StatusStepRecord[]>;
}

/**
 * How far a user has read a channel: the position (createdAt, id) of the newest message they saw, so
 * that a message created in the same millisecond as the read still counts as unread. `messageId` is
 * null when the channel was empty (then every message from `at` on is unread).
 */
export interface ReadMark {
  at: Date;
  messageId: string | null;
}

export interface ChannelReadRepository {
  /** Records that `userId` has read `channelId` up to `mark` (an upsert; never moves backwards). */
  markRead(userId: string, channelId: string, mark: ReadMark): Promise<void>;
  /** The read marks of a user for these channels (channels never read are absent). */
  lastReadAt(userId: string, channelIds: readonly string[]): Promise<Map<string, ReadMark>>;
}

/**
 * Per-user, per-review read state of the inbox: one row per (user, review message), holding when the
 * user first read it.
 *
 * Contract:
 * - `mark` MUST be idempotent and first-write-wins: the first call stores `at`; every later call (with
 *   any `at`) keeps the stored time and returns it. Of N concurrent calls for one (user, message) exactly
 *   one row results and every caller gets the same `readAt` back (an insert that ignores a conflict on
 *   the key, then a read of the row — never a read-then-insert race).
 * - `mark` MUST write nothing and return undefined when `messageId` carries no review.
 * - Rows go with their message (deleting a message, its channel or its owner) and with their user.
 */
/**
 * Which reviews `reviewReads.markMatching` marks: an owner's (`ownerId`, optionally one channel) or those
 * assigned to a user (`assigneeId`, of any owner, optionally but one: `exceptOwnerId`), filtered as
 * `reviews.count` and `reviewAssignees.count` filter.
 */
export type ReviewMarkScope =
  | { ownerId: string; channelId?: string; assigneeId?: never; exceptOwnerId?: never }
  | { assigneeId: string; exceptOwnerId?: string; ownerId?: never; channelId?: never };
/** The filter of `reviewReads.markMatching`: whose reviews (`ReviewMarkScope`) and which (`ReviewFilter`). */
export type ReviewMarkFilter = ReviewMarkScope & ReviewFilter;

export interface ReviewReadRepository {
  /** Marks the review on `messageId` read by `userId` at `at` unless already marked; returns the stored time. */
  mark(userId: string, messageId: string, at: Date): Promise<Date | undefined>;
  /**
   * "Mark all read": marks every review matching `filter` that `userId` has not marked yet read at `at`,
   * in one statement (an insert from a select, never a walk over pages of rows handed to the caller), and
   * returns how many marks it wrote. First write wins as in `mark`: an existing mark keeps its time and is
   * not counted, also when a concurrent `mark` or `markMatching` wrote it meanwhile (each mark is counted
   * by exactly one caller). Never marks a review outside the filter's owner or assignee.
   */
  markMatching(userId: string, filter: ReviewMarkFilter, at: Date): Promise<number>;
  /** Those of `messageIds` that `userId` has marked read, in the order given (one query, by primary key). */
  readIds(userId: string, messageIds: readonly string[]): Promise<string[]>;
}

export interface StatusHistoryRepository {
  insert(entry: StatusHistoryRecord): Promise<void>;
  /** Newest first. */
  listByChannel(channelId: string, limit: number): Promise<StatusHistoryRecord[]>;
}

/** A keyset page, newest first: at most `limit` rows strictly older than `before` (createdAt desc, id desc). */
export interface KeysetPage {
  limit: number;
  before?: { createdAt: Date; id: string };
}

/** A page of a channel's delivery log. */
export type DeliveryListFilter = KeysetPage;
/**
 * Which deliveries `claimDue` and `nextDue` consider: all by default, or only those whose `url` starts
 * with `urlPrefix` (the dispatcher without a webhook sender still sends notifications, `notifier:…`).
 */
export interface DeliveryDueFilter {
  urlPrefix?: string;
}

export interface DeliveryRepository {
  insert(delivery: DeliveryRecord): Promise<void>;
  findById(id: string): Promise<DeliveryRecord | undefined>;
  /** Deliveries of a message, oldest first. */
  listByMessage(messageId: string): Promise<DeliveryRecord[]>;
  /**
   * A channel's deliveries, newest first by (createdAt desc, id desc), keyset-paged, by index; the cost
   * of a page MUST NOT grow with the channel's log.
   */
  listByChannel(channelId: string, query: DeliveryListFilter): Promise<DeliveryRecord[]>;
  /**
   * Claims up to `limit` pending deliveries due at `now` that no one holds, setting `lockedUntil`, and
   * returns them. Concurrent claimers (other processes) MUST never receive the same delivery while its
   * lease runs (Postgres: `FOR UPDATE SKIP LOCKED`; SQLite: one writer).
   */
  claimDue(now: Date, leaseUntil: Date, limit: number, filter?: DeliveryDueFilter): Promise<DeliveryRecord[]>;
  /**
   * Records an attempt and the delivery's new state in one step; releases the claim. The state change
   * MUST be conditional on the delivery still being `pending`: when it was cancelled (`cancelPending`)
   * while the attempt was in flight, the attempt row is still written (the request went out) but the
   * delivery row is left exactly as the cancellation made it — never resurrected — and `undefined` is
   * returned. An unknown delivery gets no attempt row and `undefined`.
   */
  recordAttempt(
    attempt: DeliveryAttemptRecord,
    next: Pick<
      DeliveryRecord,
      'state' | 'attempts' | 'nextAttemptAt' | 'lastStatus' | 'lastError' | 'updatedAt'
    >,
  ): Promise<DeliveryRecord | undefined>;
  /**
   * The attempts of several deliveries (a page of a delivery log) in one query, by index. Each
   * delivery's attempts MUST come by attempt number, then time; the order between
   * deliveries is unspecified and the caller groups by `deliveryId`. Unknown or repeated ids add
   * nothing; an empty list answers `[]`.
   */
  listAttemptsFor(deliveryIds: readonly string[]): Promise<DeliveryAttemptRecord[]>;
  /**
   * Cancels the channel's still-pending deliveries to `url` (its webhook was removed or changed): each
   * becomes `failed` with `nextAttemptAt` and `lockedUntil` null, `lastError` = `reason`, `updatedAt` =
   * `now`, and gets one entry in its attempt log (`attempt` = attempts + 1, `status` null, `error` =
   * `reason`, `durationMs` 0) so that the log shows the cancellation; `attempts` is not counted up (no
   * request was made). Returns the cancelled deliveries as they are now. MUST be one atomic step per
   * delivery against `claimDue`/`recordAttempt`: a delivery claimed under a lease is cancelled too (the
   * lease is released; the dispatcher re-reads before sending and skips it), and a later `recordAttempt`
   * for it does not make it pending again. Delivered or failed deliveries, other channels and other
   * URLs are left alone.
   */
  cancelPending(channelId: string, url: string, reason: string, now: Date): Promise<DeliveryRecord[]>;
  /** Puts a finished delivery back in the queue, due now (the human's redrive). */
  redrive(id: string, now: Date): Promise<DeliveryRecord | undefined>;
  /**
   * When the dispatcher should look next: the earliest `nextAttemptAt` of a pending delivery, or the end
   * of its lease when another process holds it. Claimed rows come back oldest due first.
   */
  nextDue(filter?: DeliveryDueFilter): Promise<Date | undefined>;
  /** How many deliveries are `pending` (for metrics); by index, never by scanning finished ones. */
  countPending(): Promise<number>;
}

export interface EventRepository {
  /**
   * Appends to the outbox and returns the row with its `seq`. Sequence numbers MUST strictly increase.
   * Visibility contract: readers of `after()` MUST only ever see a *prefix* of the final seq order —
   * once an event with seq N is visible, every event with seq < N that will ever commit is visible too.
   * (Gaps left by rolled-back transactions are allowed.) Without this a reader could skip an event forever.
   */
  append(event: NewEvent): Promise<EventRecord>;
  /** Committed events with `seq > afterSeq`, ascending, at most `limit`. */
  after(afterSeq: number, limit: number): Promise<EventRecord[]>;
  /**
   * The same for one owner's events only, by index on (owner, seq): a replay for one tenant MUST NOT
   * read other tenants' events. Same visibility contract as `after`.
   */
  afterForOwner(ownerId: string, afterSeq: number, limit: number): Promise<EventRecord[]>;
  /**
   * Retention: deletes up to `limit` of the oldest events created before `before`, never the newest
   * event, and returns the highest seq deleted (0 when none was).
   */
  pruneBefore(before: Date, limit: number): Promise<number>;
  /** The highest committed seq, or 0. */
  lastSeq(): Promise<number>;
}

/** A page of an owner's audit chain, oldest first: entries with `seq > afterSeq`, optionally of one review. */
export interface AuditListQuery {
  ownerId: string;
  /** Only entries after this seq (0 or absent: from the start). */
  afterSeq?: number;
  /** Only the entries of this review (its message id). */
  messageId?: string;
  limit: number;
}

/**
 * The audit log: one append-only, hash-chained sequence of entries per owner, and its head (the last
 * entry's seq and hash). The store numbers nothing and hashes nothing: the engine computes each entry
 * (seq, prevHash, hash) from the head it locked, and the store keeps the chain consistent.
 *
 * Contract:
 * - `lockHead` MUST create the owner's head when absent (`seq` 0, `hash` 64 zeros) without failing when
 *   a concurrent caller creates it too (an insert that ignores the conflict), and then hold the head's
 *   write lock until the transaction ends (a conditional write on the row, as `reviews.lockForVote`
 *   does): appenders of one owner are serialised, and after it returns the transaction sees every entry
 *   committed before. Only meaningful inside a transaction.
 * - `append` takes entries of one owner with consecutive seqs that continue the head (`entries[0].seq =
 *   head.seq + 1`); it inserts them and moves the head to the last, atomically. It MUST reject entries
 *   that do not continue the head it finds (a caller that did not lock it, or a chain that moved) and
 *   write nothing then; a second entry with one (ownerId, seq) is a `UniqueViolation`.
 * - Entries are never updated. Deleting the owner (the user) deletes their chain, entries and head;
 *   deleting a message or a channel keeps the entries that name it (history).
 */
export interface AuditRepository {
  /** The owner's head (created when absent), locked for the rest of the transaction. */
  lockHead(ownerId: string): Promise<AuditHeadRecord>;
  /** Appends entries that continue the head, and moves the head to the last of them. */
  append(entries: readonly AuditEntryRecord[]): Promise<void>;
  /**
   * An owner's entries with `seq > afterSeq` (optionally of one review), ascending seq, at most `limit`,
   * by index ((owner, seq), or (owner, message, seq)): the cost of a page MUST NOT grow with other owners'
   * chains or, for one review, with the rest of the owner's chain.
   */
  list(query: AuditListQuery): Promise<AuditEntryRecord[]>;
}

/** The repositories, as seen inside or outside a transaction. */
export interface Repositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly channels: ChannelRepository;
  readonly messages: MessageRepository;
  readonly reviews: ReviewRepository;
  readonly reviewVotes: ReviewVoteRepository;
  readonly reviewAssignees: ReviewAssigneeRepository;
  readonly groups: GroupRepository;
  readonly attachments: AttachmentRepository;
  readonly statusSteps: StatusStepRepository;
  readonly statusHistory: StatusHistoryRepository;
  readonly channelReads: ChannelReadRepository;
  readonly reviewReads: ReviewReadRepository;
  readonly deliveries: DeliveryRepository;
  readonly events: EventRepository;
  readonly kv: KeyValueRepository;
  readonly audit: AuditRepository;
}

/**
 * The storage port. Implemented by `memoryStore()` (core) and the SQL adapters.
 *
 * Concurrency contract:
 * - `transaction(fn)` MUST be atomic: every write made through the `tx` repositories commits together,
 *   or — when `fn` throws — none does, and the error is rethrown unchanged.
 * - Writes through the store outside a transaction MUST each be atomic on their own.
 * - Unique keys MUST hold under concurrency: of two racing inserts one fails with `UniqueViolation`.
 * - Conditional updates (`complete`, `completeDue`, `expire`, `lockForVote`, `touch`,
 *   `setDeliveryStatus`, `groups.setMembers`) MUST be atomic
 *   compare-and-set operations; `reviewReads.mark` MUST be an atomic insert-if-absent; `audit.lockHead`
 *   MUST serialise the appenders of one owner (see `AuditRepository`).
 * - Reads MUST NOT see another transaction's uncommitted writes.
 * - The store MUST NOT close resources it did not open (a host-owned pool or database).
 *
 * Availability contract:
 * - When the database cannot be reached (a refused, lost or timed-out connection, a server shutting
 *   down, no connection slot left), every method MUST reject with `serviceUnavailable()` (a PlacetError
 *   `SERVICE_UNAVAILABLE`, the driver's error as its `cause`), never with the driver's own error: the
 *   engine answers 503 with `Retry-After`, logs the outage once and retries its background work; a driver
 *   error would be a 500 and a stack per request.
 * - When the database is back, the store MUST serve again without being recreated (pools reconnect).
 */
export interface Store extends Repositories {
  readonly capabilities: StoreCapabilities;
  /** Creates or upgrades the schema. Idempotent; called by `placet.start()`. */
  migrate(): Promise<void>;
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * Optional: one trivial round trip (`select 1`), for readiness checks. Resolves when the store can
   * answer now; MUST reject with `SERVICE_UNAVAILABLE` when it cannot. Without it the engine reads
   * `events.lastSeq()` instead.
   */
  ping?(): Promise<void>;
  /** Optional: the connection pool's use right now (for metrics); synchronous, no I/O. */
  poolStats?(): StorePoolStats;
  /**
   * Optional: a value that changes when the event table is replaced (dropped and created again, as
   * restoring a dump does), e.g. its object id. The engine starts a new outbox epoch when it changes.
   */
  outboxIdentity?(): Promise<string | undefined>;
  /** Releases what the adapter opened. Idempotent. */
  close(): Promise<void>;
}

/**
 * The tables of a Store by their SQL names: what the conformance suite's independent read path counts
 * (`inspect().count(table)`), for the memory store and the SQL stores alike.
 */
export type StoreTable =
  | 'users'
  | 'api_keys'
  | 'channels'
  | 'messages'
  | 'reviews'
  | 'attachments'
  | 'status_steps'
  | 'status_history'
  | 'review_reads'
  | 'events'
  | 'sessions'
  | 'kv'
  | 'review_votes'
  | 'review_assignees'
  | 'audit_entries'
  | 'audit_heads'
  | 'groups'
  | 'group_members';

/**
 * An independent read path of a Store (raw reads of what is committed, bypassing the repository code:
 * plain SQL, the memory adapter's maps): the conformance suite writes through the `Store` and checks
 * what landed through this.
 */
export interface StoreInspector {
  user(id: string): Promise<UserRecord | undefined>;
  apiKey(id: string): Promise<ApiKeyRecord | undefined>;
  channel(id: string): Promise<ChannelRecord | undefined>;
  message(id: string): Promise<MessageRecord | undefined>;
  review(messageId: string): Promise<ReviewRecord | undefined>;
  attachment(id: string): Promise<AttachmentRecord | undefined>;
  /** Every committed event, ascending `seq`. */
  events(): Promise<EventRecord[]>;
  /** Every committed audit entry of an owner, ascending `seq`. */
  auditEntries(ownerId: string): Promise<AuditEntryRecord[]>;
  count(table: StoreTable): Promise<number>;
}
