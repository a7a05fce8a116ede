import type { PluginKeyValueStore } from '@placet/core/plugin';

/** A week: longer than any review waits (36 h at most), so a post can be updated when it ends. */
export const POST_TTL_MS = 7 * 24 * 3600_000;

/** One Slack message that shows a review: where it is, to update it in place. */
export interface PostRecord {
  /** The notification that posts it (a conversation post is claimed by the first of the review's). */
  by: string;
  /** The conversation and timestamp Slack answered, once posted. */
  channel?: string;
  ts?: string;
}

/**
 * What the plugin keeps about a review: who may answer it (its owner, and its assignees when it was
 * created), the candidates when a Slack user the plugin does not know yet clicks.
 */
export interface ReviewRecord {
  ownerId: string;
  assigneeIds: string[];
}

/** The post of a review in the agent's conversation, or in the DM of one of its humans. */
export type PostTarget = { kind: 'conversation' } | { kind: 'user'; userId: string };

export const postKey = (messageId: string, target: PostTarget) =>
  target.kind === 'conversation'
    ? `post/${messageId}/conversation`
    : `post/${messageId}/user/${target.userId}`;
export const reviewKey = (messageId: string) => `review/${messageId}`;
export const receiptReplyKey = (messageId: string, target: PostTarget) =>
  `receipt-${postKey(messageId, target)}`;

/** The thread reply with a review's receipt link under one post: claimed, then posted (its `ts`). */
export interface ReceiptReplyRecord {
  ts?: string;
}

/**
 * The posts of the plugin, durable in its key-value store (namespace `plugin:slack`), so that a restart
 * neither loses them (they are updated when the review ends) nor posts them again.
 */
export class Posts {
  constructor(private readonly kv: PluginKeyValueStore) {}

  /**
   * Claims the post of `target` for `notificationId`: true if it is this notification's to post (first
   * claim, or its own earlier claim not yet posted); false when another notification has it, or it is
   * posted already.
   */
  async claim(messageId: string, target: PostTarget, notificationId: string): Promise<boolean> {
    const key = postKey(messageId, target);
    if (await this.kv.setIfAbsent(key, { by: notificationId } satisfies PostRecord, { ttlMs: POST_TTL_MS }))
      return true;
    const current = await this.kv.get<PostRecord>(key);
    return current?.by === notificationId && !current.ts;
  }

  async posted(messageId: string, target: PostTarget, record: Required<PostRecord>): Promise<void> {
    await this.kv.set(postKey(messageId, target), record, { ttlMs: POST_TTL_MS });
  }

  async get(messageId: string, target: PostTarget): Promise<PostRecord | undefined> {
    return this.kv.get<PostRecord>(postKey(messageId, target));
  }

  /**
   * Claims the receipt reply under the post of `target`: true for exactly one caller, ever (across
   * retries, restarts and processes), until `release` gives it back after a failed post.
   */
  async claimReceiptReply(messageId: string, target: PostTarget): Promise<boolean> {
    return this.kv.setIfAbsent(receiptReplyKey(messageId, target), {} satisfies ReceiptReplyRecord, {
      ttlMs: POST_TTL_MS,
    });
  }

  async receiptReplied(messageId: string, target: PostTarget, ts: string): Promise<void> {
    await this.kv.set(receiptReplyKey(messageId, target), { ts } satisfies ReceiptReplyRecord, {
      ttlMs: POST_TTL_MS,
    });
  }

  async releaseReceiptReply(messageId: string, target: PostTarget): Promise<void> {
    await this.kv.delete(receiptReplyKey(messageId, target));
  }

  async remember(messageId: string, review: ReviewRecord): Promise<void> {
    await this.kv.set(reviewKey(messageId), review, { ttlMs: POST_TTL_MS });
  }

  async review(messageId: string): Promise<ReviewRecord | undefined> {
    return this.kv.get<ReviewRecord>(reviewKey(messageId));
  }
}
