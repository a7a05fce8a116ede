import type { Repositories } from '../ports/store.js';
import { newId } from '../util/ids.js';
import { presentVote } from './present.js';
import type {
  ChannelRecord,
  DeliveryRecord,
  MessageRecord,
  NewEvent,
  ReviewRecord,
  ReviewVoteRecord,
} from './records.js';

interface Target {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** The channel's custom headers plus Basic auth (credentials stay server-side, in the delivery row). */
function channelHeaders(channel: ChannelRecord): Record<string, string> {
  const headers: Record<string, string> = { ...(channel.webhookHeaders ?? {}) };
  if (channel.webhookAuth?.username && channel.webhookAuth.password) {
    headers.Authorization = `Basic ${Buffer.from(`${channel.webhookAuth.username}:${channel.webhookAuth.password}`).toString('base64')}`;
  }
  return headers;
}

function sameOrigin(a: string, b: string | null): boolean {
  if (!b) return false;
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** URL priority (reference §5): the message's `webhookUrl`, then the channel's webhook, then the legacy callback. */
export function webhookTarget(
  message: MessageRecord,
  review: ReviewRecord | undefined,
  channel: ChannelRecord,
): Target | undefined {
  const own = message.metadata?.webhookUrl;
  if (typeof own === 'string' && own) {
    // The channel's credentials (custom headers, basic auth) go only to the channel's own webhook origin:
    // an agent key must not be able to send them anywhere else.
    return {
      url: own,
      method: 'POST',
      headers: sameOrigin(own, channel.webhookUrl) ? channelHeaders(channel) : {},
    };
  }
  if (channel.webhookUrl)
    return { url: channel.webhookUrl, method: 'POST', headers: channelHeaders(channel) };
  if (review?.callback?.url) {
    return {
      url: review.callback.url,
      method: (review.callback.method ?? 'POST').toUpperCase(),
      headers: { ...(review.callback.headers ?? {}) },
    };
  }
  return undefined;
}

/**
 * The original's payloads (reference §5), so receivers written for it keep working. An answered review
 * with an approval policy also carries who decided, how, every vote and the signed receipt.
 */
export function reviewPayload(
  event: 'review:responded' | 'review:expired',
  message: MessageRecord,
  review: ReviewRecord,
  decided?: { receipt: string; votes: readonly ReviewVoteRecord[] },
): Record<string, unknown> {
  const base = { event, channelId: message.channelId, message_id: message.id, review_type: review.type };
  if (event === 'review:expired')
    return { ...base, expired_at: (review.expiredAt ?? new Date()).toISOString() };
  return {
    ...base,
    response: review.response,
    ...(review.modifiedFileIds ? { modifiedFileIds: review.modifiedFileIds } : {}),
    ...(review.feedback ? { feedback: review.feedback } : {}),
    responded_at: (review.completedAt ?? new Date()).toISOString(),
    ...(message.iterationGroupId
      ? { iterationGroupId: message.iterationGroupId, iteration: message.iteration }
      : {}),
    ...(review.policy && decided
      ? {
          responded_by: review.respondedBy,
          outcome: review.policy.outcome,
          votes: decided.votes.map(presentVote),
          ...(review.policy.proposal ? { edits: review.policy.edits } : {}),
          receipt: decided.receipt,
        }
      : {}),
  };
}

/**
 * Plans a delivery inside the transaction that made the change, so that a committed answer always has
 * its delivery row (durable, exactly once, whatever happens to the process afterwards).
 */
export async function planDelivery(
  tx: Repositories,
  now: Date,
  input: {
    channel: ChannelRecord;
    message: MessageRecord;
    review?: ReviewRecord;
    event: string;
    payload: unknown;
  },
): Promise<DeliveryRecord | undefined> {
  const target = webhookTarget(input.message, input.review, input.channel);
  if (!target) return undefined;
  const delivery: DeliveryRecord = {
    id: `msg_${newId()}`,
    ownerId: input.channel.ownerId,
    channelId: input.channel.id,
    messageId: input.message.id,
    event: input.event,
    url: target.url,
    method: target.method,
    headers: target.headers,
    body: JSON.stringify(input.payload),
    signed: input.channel.webhookSecret !== null,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lockedUntil: null,
    lastStatus: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  };
  await tx.deliveries.insert(delivery);
  return delivery;
}

/** `lastError` (and attempt-log entry) of deliveries cancelled because the channel's webhook went away. */
export const WEBHOOK_REMOVED = "cancelled: the channel's webhook was removed";
/** … or because it now points elsewhere. */
export const WEBHOOK_CHANGED = "cancelled: the channel's webhook URL was changed";

/**
 * Cancels, inside the transaction that removed or changed the channel's webhook, the deliveries still
 * pending to its old URL, and marks their messages `webhook_failed` (one `message:delivery` event each;
 * an acknowledged message stays `agent_received`). Deliveries carry no record of where their URL came
 * from, so this goes by URL: a message-level `webhookUrl` equal to the old channel URL is cancelled too.
 */
export async function cancelWebhookDeliveries(
  tx: Repositories,
  emit: (event: Omit<NewEvent, 'createdAt'>) => Promise<unknown>,
  input: { channelId: string; url: string; reason: string; now: Date },
): Promise<number> {
  const cancelled = await tx.deliveries.cancelPending(input.channelId, input.url, input.reason, input.now);
  const messageIds = new Set(cancelled.flatMap((d) => (d.messageId ? [d.messageId] : [])));
  for (const messageId of messageIds) {
    const updated = await tx.messages.setDeliveryStatus(messageId, 'webhook_failed', input.now);
    if (!updated) continue;
    await emit({
      type: 'message:delivery',
      ownerId: updated.ownerId,
      channelId: updated.channelId,
      subjectId: updated.id,
      payload: { messageId: updated.id, deliveryStatus: updated.deliveryStatus },
    });
  }
  return cancelled.length;
}
