import { inject, injectable } from 'tsyringe';
import type { TextAttachment } from '../contract/message.js';
import type { AttachmentRecord, ChannelRecord } from '../domain/records.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { Clock } from '../ports/clock.js';
import type { FileStore } from '../ports/file-store.js';
import type { Logger } from '../ports/logger.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';

/** The storage key of a file: made by the engine, never from user input. */
export const storageKeyOf = (channelId: string, attachmentId: string) =>
  `channels/${channelId}/${attachmentId}`;

export const pluginTypeOf = (mimeType: string) =>
  mimeType.toLowerCase().startsWith('image/') ? '@uax/image' : '@uax/file';

/** Stores bytes in the FileStore and builds attachment rows (the caller inserts them in its transaction). */
@injectable()
export class FilesService {
  constructor(
    @inject(TOKENS.FileStore) private readonly files: FileStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
  ) {}

  /** Stores `textAttachments` of a message; returns orphan rows (messageId null) ready to insert. */
  async storeTexts(channel: ChannelRecord, texts: readonly TextAttachment[]): Promise<AttachmentRecord[]> {
    const rows: AttachmentRecord[] = [];
    try {
      for (const text of texts) {
        const id = newId();
        const key = storageKeyOf(channel.id, id);
        const { size, sha256 } = await this.files.put(key, Buffer.from(text.content, 'utf8'), {
          maxBytes: this.options.maxTextAttachmentBytes,
        });
        rows.push({
          id,
          channelId: channel.id,
          ownerId: channel.ownerId,
          messageId: null,
          filename: sanitizeFilename(text.filename),
          mimeType: text.mimeType,
          size,
          sha256,
          storageKey: key,
          pluginType: pluginTypeOf(text.mimeType),
          createdAt: this.clock.now(),
        });
      }
    } catch (error) {
      await this.discard(rows);
      throw error;
    }
    return rows;
  }

  /** Deletes the bytes of attachments whose rows are gone (or never committed). Failures are logged. */
  async discard(attachments: readonly Pick<AttachmentRecord, 'id' | 'storageKey'>[]): Promise<void> {
    for (const attachment of attachments) {
      try {
        await this.files.delete(attachment.storageKey);
      } catch (error) {
        this.logger.warn('could not delete file bytes', {
          attachmentId: attachment.id,
          error: String(error),
        });
      }
    }
  }
}

/** A display filename: no path, no control characters, at most 255 characters. */
export function sanitizeFilename(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const base = [...last]
    .filter((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  const cleaned = base === '' || base === '.' || base === '..' ? 'file' : base;
  return cleaned.slice(0, 255);
}
