import { inject, injectable } from 'tsyringe';
import type { Principal } from '../domain/principal.js';
import type { ChannelRecord, MessageRecord, ReviewRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
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
    const found = messageId ? await this.store.messages.findById(messageId) : undefined;
    if (found && found.ownerId !== principal.userId && principal.kind === 'user') {
      const review = await this.store.reviews.findByMessageId(found.id);
      const assigned = review?.policy?.assigneeIds.includes(principal.userId) === true;
      if (review && assigned && (channelId === undefined || channelId === found.channelId)) {
        const channel = await this.store.channels.findById(found.channelId);
        if (channel) return { message: found, channel, review };
      }
    }
    const { message, channel } = await this.messages.require(principal, messageId, channelId);
    const review = await this.store.reviews.findByMessageId(message.id);
    if (!review) throw noReview();
    return { message, channel, review };
  }
}
