import { inject, injectable } from 'tsyringe';
import type { Principal } from '../domain/principal.js';
import type { ChannelRecord, MessageRecord, ReviewRecord } from '../domain/records.js';
import { isPlacetError, PlacetError } from '../errors/placet-error.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { MessagesService } from './messages-service.js';

/** The 404 of a message that carries no review. */
export const noReview = () => new PlacetError('NOT_FOUND', 'No review on this message');

/** A review with its message and channel, as one caller may see it. */
export interface VisibleReview {
  message: MessageRecord;
  channel: ChannelRecord;
  review: ReviewRecord;
}

/** Who may see a review: its channel's owner, and the humans it names as assignees. */
@injectable()
export class ReviewAccess {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(MessagesService) private readonly messages: MessagesService,
  ) {}

  /**
   * A review the principal may see: one of their own channels', or — for a human — one that names them
   * as an assignee (read-only unless they may answer). Anything else is the same 404 as a stranger's.
   */
  async require(principal: Principal, messageId: string, channelId?: string): Promise<VisibleReview> {
    try {
      // The owner's path first, as before policies existed: one message read.
      const { message, channel } = await this.messages.require(principal, messageId, channelId);
      const review = await this.store.reviews.findByMessageId(message.id);
      if (!review) throw noReview();
      return { message, channel, review };
    } catch (error) {
      if (principal.kind !== 'user' || !isPlacetError(error) || error.code !== 'NOT_FOUND') throw error;
      const assigned = await this.#asAssignee(principal.userId, messageId, channelId);
      if (assigned) return assigned;
      throw error;
    }
  }

  /** Someone else's review that names `userId` as an assignee, or undefined. */
  async #asAssignee(
    userId: string,
    messageId: string,
    channelId: string | undefined,
  ): Promise<VisibleReview | undefined> {
    const message = messageId ? await this.store.messages.findById(messageId) : undefined;
    if (!message || (channelId !== undefined && channelId !== message.channelId)) return undefined;
    const review = await this.store.reviews.findByMessageId(message.id);
    if (!review?.policy?.assigneeIds.includes(userId)) return undefined;
    const channel = await this.store.channels.findById(message.channelId);
    return channel ? { message, channel, review } : undefined;
  }
}
