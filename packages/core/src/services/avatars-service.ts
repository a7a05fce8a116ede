import { inject, injectable } from 'tsyringe';
import type { Channel } from '../contract/channel.js';
import {
  avatarKeyOf,
  avatarUrlOf,
  avatarVersion,
  looksLikeSvg,
  MAX_AVATAR_BYTES,
  sniffAvatarType,
  uploadedAvatar,
} from '../domain/avatar.js';
import type { Principal } from '../domain/principal.js';
import { isPlacetError, PlacetError } from '../errors/placet-error.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { ByteSource, FileStore } from '../ports/file-store.js';
import type { Logger } from '../ports/logger.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { ChannelsService } from './channels-service.js';

/** An avatar image coming in: its declared name and type (both only hints) and its bytes. */
export interface IncomingAvatar {
  /** The name the client gave (a hint only: the type is read from the bytes). */
  filename: string;
  /** The declared media type (a hint only; an SVG is named in the refusal). */
  mimeType: string;
  /** The image's bytes. */
  body: ByteSource;
  /** A limit below `MAX_AVATAR_BYTES` (e.g. the router's upload limit). */
  maxBytes?: number;
}

/** A channel's avatar opened for serving. */
export interface OpenedAvatar {
  /** `image/png`, `image/jpeg`, `image/webp` or `image/gif`, from the bytes checked at upload. */
  contentType: string;
  /** The image's size in bytes. */
  size: number;
  /** The version (`v`) of the avatar URL: a request for it may be cached for good. */
  version: string;
  /** The image's bytes. */
  body: AsyncIterable<Uint8Array>;
}

const noAvatar = () => new PlacetError('NOT_FOUND', 'This channel has no uploaded avatar');

/**
 * Agent avatars uploaded by their owner (`/agents/:id/avatar`): a PNG, JPEG, WebP or GIF of at most
 * `MAX_AVATAR_BYTES`, recognised by its bytes; stored in the FileStore and served from the API's own
 * origin. Replacing or removing one deletes the old bytes (`ChannelsService.apply` does, whatever
 * changed `avatarUrl`).
 */
@injectable()
export class AvatarsService {
  constructor(
    @inject(TOKENS.FileStore) private readonly fileStore: FileStore,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(ChannelsService) private readonly channels: ChannelsService,
  ) {}

  /**
   * `POST /agents/:id/avatar`: checks the image, stores it and points the channel's `avatarUrl` at it
   * (`<baseUrl>/agents/<id>/avatar?v=…`); `channel:updated` follows. 413 over the limit, 415 for anything
   * but PNG, JPEG, WebP or GIF bytes (SVG included), 400 for an empty file.
   */
  async set(
    principal: Principal,
    channelId: string,
    file: IncomingAvatar,
    options: { baseUrl: string },
  ): Promise<Channel> {
    const channel = await this.channels.require(principal, channelId);
    const limit = Math.min(file.maxBytes ?? MAX_AVATAR_BYTES, MAX_AVATAR_BYTES, this.options.maxFileBytes);
    const bytes = await readAtMost(file.body, limit);
    if (bytes.length === 0) {
      throw new PlacetError('VALIDATION_FAILED', 'The avatar file is empty', {
        issues: [{ path: 'file', message: 'empty' }],
      });
    }
    const ext = sniffAvatarType(bytes);
    if (!ext) {
      const svg = looksLikeSvg(String(file.mimeType ?? ''), String(file.filename ?? ''), bytes);
      throw new PlacetError(
        'UNSUPPORTED_MEDIA_TYPE',
        svg
          ? 'SVG avatars are not accepted (an SVG can carry script): upload a PNG, JPEG, WebP or GIF image'
          : 'The avatar must be a PNG, JPEG, WebP or GIF image (its bytes are not one)',
      );
    }
    const version = avatarVersion(newId(), ext);
    const key = avatarKeyOf(channel.id, version) as string;
    await this.fileStore.put(key, bytes, { maxBytes: limit });
    try {
      return await this.channels.apply(channel, {
        avatarUrl: avatarUrlOf(options.baseUrl, channel.id, version),
      });
    } catch (error) {
      await this.#delete(key);
      throw error;
    }
  }

  /** `DELETE /agents/:id/avatar`: `avatarUrl` becomes null and an uploaded image is deleted. */
  async remove(principal: Principal, channelId: string): Promise<Channel> {
    const channel = await this.channels.require(principal, channelId);
    return this.channels.apply(channel, { avatarUrl: null });
  }

  /** `GET /agents/:id/avatar`: the uploaded avatar's bytes and type, or NOT_FOUND. */
  async open(principal: Principal, channelId: string): Promise<OpenedAvatar> {
    const channel = await this.channels.require(principal, channelId);
    const avatar = uploadedAvatar(channel.id, channel.avatarUrl);
    if (!avatar) throw noAvatar();
    const object = await this.fileStore.get(avatar.key);
    if (!object) throw noAvatar();
    return { contentType: avatar.contentType, size: object.size, version: avatar.version, body: object.body };
  }

  async #delete(key: string): Promise<void> {
    try {
      await this.fileStore.delete(key);
    } catch (error) {
      this.logger.warn('could not delete avatar bytes', { key, error: String(error) });
    }
  }
}

/** The whole body in memory (an avatar is small), refused with 413 as soon as it passes `limit`. */
async function readAtMost(source: ByteSource, limit: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new PlacetError(
      'PAYLOAD_TOO_LARGE',
      `The avatar is larger than the limit of ${limit} bytes (${Math.floor(limit / 1024)} KiB)`,
    );
  if (source instanceof Uint8Array) {
    if (source.byteLength > limit) throw tooLarge();
    return source;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.byteLength;
      if (size > limit) throw tooLarge();
      chunks.push(bytes);
    }
  } catch (error) {
    if (isPlacetError(error)) throw error;
    throw new PlacetError('VALIDATION_FAILED', 'The avatar upload was cut off', { cause: error });
  }
  return Buffer.concat(chunks);
}
