import { inject, injectable } from 'tsyringe';
import type { Attachment, Message, StatusEvent } from '../contract/message.js';
import {
  presentAttachment,
  presentMessage,
  presentStatusStep,
  type ReviewPolicyExtras,
} from '../domain/present.js';
import { RECEIPTS_NAMESPACE, type StoredReceipt } from '../domain/receipts.js';
import type { AttachmentRecord, MessageRecord, ReviewRecord } from '../domain/records.js';
import { shownHash } from '../domain/shown.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { Clock } from '../ports/clock.js';
import type { FileStore } from '../ports/file-store.js';
import type { Logger } from '../ports/logger.js';
import type { Repositories, Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';

const INLINE_TYPES = new Set(['text/markdown', 'text/plain', 'text/html', 'text/csv']);

/** Builds API messages from rows: reviews and attachments loaded in one batch each, small text inlined. */
@injectable()
export class MessageViews {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.FileStore) private readonly files: FileStore,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async present(
    messages: readonly MessageRecord[],
    opts: {
      inlineText?: boolean;
      agentName?: string;
      /** Agent names by channel, for a page across channels (an assignee's inbox). */
      agentNames?: ReadonlyMap<string, string>;
      repos?: Repositories;
      /**
       * The reviews of these messages, when the caller has every one of them at hand (it just wrote
       * them): no read. Absent: they are read.
       */
      reviews?: readonly ReviewRecord[];
    } = {},
  ): Promise<Message[]> {
    if (messages.length === 0) return [];
    const repos = opts.repos ?? this.store;
    const ids = messages.map((m) => m.id);
    const withAttachments = messages.filter((m) => m.attachmentCount > 0).map((m) => m.id);
    const streamsByChannel = new Map<string, string[]>();
    for (const m of messages) {
      if (m.streamId !== null)
        streamsByChannel.set(m.channelId, [...(streamsByChannel.get(m.channelId) ?? []), m.streamId]);
    }
    const [reviews, attachments, steps] = await Promise.all([
      opts.reviews ?? repos.reviews.findByMessageIds(ids),
      withAttachments.length > 0 ? repos.attachments.listByMessageIds(withAttachments) : Promise.resolve([]),
      // Joined by channel *and* stream: stream ids are agent-chosen and may collide across tenants.
      Promise.all(
        [...streamsByChannel].map(([channelId, streamIds]) =>
          repos.statusSteps.listByStreams(channelId, streamIds),
        ),
      ),
    ]);
    const stepsOf = new Map<string, StatusEvent[]>();
    for (const step of steps.flat()) {
      const key = `${step.channelId}\u0000${step.streamId}`;
      stepsOf.set(key, [...(stepsOf.get(key) ?? []), presentStatusStep(step)]);
    }
    const reviewOf = new Map(reviews.map((r) => [r.messageId, r]));
    const policyOf = await this.#policyExtras(repos, messages, reviews, attachments);
    const attachmentsOf = new Map<string, Attachment[]>();
    for (const attachment of attachments) {
      const list = attachmentsOf.get(attachment.messageId ?? '') ?? [];
      list.push(
        presentAttachment(attachment, opts.inlineText ? await this.inlineText(attachment) : undefined),
      );
      attachmentsOf.set(attachment.messageId ?? '', list);
    }
    return messages.map((m) => {
      const agentName = opts.agentName ?? opts.agentNames?.get(m.channelId);
      const policy = policyOf.get(m.id);
      return presentMessage(m, reviewOf.get(m.id), attachmentsOf.get(m.id) ?? [], {
        statusEvents: m.streamId === null ? [] : (stepsOf.get(`${m.channelId}\u0000${m.streamId}`) ?? []),
        ...(m.senderType === 'agent' && agentName !== undefined ? { agentName } : {}),
        ...(policy ? { policy } : {}),
      });
    });
  }

  /**
   * What the reviews with a policy on a page show besides the original's fields: their votes (one read
   * for the page), the hash of what is shown, and the receipt once decided. Nothing for plain reviews.
   */
  async #policyExtras(
    repos: Repositories,
    messages: readonly MessageRecord[],
    reviews: readonly ReviewRecord[],
    attachments: readonly AttachmentRecord[],
  ): Promise<Map<string, ReviewPolicyExtras>> {
    const withPolicy = reviews.filter((r) => r.policy !== null);
    const extras = new Map<string, ReviewPolicyExtras>();
    if (withPolicy.length === 0) return extras;
    const ids = withPolicy.map((r) => r.messageId);
    const now = this.clock.now();
    const [votes, receipts, users] = await Promise.all([
      repos.reviewVotes.listByMessageIds(ids),
      Promise.all(
        withPolicy.map((r) =>
          r.status === 'completed' ? repos.kv.get(RECEIPTS_NAMESPACE, r.messageId, now) : undefined,
        ),
      ),
      // The instance's users (a team: tens, not millions) name the assignees and voters.
      repos.users.list(),
    ]);
    const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
    const messageOf = new Map(messages.map((m) => [m.id, m]));
    for (const [index, review] of withPolicy.entries()) {
      const message = messageOf.get(review.messageId);
      const hash = await shownHash(
        review,
        message?.text ?? null,
        attachments.filter((a) => a.messageId === review.messageId),
      );
      const stored = receipts[index]?.value as StoredReceipt | undefined;
      const cast = votes.filter((v) => v.messageId === review.messageId);
      const named = new Set([...(review.policy?.assigneeIds ?? []), ...cast.map((v) => v.userId)]);
      extras.set(review.messageId, {
        votes: cast,
        people: [...named].flatMap((id) => {
          const displayName = nameOf.get(id);
          return displayName === undefined ? [] : [{ id, displayName }];
        }),
        reviewHash: hash,
        receipt: stored?.receipt ?? null,
      });
    }
    return extras;
  }

  async presentOne(
    message: MessageRecord,
    opts: {
      inlineText?: boolean;
      agentName?: string;
      repos?: Repositories;
      /** The message's review (`null`: it has none), when the caller has it: no read. */
      review?: ReviewRecord | null;
    } = {},
  ): Promise<Message> {
    if (opts.review !== undefined) {
      const { review, ...rest } = opts;
      const [known] = await this.present([message], { ...rest, reviews: review ? [review] : [] });
      return known!;
    }
    const [presented] = await this.present([message], opts);
    return presented!;
  }

  /** The text of a small text attachment (the original inlines ≤ 64 KB of markdown, plain, html, csv). */
  async inlineText(attachment: AttachmentRecord): Promise<string | undefined> {
    const mime = attachment.mimeType.split(';')[0]!.trim().toLowerCase();
    if (!INLINE_TYPES.has(mime) || attachment.size > this.options.inlineTextMaxBytes) return undefined;
    try {
      const object = await this.files.get(attachment.storageKey);
      if (!object) return undefined;
      const chunks: Uint8Array[] = [];
      for await (const chunk of object.body) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    } catch (error) {
      this.logger.warn('could not inline a text attachment', {
        attachmentId: attachment.id,
        error: String(error),
      });
      return undefined;
    }
  }
}
