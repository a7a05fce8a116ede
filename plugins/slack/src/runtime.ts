import type { Channel, Message } from '@placet/core/contract';
import {
  isPlacetError,
  type Notification,
  type NotificationResult,
  type PluginContext,
} from '@placet/core/plugin';
import type { WebClient } from '@slack/web-api';
import { fallbackText, receiptReplyText, reviewBlocks } from './blocks.js';
import { type Links, linksOf } from './links.js';
import { modalFor } from './modal.js';
import type { SlackOptions } from './options.js';
import { People } from './people.js';
import { Posts, type PostTarget } from './posts.js';
import { call, SlackCallError, slackClient, slackFailure } from './slack-api.js';

/** Slack answers that mean the post is gone for good: nothing to update. */
const GONE = new Set(['message_not_found', 'channel_not_found', 'is_archived', 'cant_update_message']);

/**
 * The plugin's state in one Placet instance: its Web API client, the people mapping and the posts. The
 * notifier (posts), the hooks (updates) and the interactivity route (answers) share it.
 */
export class SlackRuntime {
  readonly links: Links;
  readonly client: WebClient;
  readonly people: People;
  readonly posts: Posts;

  constructor(readonly ctx: PluginContext<SlackOptions>) {
    this.links = linksOf(ctx.options);
    this.client = slackClient(ctx.options);
    this.people = new People(ctx, this.client);
    this.posts = new Posts(ctx.kv);
  }

  get options(): SlackOptions {
    return this.ctx.options;
  }

  /** The Slack conversation of an agent's reviews: by its id, its name, or the default; none without. */
  conversationOf(channel: Pick<Channel, 'id' | 'name'>): string | undefined {
    const { channels, defaultChannel } = this.options;
    return channels[channel.id] ?? channels[channel.name] ?? defaultChannel;
  }

  /** The blocks of `message` as it is now (waiting with its controls, or its outcome). */
  async blocksOf(message: Message, agentName: string) {
    const review = message.review;
    const pending = review?.status === 'pending';
    const { plugins, users } = this.ctx.placet;
    const view = {
      message,
      agentName,
      quickAnswers: pending && review ? plugins.quickAnswers(review.type, review.payload) : [],
      modal: pending && review ? modalFor(review) !== undefined : false,
      summary: review?.response ? plugins.summarize(review.type, review.payload, review.response) : null,
      respondedBy: review?.respondedBy ? (await users.get(review.respondedBy))?.displayName : undefined,
      links: this.links,
    };
    return { blocks: reviewBlocks(view), text: fallbackText(view) };
  }

  /** The notifier's `send`: the review's post in the agent's conversation and/or the recipient's DM. */
  async send(notification: Notification): Promise<NotificationResult> {
    if (notification.kind !== 'review.created')
      return { ok: true, skipped: `slack: ${notification.kind} is shown by updating the post` };
    const { message, channel, recipient } = notification;
    if (message.review?.status !== 'pending')
      return { ok: true, skipped: 'slack: the review no longer waits' };
    try {
      const targets: { target: PostTarget; conversation: string }[] = [];
      const conversation = this.conversationOf(channel);
      if (conversation) targets.push({ target: { kind: 'conversation' }, conversation });
      if (this.options.directMessages) {
        const slackId = await this.people.slackIdOf(recipient);
        if (slackId) targets.push({ target: { kind: 'user', userId: recipient.id }, conversation: slackId });
      }
      if (targets.length === 0)
        return {
          ok: true,
          skipped: 'slack: no conversation for this agent, and no Slack account for the recipient',
        };
      const { blocks, text } = await this.blocksOf(message, message.agentName ?? channel.name);
      let posted = 0;
      for (const { target, conversation } of targets) {
        if (!(await this.posts.claim(message.id, target, notification.id))) continue;
        const result = await call('chat.postMessage', () =>
          this.client.chat.postMessage({
            channel: conversation,
            text,
            blocks: blocks as never,
            unfurl_links: false,
            unfurl_media: false,
            link_names: false,
            metadata: { event_type: 'placet_review', event_payload: { message_id: message.id } },
          }),
        );
        if (!result.ts || !result.channel)
          throw new SlackCallError('chat.postMessage', 'no ts in the answer', true);
        await this.posts.posted(message.id, target, {
          by: notification.id,
          channel: result.channel,
          ts: result.ts,
        });
        posted++;
      }
      // Answered while it was being posted: show the outcome at once (the hook may have run before).
      if (posted > 0) await this.refreshIfDone(message.id, recipient.id);
      return { ok: true };
    } catch (error) {
      const failure = slackFailure('send', error);
      return {
        ok: false,
        error: failure.message,
        retry: failure.retry,
        ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      };
    }
  }

  async refreshIfDone(messageId: string, userId: string): Promise<void> {
    const user = await this.ctx.placet.users.get(userId);
    if (!user) return;
    const current = await this.ctx.placet.reviews
      .get(this.ctx.placet.userPrincipal(user), messageId)
      .catch(() => undefined);
    if (current?.review && current.review.status !== 'pending') {
      await this.refresh(current, [userId]);
      await this.replyWithReceipt(current, [userId], userId);
    }
  }

