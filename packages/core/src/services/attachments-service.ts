import { inject, injectable } from 'tsyringe';
import type { StoreTextInput } from '../contract/files.js';
import { StoreText } from '../contract/files.js';
import type { Attachment, Message } from '../contract/message.js';
import { formatMimeType, mimeTypeOfFilename, parseMimeType } from '../contract/mime-type.js';
import { presentAttachment } from '../domain/present.js';
import type { Principal } from '../domain/principal.js';
import type { AttachmentRecord, ChannelRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { Clock } from '../ports/clock.js';
import type { ByteRange, ByteSource, FileStore } from '../ports/file-store.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { ChannelsService } from './channels-service.js';
import { FilesService, pluginTypeOf, sanitizeFilename, storageKeyOf } from './files-service.js';
import { MessageWriter } from './message-writer.js';

/** One file coming in: its declared name and type and a stream of bytes. */
export interface IncomingFile {
  channelId: string;
  filename: string;
  mimeType: string;
  body: ByteSource;
  /** A limit below `maxFileBytes` (e.g. the router's upload limit). */
  maxBytes?: number;
}

export interface OpenedFile {
  attachment: Attachment;
  size: number;
  range: ByteRange | undefined;
  body: AsyncIterable<Uint8Array>;
}

/**
 * The stored type of an incoming file: `type/subtype` plus an optional charset. A type the client left
 * out, could not spell or gave as `application/octet-stream` is the type of the file name's extension
 * when it is a common one (`report.csv` → `text/csv`), else `application/octet-stream`; a list of types
 * or parameters other than charset (a disguise: browsers render the last type of a list) are refused.
 */
function incomingMimeType(value: string, filename: string): string {
  const unknown = () => mimeTypeOfFilename(filename) ?? 'application/octet-stream';
  if (value.trim() === '' || value.length > 255) return unknown();
  const parsed = parseMimeType(value);
  if (parsed.ok) return parsed.essence === 'application/octet-stream' ? unknown() : formatMimeType(parsed);
  if (parsed.reason === 'syntax') return unknown();
  throw new PlacetError('VALIDATION_FAILED', `Validation failed: mimeType: ${parsed.message}`, {
    issues: [{ path: 'mimeType', message: parsed.message }],
  });
}

const fileNotFound = () => new PlacetError('NOT_FOUND', 'Attachment not found');

/**
 * Files: `store` (an orphan, linked later through `attachmentIds`), `storeText`, `upload` (a message
 * carrying the file), list, open for download with byte ranges, delete, and the orphan sweep.
 */
@injectable()
export class AttachmentsService {
  constructor(
    @inject(TOKENS.Store) private readonly db: Store,
    @inject(TOKENS.FileStore) private readonly fileStore: FileStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(ChannelsService) private readonly channels: ChannelsService,
    @inject(FilesService) private readonly files: FilesService,
    @inject(MessageWriter) private readonly writer: MessageWriter,
  ) {}

  /** `POST /files/store`: keeps the file as an orphan of the channel. */
  async store(principal: Principal, file: IncomingFile): Promise<Attachment> {
    const channel = await this.channels.require(principal, file.channelId);
    const row = await this.#put(channel, file);
    try {
      await this.db.attachments.insert(row);
    } catch (error) {
      await this.files.discard([row]);
      throw error;
    }
    return presentAttachment(row);
  }

  /** `POST /files/store-text`. */
  async storeText(principal: Principal, input: StoreTextInput): Promise<Attachment> {
    const data = parseOrThrow(StoreText, input);
    return this.store(principal, {
      channelId: data.channelId,
      filename: data.filename,
      mimeType: data.mimeType,
      body: Buffer.from(data.content, 'utf8'),
    });
  }

  /** `POST /files/upload`: an agent message carrying the file (`message:created` with it). */
  async upload(
    principal: Principal,
    file: IncomingFile & { text?: string },
  ): Promise<{ attachment: Attachment; message: Message }> {
    const channel = await this.channels.require(principal, file.channelId);
    const row = await this.#put(channel, file);
    try {
      const message = await this.writer.createWithAttachment(channel, row, file.text);
      const attachment =
        message.attachments.find((a) => a.id === row.id) ??
        presentAttachment({ ...row, messageId: message.id });
      return { attachment, message };
    } catch (error) {
      await this.files.discard([row]);
      throw error;
    }
  }

  /**
   * `GET /files?channel=`: a page of the channel's files, newest first, keyset-paged by index. `cursor`
   * (a file id of this channel) continues after that file; `nextCursor` is set when more follow.
   */
  async list(
    principal: Principal,
    channelId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: Attachment[]; nextCursor: string | undefined }> {
    const channel = await this.channels.require(principal, channelId);
    let before: { createdAt: Date; id: string } | undefined;
    if (page.cursor !== undefined) {
      const after = await this.db.attachments.findById(page.cursor);
      if (!after || after.channelId !== channel.id) {
        throw new PlacetError('VALIDATION_FAILED', 'cursor does not name a file of this channel', {
          issues: [{ path: 'cursor', message: 'unknown file' }],
        });
      }
      before = { createdAt: after.createdAt, id: after.id };
    }
    const rows = await this.db.attachments.listByChannel(channel.id, {
      limit: page.limit + 1,
      ...(before ? { before } : {}),
    });
    const items = rows.slice(0, page.limit).map((a) => presentAttachment(a));
    return { items, nextCursor: rows.length > page.limit ? items.at(-1)?.id : undefined };
  }

  /** The file's metadata (size, type, name) without opening it. */
  async info(principal: Principal, attachmentId: string): Promise<Attachment> {
    return presentAttachment(await this.#require(principal, attachmentId));
  }

  /** The file's metadata and bytes (optionally a byte range), for download. */
  async open(
    principal: Principal,
    attachmentId: string,
    options: { range?: ByteRange } = {},
  ): Promise<OpenedFile> {
    const row = await this.#require(principal, attachmentId);
    const object = await this.fileStore.get(row.storageKey, options.range ? { range: options.range } : {});
    if (!object) throw fileNotFound();
    return { attachment: presentAttachment(row), size: object.size, range: object.range, body: object.body };
  }

  /** Deletes one file (row and bytes). */
  async delete(principal: Principal, attachmentId: string): Promise<{ deleted: true }> {
    const row = await this.#require(principal, attachmentId);
    await this.db.attachments.delete(row.id);
    await this.files.discard([row]);
    return { deleted: true };
  }

  /** Deletes orphans older than `orphanFileMaxAgeMs`. Returns how many. */
  async sweepOrphans(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.options.orphanFileMaxAgeMs);
    let total = 0;
    for (;;) {
      const orphans = await this.db.attachments.listOrphansBefore(before, 100);
      const gone: AttachmentRecord[] = [];
      for (const orphan of orphans) {
        // Only if still an orphan: a link that raced the sweep wins.
        if (await this.db.attachments.deleteOrphan(orphan.id)) gone.push(orphan);
      }
      await this.files.discard(gone);
      total += gone.length;
      if (orphans.length < 100 || gone.length === 0) return total;
    }
  }

  async #require(principal: Principal, attachmentId: string): Promise<AttachmentRecord> {
    const row =
      typeof attachmentId === 'string' && attachmentId
        ? await this.db.attachments.findById(attachmentId)
        : undefined;
    if (!row || row.ownerId !== principal.userId) throw fileNotFound();
    await this.channels.require(principal, row.channelId).catch(() => {
      throw fileNotFound();
    });
    return row;
  }

  async #put(channel: ChannelRecord, file: IncomingFile): Promise<AttachmentRecord> {
    const id = newId();
    const key = storageKeyOf(channel.id, id);
    const mimeType = incomingMimeType(String(file.mimeType ?? ''), String(file.filename ?? ''));
    const maxBytes = Math.min(file.maxBytes ?? Number.POSITIVE_INFINITY, this.options.maxFileBytes);
    const { size, sha256 } = await this.fileStore.put(key, file.body, { maxBytes });
    this.logger.debug('file stored', { attachmentId: id, size });
    return {
      id,
      channelId: channel.id,
      ownerId: channel.ownerId,
      messageId: null,
      filename: sanitizeFilename(file.filename),
      mimeType,
      size,
      sha256,
      storageKey: key,
      pluginType: pluginTypeOf(mimeType),
      createdAt: this.clock.now(),
    };
  }
}
