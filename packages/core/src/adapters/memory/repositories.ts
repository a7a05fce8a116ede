import type { DeliveryRecord, MessageRecord, ReviewRecord } from '../../domain/records.js';
import { CONSTRAINTS, UniqueViolation } from '../../domain/unique-violation.js';
import type { ReadMark, Repositories, ReviewCompletion } from '../../ports/store.js';
import { newId } from '../../util/ids.js';
import { memoryAuditRepository } from './audit-repository.js';
import { groupMemberKey, memoryGroupRepository } from './group-repository.js';
import { assignedReviews, ownerReviews, sortForPage, withinBounds } from './review-filters.js';
import type { Rows, TableName, View } from './state.js';

const byNewest = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const kvKey = (namespace: string, key: string) => `${namespace}/${key}`;

function insertRow<K extends TableName>(view: View, table: K, key: string, row: Rows[K]): void {
  if (view.get(table, key) !== undefined) throw new UniqueViolation(CONSTRAINTS.primaryKey);
  view.set(table, key, row);
}

function patchRow<K extends TableName>(
  view: View,
  table: K,
  key: string,
  patch: Partial<Rows[K]>,
): Rows[K] | undefined {
  const row = view.get(table, key);
  if (!row) return undefined;
  const next = { ...row, ...patch } as Rows[K];
  view.set(table, key, next);
  return next;
}

function unique<K extends TableName>(
  view: View,
  table: K,
  constraint: string,
  except: string,
  match: (row: Rows[K]) => boolean,
) {
  const clash = view.filter(table, match).find((row) => keyOf(table, row) !== except);
  if (clash) throw new UniqueViolation(constraint);
}

function keyOf(table: TableName, row: Rows[TableName]): string {
  if (table === 'reviews') return (row as ReviewRecord).messageId;
  if (table === 'events') return String((row as Rows['events']).seq);
  return (row as { id: string }).id;
}

function checkMessageUniques(view: View, message: MessageRecord): void {
  if (message.clientId !== null) {
    unique(
      view,
      'messages',
      CONSTRAINTS.messageClient,
      message.id,
      (m) => m.channelId === message.channelId && m.clientId === message.clientId,
    );
  }
  if (message.iterationGroupId !== null && message.iteration !== null) {
    unique(
      view,
      'messages',
      CONSTRAINTS.messageIteration,
      message.id,
      (m) => m.iterationGroupId === message.iterationGroupId && m.iteration === message.iteration,
    );
  }
  if (message.streamId !== null) {
    unique(
      view,
      'messages',
      CONSTRAINTS.messageStream,
      message.id,
      (m) => m.channelId === message.channelId && m.streamId === message.streamId,
    );
  }
}

function countAttachments(view: View, messageId: string, delta: number): void {
  const message = view.get('messages', messageId);
  if (message)
    view.set('messages', messageId, {
      ...message,
      attachmentCount: Math.max(0, message.attachmentCount + delta),
    });
}

const reviewReadKey = (userId: string, messageId: string) => `${userId}/${messageId}`;
/** The key of a vote and of an assignee row: one per (review, user). */
const reviewUserKey = (messageId: string, userId: string) => `${messageId}/${userId}`;

/** The patch of a completed review: the completion's fields, its `policy` only when given. */
function completedPatch(completion: ReviewCompletion): Partial<ReviewRecord> {
  const { policy, ...rest } = completion;
  return { ...rest, status: 'completed', ...(policy === undefined ? {} : { policy }) };
}

function deleteMessage(view: View, id: string): boolean {
  if (!view.delete('messages', id)) return false;
  view.delete('reviews', id);
  for (const v of view.filter('reviewVotes', (v) => v.messageId === id))
    view.delete('reviewVotes', reviewUserKey(v.messageId, v.userId));
  for (const a of view.filter('reviewAssignees', (a) => a.messageId === id))
    view.delete('reviewAssignees', reviewUserKey(a.messageId, a.userId));
  for (const r of view.filter('reviewReads', (r) => r.messageId === id))
    view.delete('reviewReads', reviewReadKey(r.userId, r.messageId));
  for (const a of view.filter('attachments', (a) => a.messageId === id)) view.delete('attachments', a.id);
  return true;
}

