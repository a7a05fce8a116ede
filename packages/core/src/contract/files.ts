import { z } from 'zod';
import { MAX_MESSAGE_TEXT_LENGTH } from './message.js';
import { MimeType } from './mime-type.js';

const CHANNEL_ID_REQUIRED = 'channelId is required';

/** `channelId` with the original's message when it is missing or empty. */
const ChannelIdField = z.string({ error: CHANNEL_ID_REQUIRED }).min(1, CHANNEL_ID_REQUIRED).max(200);

/** Body of `POST /api/v1/files/store-text`: stores text as an orphan file to link via `attachmentIds`. */
export const StoreText = z.object({
  channelId: ChannelIdField,
  content: z.string().min(1),
  filename: z.string().min(1).max(255).default('content.md'),
  mimeType: MimeType.default('text/markdown'),
});
export type StoreText = z.output<typeof StoreText>;
export type StoreTextInput = z.input<typeof StoreText>;

/** Text fields of the multipart `POST /api/v1/files/upload` and `/files/store` requests. */
export const FileUploadFields = z.object({
  channelId: ChannelIdField,
  text: z.string().max(MAX_MESSAGE_TEXT_LENGTH).optional(),
});
export type FileUploadFields = z.infer<typeof FileUploadFields>;
