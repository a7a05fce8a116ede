import { z } from 'zod';
import {
  DeliveryStatus,
  HttpUrl,
  Id,
  IsoDateTime,
  JsonObject,
  MessageStatus,
  SenderType,
  StreamState,
} from './common.js';
import { MimeType } from './mime-type.js';
import { Review, ReviewInput } from './review.js';

/** Longest message text (characters). */
export const MAX_MESSAGE_TEXT_LENGTH = 1_000_000;
/** Most orphan files one message may link. */
export const MAX_ATTACHMENT_IDS = 100;
/** Most inline text attachments one message may carry. */
export const MAX_TEXT_ATTACHMENTS = 20;
/** Longest status step (`POST …/streams/:streamId/status`) text. */
export const MAX_STATUS_STEP_LENGTH = 2000;
/** Default and largest page size of `GET /api/v1/messages`. */
export const DEFAULT_MESSAGE_PAGE_SIZE = 50;
export const MAX_MESSAGE_PAGE_SIZE = 100;

const MessageText = z.string().max(MAX_MESSAGE_TEXT_LENGTH);
const ClientKey = z.string().min(1).max(200);

/** Text stored as an orphan file and linked to the message, like an upload. */
export const TextAttachment = z.object({
  content: z.string().min(1),
  filename: z.string().min(1).max(255).default('content.md'),
  mimeType: MimeType.default('text/markdown'),
});
export type TextAttachment = z.infer<typeof TextAttachment>;
export type TextAttachmentInput = z.input<typeof TextAttachment>;

export const MESSAGE_CONTENT_REQUIRED =
  'Message must contain at least one of: text, review, status, attachmentIds, or textAttachments';

/**
 * Body of the agent's `POST /api/v1/messages`. Unknown top-level keys are stripped; `metadata` and
 * `review.payload` keep theirs. `streamStartedAt` is accepted for compatibility and ignored. Empty text and
 * empty arrays do not count as content.
 */
export const MessageCreate = z
  .object({
    channelId: Id,
    text: MessageText.optional(),
    status: MessageStatus.optional(),
    review: ReviewInput.optional(),
    metadata: JsonObject.optional(),
    webhookUrl: HttpUrl.optional(),
    attachmentIds: z.array(Id).max(MAX_ATTACHMENT_IDS).optional(),
    textAttachments: z.array(TextAttachment).max(MAX_TEXT_ATTACHMENTS).optional(),
    iterationOf: Id.optional(),
    clientId: ClientKey.optional(),
    streamId: ClientKey.optional(),
    streamStartedAt: z.string().min(1).max(100).optional(),
    streamState: StreamState.optional(),
  })
  .refine(
    (body) =>
      Boolean(body.text) ||
      body.review !== undefined ||
      body.status !== undefined ||
      (body.attachmentIds?.length ?? 0) > 0 ||
      (body.textAttachments?.length ?? 0) > 0,
    { message: MESSAGE_CONTENT_REQUIRED },
  );
export type MessageCreate = z.output<typeof MessageCreate>;
export type MessageCreateInput = z.input<typeof MessageCreate>;

export const USER_MESSAGE_CONTENT_REQUIRED = 'Message must contain at least one of: text or attachmentIds';

/** Body of the human's `POST /api/messages`. */
export const UserMessageCreate = z
  .object({
    channelId: Id,
    text: MessageText.optional(),
    attachmentIds: z.array(Id).max(MAX_ATTACHMENT_IDS).optional(),
    clientId: ClientKey.optional(),
  })
  .refine((body) => Boolean(body.text) || (body.attachmentIds?.length ?? 0) > 0, {
    message: USER_MESSAGE_CONTENT_REQUIRED,
  });
export type UserMessageCreateInput = z.input<typeof UserMessageCreate>;
export type UserMessageCreate = z.infer<typeof UserMessageCreate>;

/** Body of `PATCH /api/v1/messages/streams/:streamId`: `text` is the full accumulated buffer. */
export const StreamPatch = z.object({
  channelId: Id,
  text: MessageText,
  complete: z.boolean().optional(),
  streamState: StreamState.optional(),
});
export type StreamPatchInput = z.input<typeof StreamPatch>;
export type StreamPatch = z.infer<typeof StreamPatch>;