function deleteChannel(view: View, id: string): boolean {
  if (!view.delete('channels', id)) return false;
  for (const m of view.filter('messages', (m) => m.channelId === id)) deleteMessage(view, m.id);
  for (const a of view.filter('attachments', (a) => a.channelId === id)) view.delete('attachments', a.id);
  for (const st of view.filter('statusSteps', (st) => st.channelId === id)) view.delete('statusSteps', st.id);
  for (const h of view.filter('statusHistory', (h) => h.channelId === id)) view.delete('statusHistory', h.id);
  for (const d of view.filter('deliveries', (d) => d.channelId === id)) {
    view.delete('deliveries', d.id);
    for (const a of view.filter('deliveryAttempts', (a) => a.deliveryId === d.id))
      view.delete('deliveryAttempts', a.id);
  }
  for (const r of view.filter('channelReads', (r) => r.channelId === id))
    view.delete('channelReads', `${r.userId}/${r.channelId}`);
  for (const c of view.filter('channels', (c) => c.parentAgentId === id))
    view.set('channels', c.id, { ...c, parentAgentId: null });
  return true;
}

/** The repositories of the memory store over one view (the committed state, or a transaction). */
export function memoryRepositories(view: View): Repositories {
  return {
    users: {
      async insert(user) {
        unique(
          view,
          'users',
          CONSTRAINTS.userEmail,
          user.id,
          (u) => u.email.toLowerCase() === user.email.toLowerCase(),
        );
        if (user.externalId !== null) {
          unique(view, 'users', CONSTRAINTS.userExternalId, user.id, (u) => u.externalId === user.externalId);
        }
        insertRow(view, 'users', user.id, user);
      },
      findById: async (id) => view.get('users', id),
      findByEmail: async (email) =>
        view.filter('users', (u) => u.email.toLowerCase() === email.toLowerCase())[0],
      findByExternalId: async (externalId) => view.filter('users', (u) => u.externalId === externalId)[0],
      list: async () => [...view.rows('users')].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
      async update(id, patch) {
        const current = view.get('users', id);
        if (!current) return undefined;
        const next = { ...current, ...patch };
        unique(
          view,
          'users',
          CONSTRAINTS.userEmail,
          id,
          (u) => u.email.toLowerCase() === next.email.toLowerCase(),
        );
        return patchRow(view, 'users', id, patch);
      },
      async delete(id) {
        if (!view.delete('users', id)) return false;
        for (const s of view.filter('sessions', (s) => s.userId === id)) view.delete('sessions', s.id);
        for (const k of view.filter('apiKeys', (k) => k.userId === id)) view.delete('apiKeys', k.id);
        for (const r of view.filter('channelReads', (r) => r.userId === id))
          view.delete('channelReads', `${r.userId}/${r.channelId}`);
        for (const r of view.filter('reviewReads', (r) => r.userId === id))
          view.delete('reviewReads', reviewReadKey(r.userId, r.messageId));
        // Their assignments go; their votes on others' reviews stay (the review's history).
        for (const a of view.filter('reviewAssignees', (a) => a.userId === id))
          view.delete('reviewAssignees', reviewUserKey(a.messageId, a.userId));
        for (const m of view.filter('groupMembers', (m) => m.userId === id))
          view.delete('groupMembers', groupMemberKey(m.groupName, m.userId));
        for (const c of view.filter('channels', (c) => c.ownerId === id)) deleteChannel(view, c.id);
        // Their audit chain goes with them (entries naming a deleted message stay while the owner exists).
        for (const e of view.filter('auditEntries', (e) => e.ownerId === id))
          view.delete('auditEntries', `${e.ownerId}/${e.seq}`);
        view.delete('auditHeads', id);
        return true;
      },
    },
    apiKeys: {
      async insert(key) {
        unique(view, 'apiKeys', CONSTRAINTS.apiKeyHash, key.id, (k) => k.keyHash === key.keyHash);
        insertRow(view, 'apiKeys', key.id, key);
      },
      findById: async (id) => view.get('apiKeys', id),
      findByHash: async (hash) => view.filter('apiKeys', (k) => k.keyHash === hash)[0],
      listByUser: async (userId) => view.filter('apiKeys', (k) => k.userId === userId).sort(byNewest),
      async update(id, patch) {
        if (patch.keyHash !== undefined) {
          unique(view, 'apiKeys', CONSTRAINTS.apiKeyHash, id, (k) => k.keyHash === patch.keyHash);
        }
        return patchRow(view, 'apiKeys', id, patch);
      },
      async touch(id, now, minIntervalMs) {
        const key = view.get('apiKeys', id);
        if (!key) return false;
        if (key.lastUsedAt && key.lastUsedAt.getTime() > now.getTime() - minIntervalMs) return false;
        view.set('apiKeys', id, { ...key, lastUsedAt: now });
        return true;
      },
      delete: async (id) => view.delete('apiKeys', id),
    },
    channels: {
      insert: async (channel) => insertRow(view, 'channels', channel.id, channel),
      findById: async (id) => view.get('channels', id),
      listByOwner: async (ownerId) => view.filter('channels', (c) => c.ownerId === ownerId).sort(byNewest),
      listSilent: async (before, limit) =>
        view
          .filter(
            'channels',
            (c) => c.status !== 'offline' && c.lastActiveAt !== null && c.lastActiveAt < before,
          )
          .sort((a, b) => a.lastActiveAt!.getTime() - b.lastActiveAt!.getTime())
          .slice(0, limit),
      async markOffline(id, lastActiveAt, now) {
        const c = view.get('channels', id);
        if (!c || c.status === 'offline' || c.lastActiveAt?.getTime() !== lastActiveAt.getTime())
          return undefined;
        return patchRow(view, 'channels', id, {
          status: 'offline',
          statusSince: now,
          statusMessage: null,
          updatedAt: now,
        });
      },
      update: async (id, patch) => patchRow(view, 'channels', id, patch),
      delete: async (id) => deleteChannel(view, id),
    },
    messages: {
      async insert(message) {
        checkMessageUniques(view, message);
        insertRow(view, 'messages', message.id, message);
      },
      findById: async (id) => view.get('messages', id),
      findByIds: async (ids) => ids.map((id) => view.get('messages', id)).filter((m) => m !== undefined),
      findByClientId: async (channelId, clientId) =>
        view.filter('messages', (m) => m.channelId === channelId && m.clientId === clientId)[0],
      findByStreamId: async (channelId, streamId) =>
        view.filter('messages', (m) => m.channelId === channelId && m.streamId === streamId)[0],
      async updateStreamOf(channelId, streamId, patch) {
        const draft = view.filter('messages', (m) => m.channelId === channelId && m.streamId === streamId)[0];
        if (draft?.streamState !== 'streaming') return undefined;
        const { text, ...rest } = patch;
        return patchRow(view, 'messages', draft.id, text === undefined ? rest : { ...rest, text });
      },
      async updateStream(id, patch, condition = {}) {
        const m = view.get('messages', id);
        if (m?.streamState !== 'streaming') return undefined;
        if (condition.idleBefore && m.updatedAt >= condition.idleBefore) return undefined;
        const { text, ...rest } = patch;
        return patchRow(view, 'messages', id, text === undefined ? rest : { ...rest, text });
      },
      listStaleStreams: async (before, limit) =>
        view
          .filter('messages', (m) => m.streamState === 'streaming' && m.updatedAt < before)
          .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
          .slice(0, limit),
      async maxIteration(groupId) {
        let max: number | undefined;
        for (const m of view.filter('messages', (m) => m.iterationGroupId === groupId)) {
          if (m.iteration !== null && (max === undefined || m.iteration > max)) max = m.iteration;
        }
        return max;
      },
      countFromAgentSince: async (channelId, since, readerId) =>
        view.filter(
          'messages',
          (m) =>
            m.channelId === channelId &&
            m.senderType === 'agent' &&
            (since === null || byNewest(m, { createdAt: since.at, id: since.messageId ?? '' }) < 0) &&
            (readerId === undefined || view.get('reviewReads', reviewReadKey(readerId, m.id)) === undefined),
        ).length,
      listByIterationGroup: async (groupId) =>
        view
          .filter('messages', (m) => m.iterationGroupId === groupId)
          .sort((a, b) => (a.iteration ?? 0) - (b.iteration ?? 0)),
      async list({ channelId, before, limit, search, hasAttachments }) {
        const needle = search?.toLowerCase();
        const rows = view.filter('messages', (m) => {
          if (m.channelId !== channelId) return false;
          if (hasAttachments && m.attachmentCount === 0) return false;
          if (needle !== undefined && !(m.text ?? '').toLowerCase().includes(needle)) return false;
          if (before && byNewest(m, { createdAt: before.createdAt, id: before.id }) <= 0) return false;
          return true;
        });
        return rows.sort(byNewest).slice(0, limit);
      },
      async update(id, patch) {
        const current = view.get('messages', id);
        if (!current) return undefined;
        checkMessageUniques(view, { ...current, ...patch });
        return patchRow(view, 'messages', id, patch);
      },
      async setDeliveryStatus(id, status, now) {
        const message = view.get('messages', id);
        if (!message || message.deliveryStatus === 'agent_received') return undefined;
        return patchRow(view, 'messages', id, { deliveryStatus: status, updatedAt: now });
      },
      delete: async (id) => deleteMessage(view, id),
    },
    reviews: {
      insert: async (review) => insertRow(view, 'reviews', review.messageId, review),
      findByMessageId: async (id) => view.get('reviews', id),
      findByMessageIds: async (ids) =>
        ids.map((id) => view.get('reviews', id)).filter((r) => r !== undefined),
      async complete(messageId, completion) {
        const review = view.get('reviews', messageId);
        if (review?.status !== 'pending') return undefined;
        if (review.expiresAt.getTime() <= completion.completedAt.getTime()) return undefined;
        return patchRow(view, 'reviews', messageId, completedPatch(completion));
      },
      async completeDue(messageId, completion) {
        const review = view.get('reviews', messageId);
        if (review?.status !== 'pending') return undefined;
        if (review.expiresAt.getTime() > completion.completedAt.getTime()) return undefined;
        return patchRow(view, 'reviews', messageId, completedPatch(completion));
      },
      async lockForVote(messageId, now) {
        // Transactions are serialised already: the condition is all there is to check.
        const review = view.get('reviews', messageId);
        if (review?.status !== 'pending' || review.expiresAt.getTime() <= now.getTime()) return undefined;
        return review;
      },
      async expire(messageId, now) {
        const review = view.get('reviews', messageId);
        if (review?.status !== 'pending' || review.expiresAt.getTime() > now.getTime()) return undefined;
        return patchRow(view, 'reviews', messageId, { status: 'expired', expiredAt: now });
      },
      list: async ({ order, before, after, limit, ...filter }) =>
        sortForPage(
          ownerReviews(view, filter).filter((r) => withinBounds(r, { before, after })),
          order,
        ).slice(0, limit),
      async count({ readerId, ...filter }) {
        const matching = ownerReviews(view, filter);
        const unread = matching.filter(
          (r) => view.get('reviewReads', reviewReadKey(readerId, r.messageId)) === undefined,
        ).length;
        return { total: matching.length, unread };
      },
      listDue: async (now, limit) =>
        view
          .filter('reviews', (r) => r.status === 'pending' && r.expiresAt.getTime() <= now.getTime())
          .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
          .slice(0, limit),
      listPendingCreated: async ({ from, until, after, limit }) =>
        view
          .filter(
            'reviews',
            (r) =>
              r.status === 'pending' &&
              r.createdAt >= from &&
              r.createdAt < until &&
              (!after ||
                r.createdAt > after.createdAt ||
                (r.createdAt.getTime() === after.createdAt.getTime() && r.messageId > after.messageId)),
          )
          .sort(
            (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.messageId < b.messageId ? -1 : 1),
          )
          .slice(0, limit),
      async nextExpiry() {
        let next: Date | undefined;
        for (const r of view.filter('reviews', (r) => r.status === 'pending')) {
          if (!next || r.expiresAt < next) next = r.expiresAt;
        }
        return next;
      },
      listEscalationDue: async (now, limit) =>
        view
          .filter(
            'reviews',
            (r) =>
              r.status === 'pending' &&
              r.nextEscalationAt !== null &&
              r.nextEscalationAt.getTime() <= now.getTime(),
          )
          .sort(
            (a, b) =>
              a.nextEscalationAt!.getTime() - b.nextEscalationAt!.getTime() ||
              (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0),
          )
          .slice(0, limit),
      async nextEscalation() {
        let next: Date | undefined;
        for (const r of view.filter(
          'reviews',
          (r) => r.status === 'pending' && r.nextEscalationAt !== null,
        )) {
          if (!next || r.nextEscalationAt! < next) next = r.nextEscalationAt!;
        }
        return next;
      },
      async escalate(messageId, { fromStep, toStep, nextEscalationAt, policy }) {
        const review = view.get('reviews', messageId);
        if (review?.status !== 'pending' || review.escalationStep !== fromStep) return undefined;
        return patchRow(view, 'reviews', messageId, { escalationStep: toStep, nextEscalationAt, policy });
      },
    },
    reviewVotes: {
      async insert(vote) {
        const key = reviewUserKey(vote.messageId, vote.userId);
        if (view.get('reviewVotes', key) !== undefined) throw new UniqueViolation(CONSTRAINTS.reviewVote);
        view.set('reviewVotes', key, vote);
      },
      async listByMessageIds(messageIds) {
        const wanted = new Set(messageIds);
        return view
          .filter('reviewVotes', (v) => wanted.has(v.messageId))
          .sort(
            (a, b) =>
              a.votedAt.getTime() - b.votedAt.getTime() ||
              (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
          );
      },
    },
    reviewAssignees: {
      async insert(rows) {
        for (const row of rows) {
          const key = reviewUserKey(row.messageId, row.userId);
          if (view.get('reviewAssignees', key) === undefined) view.set('reviewAssignees', key, row);
        }
      },
      async listReviews({ order, before, after, limit, ...filter }) {
        // The assignee rows carry the review's createdAt: the keyset bounds and the order are theirs.
        return sortForPage(assignedReviews(view, filter, { before, after }), order)
          .slice(0, limit)
          .map((a) => a.review);
      },
      async count({ readerId, ...filter }) {
        const matching = assignedReviews(view, filter).map((a) => a.review);
        const unread = matching.filter(
          (r) => view.get('reviewReads', reviewReadKey(readerId, r.messageId)) === undefined,
        ).length;
        return { total: matching.length, unread };
      },
    },
    groups: memoryGroupRepository(view),
    attachments: {
      async insert(attachment) {
        insertRow(view, 'attachments', attachment.id, attachment);
        if (attachment.messageId !== null) countAttachments(view, attachment.messageId, 1);
      },
      findById: async (id) => view.get('attachments', id),
      findByIds: async (ids) => ids.map((id) => view.get('attachments', id)).filter((a) => a !== undefined),
      listByMessageIds: async (ids) => {
        const wanted = new Set(ids);
        return view
          .filter('attachments', (a) => a.messageId !== null && wanted.has(a.messageId))
          .sort((a, b) => -byNewest(a, b));
      },
      listByChannel: async (channelId, { limit, before }) =>
        view
          .filter('attachments', (a) => a.channelId === channelId && (!before || byNewest(a, before) > 0))
          .sort(byNewest)
          .slice(0, limit),
      listOrphansBefore: async (before, limit) =>
        view
          .filter('attachments', (a) => a.messageId === null && a.createdAt < before)
          .sort((a, b) => -byNewest(a, b))
          .slice(0, limit),
      async deleteOrphan(id) {
        const a = view.get('attachments', id);
        if (a?.messageId !== null) return false;
        return view.delete('attachments', id);
      },
      async linkOrphans(ids, channelId, messageId) {
        const linked: string[] = [];
        for (const id of new Set(ids)) {
          const a = view.get('attachments', id);
          if (!a || a.channelId !== channelId || a.messageId !== null) continue;
          view.set('attachments', id, { ...a, messageId });
          linked.push(id);
        }
        if (linked.length > 0) countAttachments(view, messageId, linked.length);
        return linked;
      },
      async delete(id) {
        const attachment = view.get('attachments', id);
        if (!attachment || !view.delete('attachments', id)) return false;
        if (attachment.messageId !== null) countAttachments(view, attachment.messageId, -1);
        return true;
      },
    },
    statusSteps: {
      async append(step) {
        const index = view.filter(
          'statusSteps',
          (s) => s.channelId === step.channelId && s.streamId === step.streamId,
        ).length;
        const record = { ...step, index };
        insertRow(view, 'statusSteps', record.id, record);
        return structuredClone(record);
      },
      listByStreams: async (channelId, streamIds) => {
        const wanted = new Set(streamIds);
        return view
          .filter('statusSteps', (s) => s.channelId === channelId && wanted.has(s.streamId))
          .sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : a.index - b.index));
      },
    },
    statusHistory: {
      insert: async (entry) => insertRow(view, 'statusHistory', entry.id, entry),
      listByChannel: async (channelId, limit) =>
        view
          .filter('statusHistory', (h) => h.channelId === channelId)
          .sort(byNewest)
          .slice(0, limit),
    },
    deliveries: {
      insert: async (delivery) => insertRow(view, 'deliveries', delivery.id, delivery),
      findById: async (id) => view.get('deliveries', id),
      listByMessage: async (messageId) =>
        view.filter('deliveries', (d) => d.messageId === messageId).sort((a, b) => -byNewest(a, b)),
      listByChannel: async (channelId, { limit, before }) =>
        view
          .filter('deliveries', (d) => d.channelId === channelId && (!before || byNewest(d, before) > 0))
          .sort(byNewest)
          .slice(0, limit),
      async claimDue(now, leaseUntil, limit, filter = {}) {
        const due = view
          .filter(
            'deliveries',
            (d) =>
              d.state === 'pending' &&
              (filter.urlPrefix === undefined || d.url.startsWith(filter.urlPrefix)) &&
              d.nextAttemptAt !== null &&
              d.nextAttemptAt <= now &&
              (d.lockedUntil === null || d.lockedUntil <= now),
          )
          .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime())
          .slice(0, limit);
        for (const d of due) view.set('deliveries', d.id, { ...d, lockedUntil: leaseUntil });
        return due.map((d) => ({ ...d, lockedUntil: leaseUntil }));
      },
      async recordAttempt(attempt, next) {
        const current = view.get('deliveries', attempt.deliveryId);
        if (!current) return undefined;
        insertRow(view, 'deliveryAttempts', attempt.id, attempt);
        // Cancelled while the attempt was in flight: logged, never made pending (or anything) again.
        if (current.state !== 'pending') return undefined;
        return patchRow(view, 'deliveries', attempt.deliveryId, { ...next, lockedUntil: null });
      },
      async cancelPending(channelId, url, reason, now) {
        const cancelled: DeliveryRecord[] = [];
        for (const d of view.filter(
          'deliveries',
          (d) => d.channelId === channelId && d.url === url && d.state === 'pending',
        )) {
          const id = newId();
          insertRow(view, 'deliveryAttempts', id, {
            id,
            deliveryId: d.id,
            attempt: d.attempts + 1,
            at: now,
            status: null,
            error: reason,
            durationMs: 0,
          });
          const row = patchRow(view, 'deliveries', d.id, {
            state: 'failed',
            nextAttemptAt: null,
            lockedUntil: null,
            lastError: reason,
            updatedAt: now,
          });
          if (row) cancelled.push(row);
        }
        return cancelled;
      },
      async listAttemptsFor(deliveryIds) {
        const wanted = new Set(deliveryIds);
        return view
          .filter('deliveryAttempts', (a) => wanted.has(a.deliveryId))
          .sort(
            (a, b) =>
              (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0) ||
              a.attempt - b.attempt ||
              a.at.getTime() - b.at.getTime(),
          );
      },
      async redrive(id, now) {
        const d = view.get('deliveries', id);
        if (!d || d.state === 'pending') return undefined;
        return patchRow(view, 'deliveries', id, {
          state: 'pending',
          nextAttemptAt: now,
          lockedUntil: null,
          updatedAt: now,
        });
      },
      async nextDue(filter = {}) {
        let next: Date | undefined;
        const wanted = (d: DeliveryRecord) =>
          d.state === 'pending' &&
          d.nextAttemptAt !== null &&
          (filter.urlPrefix === undefined || d.url.startsWith(filter.urlPrefix));
        for (const d of view.filter('deliveries', wanted)) {
          // A held delivery is not due before its lease ends.
          const at = d.lockedUntil && d.lockedUntil > d.nextAttemptAt! ? d.lockedUntil : d.nextAttemptAt!;
          if (!next || at < next) next = at;
        }
        return next;
      },
      countPending: async () => view.filter('deliveries', (d) => d.state === 'pending').length,
    },
    channelReads: {
      async markRead(userId, channelId, mark) {
        const key = `${userId}/${channelId}`;
        const current = view.get('channelReads', key);
        const position = (r: { at: Date; messageId: string | null }) => ({
          createdAt: r.at,
          id: r.messageId ?? '',
        });
        if (current && byNewest(position(current), position(mark)) <= 0) return;
        view.set('channelReads', key, { userId, channelId, at: mark.at, messageId: mark.messageId });
      },
      async lastReadAt(userId, channelIds) {
        const out = new Map<string, ReadMark>();
        for (const channelId of channelIds) {
          const row = view.get('channelReads', `${userId}/${channelId}`);
          if (row) out.set(channelId, { at: row.at, messageId: row.messageId });
        }
        return out;
      },
    },
    reviewReads: {
      async mark(userId, messageId, at) {
        if (!view.get('reviews', messageId)) return undefined;
        const key = reviewReadKey(userId, messageId);
        const current = view.get('reviewReads', key);
        if (current) return current.readAt;
        view.set('reviewReads', key, { userId, messageId, readAt: at });
        return new Date(at.getTime());
      },
      async markMatching(userId, filter, at) {
        const { assigneeId, exceptOwnerId, ownerId, channelId, ...rest } = filter;
        const reviews =
          assigneeId !== undefined
            ? assignedReviews(view, { ...rest, userId: assigneeId, exceptOwnerId }).map((a) => a.review)
            : ownerReviews(view, { ...rest, ownerId: ownerId as string, channelId });
        let marked = 0;
        for (const review of reviews) {
          const key = reviewReadKey(userId, review.messageId);
          if (view.get('reviewReads', key) !== undefined) continue;
          view.set('reviewReads', key, {
            userId,
            messageId: review.messageId,
            readAt: new Date(at.getTime()),
          });
          marked++;
        }
        return marked;
      },
      readIds: async (userId, messageIds) =>
        messageIds.filter((id) => view.get('reviewReads', reviewReadKey(userId, id)) !== undefined),
    },
    sessions: {
      insert: async (session) => insertRow(view, 'sessions', session.id, session),
      findById: async (id) => view.get('sessions', id),
      delete: async (id) => view.delete('sessions', id),
      async deleteByUser(userId, exceptId) {
        const ids = view.filter('sessions', (s) => s.userId === userId && s.id !== exceptId).map((s) => s.id);
        for (const id of ids) view.delete('sessions', id);
        return ids;
      },
      async deleteExpired(now, limit) {
        const expired = view.filter('sessions', (s) => s.expiresAt <= now).slice(0, limit);
        for (const s of expired) view.delete('sessions', s.id);
        return expired.length;
      },
    },
    kv: {
      async get(namespace, key, now) {
        const entry = view.get('kv', kvKey(namespace, key));
        return entry && (entry.expiresAt === null || entry.expiresAt > now) ? entry : undefined;
      },
      set: async (entry) => view.set('kv', kvKey(entry.namespace, entry.key), entry),
      async insertIfAbsent(entry, now) {
        const key = kvKey(entry.namespace, entry.key);
        const current = view.get('kv', key);
        if (current && (current.expiresAt === null || current.expiresAt > now)) return false;
        view.set('kv', key, entry);
        return true;
      },
      delete: async (namespace, key) => view.delete('kv', kvKey(namespace, key)),
      async deleteExpired(now, limit) {
        const expired = view.filter('kv', (e) => e.expiresAt !== null && e.expiresAt <= now).slice(0, limit);
        for (const e of expired) view.delete('kv', kvKey(e.namespace, e.key));
        return expired.length;
      },
    },
    audit: memoryAuditRepository(view),
    events: {
      async append(event) {
        const record = { ...event, seq: view.state.nextSeq++ };
        view.set('events', String(record.seq), record);
        return structuredClone(record);
      },
      after: async (afterSeq, limit) =>
        view
          .filter('events', (e) => e.seq > afterSeq)
          .sort((a, b) => a.seq - b.seq)
          .slice(0, limit),
      afterForOwner: async (ownerId, afterSeq, limit) =>
        view
          .filter('events', (e) => e.ownerId === ownerId && e.seq > afterSeq)
          .sort((a, b) => a.seq - b.seq)
          .slice(0, limit),
      async pruneBefore(before, limit) {
        const all = [...view.rows('events')].sort((a, b) => a.seq - b.seq);
        const newest = all.at(-1)?.seq ?? 0;
        let highest = 0;
        for (const e of all.slice(0, limit)) {
          if (e.createdAt >= before || e.seq === newest) break;
          view.delete('events', String(e.seq));
          highest = e.seq;
        }
        return highest;
      },
      async lastSeq() {
        let last = 0;
        for (const e of view.rows('events')) last = Math.max(last, e.seq);
        return last;
      },
    },
  };
}
