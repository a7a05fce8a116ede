import type { PublicApiKey, PublicUser } from '../contract/account.js';
import type { Channel } from '../contract/channel.js';
import { SECRET_MASK } from '../contract/channel.js';
import type { Attachment, Message, StatusEvent } from '../contract/message.js';
import { sanitizeMimeType } from '../contract/mime-type.js';
import type { ReviewVote } from '../contract/policy.js';
import type { Review } from '../contract/review.js';
import type {
  ApiKeyRecord,
  AttachmentRecord,
  ChannelRecord,
  MessageRecord,
  ReviewRecord,
  ReviewVoteRecord,
  StatusStepRecord,
  UserRecord,
} from './records.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

function maskValues(
  record: Record<string, string> | null | undefined,
): Record<string, typeof SECRET_MASK> | null {
  if (!record) return null;
  return Object.fromEntries(Object.keys(record).map((key) => [key, SECRET_MASK]));
}

/** What only a review with a policy shows: its votes, the hash of what is shown, its receipt. */
export interface ReviewPolicyExtras {
  votes: readonly ReviewVoteRecord[];
  /** Display names of the assignees and voters. */
  people: readonly { id: string; displayName: string }[];
  reviewHash: string;
  receipt: string | null;
}

/**
 * A review as the API shows it. Callback header values are masked: they may carry credentials. A review
 * with a policy also shows the policy, its votes, its `reviewHash` and its receipt; a plain review shows
 * exactly the original's fields.
 */
export function presentReview(review: ReviewRecord, extras?: ReviewPolicyExtras): Review {
  const policy = review.policy;
  return {
    type: review.type,
    payload: review.payload,
    status: review.status,
    response: review.response,
    callback: review.callback
      ? {
          url: review.callback.url,
          ...(review.callback.method ? { method: review.callback.method } : {}),
          ...(review.callback.headers ? { headers: maskValues(review.callback.headers) ?? {} } : {}),
        }
      : null,
    expiresAt: review.expiresAt.toISOString(),
    completedAt: iso(review.completedAt),
    feedback: review.feedback,
    modifiedFileIds: review.modifiedFileIds,
    respondedBy: review.respondedBy,
    ...(policy
      ? {
          policy: {
            assignees: policy.assignees,
            assigneeIds: policy.assigneeIds,
            mode: policy.mode,
            required: policy.required,
            veto: policy.veto,
            onTimeout: policy.onTimeout,
            escalation: policy.escalation.map(({ after, remind, addAssignees }) => ({
              after,
              remind,
              addAssignees,
            })),
            escalated: review.escalationStep,
            nextEscalationAt: review.status === 'pending' ? iso(review.nextEscalationAt) : null,
            outcome: policy.outcome,
            people: [...(extras?.people ?? [])],
          },
          votes: (extras?.votes ?? []).map(presentVote),
          proposal: policy.proposal,
          edits: policy.edits,
          ...(extras ? { reviewHash: extras.reviewHash } : {}),
          receipt: extras?.receipt ?? null,
        }
      : {}),
  };
}

export function presentVote(vote: ReviewVoteRecord): ReviewVote {
  return {
    userId: vote.userId,
    response: vote.response,
    choice: vote.choice,
    rejects: vote.rejects,
    votedAt: vote.votedAt.toISOString(),
  };
}

export function presentAttachment(attachment: AttachmentRecord, textContent?: string): Attachment {
  return {
    id: attachment.id,
    messageId: attachment.messageId,
    channelId: attachment.channelId,
    pluginType: attachment.pluginType,
    filename: attachment.filename,
    // Rows stored before types were checked are shown (and served) in their safe form.
    mimeType: sanitizeMimeType(attachment.mimeType),
    size: attachment.size,
    sha256: attachment.sha256,
    createdAt: attachment.createdAt.toISOString(),
    ...(textContent !== undefined ? { textContent } : {}),
  };
}

export function presentStatusStep(step: StatusStepRecord): StatusEvent {
  return {
    id: step.id,
    channelId: step.channelId,
    streamId: step.streamId,
    index: step.index,
    text: step.text,
    toolHint: step.toolHint,
    createdAt: step.createdAt.toISOString(),
  };
}

export function presentMessage(
  message: MessageRecord,
  review: ReviewRecord | undefined,
  attachments: Attachment[],
  extras: { agentName?: string; statusEvents?: StatusEvent[]; policy?: ReviewPolicyExtras } = {},
): Message {
  return {
    id: message.id,
    channelId: message.channelId,
    senderType: message.senderType,
    senderId: message.senderId,
    text: message.text,
    status: message.status,
    review: review ? presentReview(review, extras.policy) : null,
    metadata: message.metadata,
    clientId: message.clientId,
    streamId: message.streamId,
    streamState: message.streamState,
    deliveryStatus: message.deliveryStatus,
    iterationGroupId: message.iterationGroupId,
    iteration: message.iteration,
    createdAt: message.createdAt.toISOString(),
    updatedAt: message.updatedAt.toISOString(),
    attachments,
    ...(extras.statusEvents !== undefined ? { statusEvents: extras.statusEvents } : {}),
    ...(extras.agentName !== undefined ? { agentName: extras.agentName } : {}),
  };
}

/** A channel as the API shows it: header values, the Basic password and the signing secret never leave. */
export function presentChannel(channel: ChannelRecord): Channel {
  return {
    id: channel.id,
    name: channel.name,
    description: channel.description,
    avatarUrl: channel.avatarUrl,
    webhookUrl: channel.webhookUrl,
    webhookHeaders: maskValues(channel.webhookHeaders),
    webhookAuth: channel.webhookAuth
      ? { username: channel.webhookAuth.username, password: SECRET_MASK }
      : null,
    hasSigningSecret: channel.webhookSecret !== null,
    status: channel.status,
    statusMessage: channel.statusMessage,
    statusSince: iso(channel.statusSince),
    lastActiveAt: iso(channel.lastActiveAt),
    commands: channel.commands,
    tag: channel.tag,
    isSubagent: channel.isSubagent,
    parentAgentId: channel.parentAgentId,
    createdAt: channel.createdAt.toISOString(),
  };
}

export function presentUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    externalId: user.externalId,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt.toISOString(),
  };
}

export function presentApiKey(key: ApiKeyRecord): PublicApiKey {
  return {
    id: key.id,
    userId: key.userId,
    label: key.label,
    keyPrefix: key.keyPrefix,
    channelId: key.channelId,
    lastUsedAt: iso(key.lastUsedAt),
    createdAt: key.createdAt.toISOString(),
  };
}

export type { PublicApiKey, PublicUser } from '../contract/account.js';