/** Body of `POST /api/v1/messages/streams/:streamId/status`. */
export const StatusStepCreate = z.object({
  channelId: Id,
  text: z.string().min(1).max(MAX_STATUS_STEP_LENGTH),
  toolHint: z.boolean().default(false),
});
export type StatusStepCreate = z.output<typeof StatusStepCreate>;
export type StatusStepCreateInput = z.input<typeof StatusStepCreate>;

/**
 * `limit` from a query string or a number: absent (or empty) gives 50, above 100 is clamped to 100,
 * fractions are floored, and anything non-numeric or below 1 is a 400.
 */
const PageLimit = z
  .union([z.string(), z.number()])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      return DEFAULT_MESSAGE_PAGE_SIZE;
    }
    const n = typeof value === 'number' ? value : Number(value.trim());
    if (Number.isNaN(n) || n < 1) {
      ctx.addIssue({ code: 'custom', message: 'limit must be a positive integer' });
      return z.NEVER;
    }
    return Math.min(Math.floor(n), MAX_MESSAGE_PAGE_SIZE);
  });

/** `has_attachments`: only `'true'` (or `true`) filters; anything else means "no filter", never a 400. */
const QueryFlag = z
  .unknown()
  .optional()
  .transform((value) => value === true || value === 'true');

/** Query of `GET /api/v1/messages`. */
export const MessageListQuery = z.object({
  channel: Id,
  limit: PageLimit,
  cursor: Id.optional(),
  search: z.string().max(500).optional(),
  has_attachments: QueryFlag,
});
export type MessageListQuery = z.output<typeof MessageListQuery>;
export type MessageListQueryInput = z.input<typeof MessageListQuery>;

/** The `?channel=` query of the single-message, ack, delete, review and file-list endpoints. */
export const ChannelQuery = z.object({ channel: Id });
export type ChannelQuery = z.infer<typeof ChannelQuery>;

/**
 * `GET /reviews/:id`: `channel` names the review's channel — required of an agent (as in the original),
 * optional for a signed-in human (a link to a review: its channel is looked up).
 */
export const ReviewQuery = ChannelQuery.partial();
export type ReviewQuery = z.infer<typeof ReviewQuery>;

/** A stored file. `messageId` is null for an orphan; `textContent` is inlined for small text files. */
export const Attachment = z.object({
  id: Id,
  messageId: Id.nullable(),
  channelId: Id,
  pluginType: z.string(),
  filename: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().optional(),
  createdAt: IsoDateTime,
  textContent: z.string().optional(),
});
export type Attachment = z.infer<typeof Attachment>;

/** One progress step of a streamed reply. */
export const StatusEvent = z.object({
  id: Id,
  channelId: Id,
  streamId: z.string(),
  index: z.number().int(),
  text: z.string(),
  toolHint: z.boolean(),
  createdAt: IsoDateTime,
});
export type StatusEvent = z.infer<typeof StatusEvent>;

/** A message as returned by the API and carried by `message:*` events. */
export const Message = z.object({
  id: Id,
  channelId: Id,
  senderType: SenderType,
  senderId: z.string(),
  text: z.string().nullable(),
  status: MessageStatus.nullable(),
  review: Review.nullable(),
  metadata: JsonObject.nullable(),
  clientId: z.string().nullable(),
  streamId: z.string().nullable(),
  streamState: StreamState.nullable(),
  deliveryStatus: DeliveryStatus,
  iterationGroupId: z.string().nullable(),
  iteration: z.number().int().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  attachments: z.array(Attachment),
  statusEvents: z.array(StatusEvent).optional(),
  agentName: z.string().optional(),
});
export type Message = z.infer<typeof Message>;

/** A page of messages, newest first; `nextCursor` is the id to pass as `cursor`, or null at the end. */
export const MessagePage = z.object({
  data: z.array(Message),
  nextCursor: z.string().nullable(),
});
export type MessagePage = z.infer<typeof MessagePage>;

export const AckResult = z.object({ acknowledged: z.literal(true) });
export type AckResult = z.infer<typeof AckResult>;

export const DeleteResult = z.object({ deleted: z.literal(true) });
export type DeleteResult = z.infer<typeof DeleteResult>;

/** `GET /api/v1/messages/iterations/:id`: the chain ordered by `iteration`, root first. */
export const IterationChain = z.object({
  groupId: Id,
  iterations: z.array(Message),
});
export type IterationChain = z.infer<typeof IterationChain>;