  /**
   * The message as it is now, read as `userId` (its channel's owner sees every review of it); undefined
   * when it is gone. A failure to read (the store) throws, so that the hook is retried.
   */
  async current(message: Pick<Message, 'id' | 'channelId'>, userId: string): Promise<Message | undefined> {
    const user = await this.ctx.placet.users.get(userId);
    if (!user) return undefined;
    try {
      return await this.ctx.placet.reviews.get(
        this.ctx.placet.userPrincipal(user),
        message.id,
        message.channelId,
      );
    } catch (error) {
      if (isPlacetError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * The `message.updated` hook: a review's post shows its new state (assignees added by an escalation,
   * the next step, votes so far). Only while the review is pending, as it is now: an update the hook
   * runs late (or again) never puts the buttons back on a decided review (its own hook shows the outcome).
   */
  async update(message: Message, ownerId: string): Promise<number> {
    if (message.review?.status !== 'pending') return 0;
    const current = await this.current(message, ownerId);
    if (current?.review?.status !== 'pending') return 0;
    return this.refresh(current, SlackRuntime.peopleOf(current, ownerId));
  }

  /**
   * Once a human answered `message`'s review: a reply in the thread of each of its posts (the agent's
   * conversation, the DMs of `people`) with where to see the signed receipt and how to verify it. Exactly
   * once per post: claimed in the key-value store before posting, so a retried hook, a restart or another
   * process never posts it twice (a claim whose post failed is released, and the retry posts it). Nothing
   * when no receipt was issued (expired; decided by the policy's default outcome, with no human).
   */
  async replyWithReceipt(message: Message, people: readonly string[], readAs: string): Promise<number> {
    const review = message.review;
    if (review?.status !== 'completed' || !review.respondedBy) return 0;
    const targets: PostTarget[] = [
      { kind: 'conversation' },
      ...[...new Set(people)].map((userId): PostTarget => ({ kind: 'user', userId })),
    ];
    const posts: { target: PostTarget; channel: string; ts: string }[] = [];
    for (const target of targets) {
      const post = await this.posts.get(message.id, target);
      if (post?.channel && post.ts) posts.push({ target, channel: post.channel, ts: post.ts });
    }
    if (posts.length === 0) return 0;
    const receipt = await this.receiptOf(message, readAs);
    if (!receipt) return 0;
    const text = receiptReplyText({ messageId: message.id, kid: receipt.kid, links: this.links });
    let replied = 0;
    for (const { target, channel, ts } of posts) {
      if (!(await this.posts.claimReceiptReply(message.id, target))) continue;
      try {
        const result = await call('chat.postMessage', () =>
          this.client.chat.postMessage({
            channel,
            thread_ts: ts,
            text,
            unfurl_links: false,
            unfurl_media: false,
            link_names: false,
          }),
        );
        await this.posts.receiptReplied(message.id, target, result.ts ?? '');
        replied++;
      } catch (error) {
        await this.posts.releaseReceiptReply(message.id, target);
        if (error instanceof SlackCallError && GONE.has(error.reason)) continue;
        throw error;
      }
    }
    return replied;
  }

  /** The receipt of a completed review (read as `userId`), or undefined when none was issued. */
  async receiptOf(message: Message, userId: string): Promise<{ kid: string } | undefined> {
    const user = await this.ctx.placet.users.get(userId);
    if (!user) return undefined;
    try {
      const { kid } = await this.ctx.placet.receipts.get(
        this.ctx.placet.userPrincipal(user),
        message.id,
        message.channelId,
      );
      return { kid };
    } catch (error) {
      if (isPlacetError(error) && (error.code === 'RECEIPT_NOT_ISSUED' || error.status === 404))
        return undefined;
      throw error;
    }
  }

  /**
   * Updates every post of `message` in place (`chat.update`) to show how it stands: the conversation's
   * and the DMs of `people` (who were notified). A post Slack no longer has is left alone; any other
   * failure throws, so that the hook is retried.
   */
  async refresh(message: Message, people: readonly string[]): Promise<number> {
    const targets: PostTarget[] = [
      { kind: 'conversation' },
      ...[...new Set(people)].map((userId): PostTarget => ({ kind: 'user', userId })),
    ];
    let agentName = message.agentName;
    let rendered: Awaited<ReturnType<SlackRuntime['blocksOf']>> | undefined;
    let updated = 0;
    for (const target of targets) {
      const post = await this.posts.get(message.id, target);
      if (!post?.channel || !post.ts) continue;
      agentName ??= 'The agent';
      rendered ??= await this.blocksOf(message, agentName);
      const { blocks, text } = rendered;
      const { channel, ts } = post;
      try {
        await call('chat.update', () =>
          this.client.chat.update({ channel, ts, text, blocks: blocks as never }),
        );
        updated++;
      } catch (error) {
        if (error instanceof SlackCallError && GONE.has(error.reason)) {
          this.ctx.logger.info('slack: a post to update is gone', {
            messageId: message.id,
            reason: error.reason,
          });
          continue;
        }
        throw error;
      }
    }
    return updated;
  }

  /** Who was told about a review: its assignees, and its agent's owner. */
  static peopleOf(message: Message, ownerId: string): string[] {
    return [ownerId, ...(message.review?.policy?.assigneeIds ?? [])];
  }

  /** An ephemeral note to one Slack user in a conversation (never recorded anywhere else). */
  async whisper(channel: string, user: string, text: string): Promise<void> {
    await call('chat.postEphemeral', () => this.client.chat.postEphemeral({ channel, user, text })).catch(
      (error: unknown) => {
        this.ctx.logger.warn('slack: an ephemeral note failed', {
          error: slackFailure('chat.postEphemeral', error).message,
        });
      },
    );
  }
}
