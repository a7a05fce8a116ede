import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Principal } from '@placet/core';
import {
  detachedStream,
  isPlacetError,
  PlacetError,
  spoolToTempFile,
  type UploadInput,
} from '@placet/core/adapter';
import type { Attachment } from '@placet/core/contract';
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import type { RouteContext } from './router.js';

/** What an upload operation does with one incoming file once its channel is known. */
export type Ingest = (req: Request, res: Response, file: UploadInput) => Promise<Attachment>;

/** What `_handleFile` kept of a file, for `_removeFile`. */
interface Stored {
  attachment?: Attachment;
  spoolDir?: string;
}

interface UploadState {
  /** The first ingest failure: reported instead of the stream errors it causes inside multer. */
  error?: unknown;
  attachment?: Attachment;
  spooled?: { path: string; dir: string; filename: string; mimeType: string };
}

/**
 * A multer storage engine that streams the file straight into Placet's FileStore when the `channelId`
 * field came first (curl -F, Python requests and FormData all send fields in order), and otherwise spools
 * it to a temporary file until the fields are known — unlike the original, field order never matters and
 * nothing is buffered in memory. Limits are explicit; over a limit → 413 and nothing is stored.
 */
export function uploadMiddleware(ctx: RouteContext, ingest: Ingest, options: { channelParam?: string } = {}) {
  const { channelParam } = options;
  // The channel: a path parameter (`/agents/:id/avatar`), known before the first part, or the `channelId` field.
  const channelOf = (req: Request): string | undefined => {
    const value = channelParam !== undefined ? req.params[channelParam] : req.body?.channelId;
    return typeof value === 'string' && value ? value : undefined;
  };
  const maxBytes = Math.min(
    ctx.options.limits.fileBytes ?? ctx.placet.options.maxFileBytes,
    ctx.placet.options.maxFileBytes,
  );
  const storage: multer.StorageEngine = {
    _handleFile(req, file, cb) {
      const res = req.res as Response;
      res.locals.placetUpload ??= {};
      const state = res.locals.placetUpload as UploadState;
      const channelId = channelOf(req as Request);
      const text = typeof req.body?.text === 'string' ? req.body.text : undefined;
      const done = (error: unknown) => {
        state.error ??= error;
        file.stream.resume(); // Drain what is left so that multer can finish the request.
        cb(error as Error);
      };
      // An attachment streams into the store as soon as its channel is known (a refused request takes it
      // back, `_removeFile`). An operation on a path's channel (an avatar) changes what it names: it is
      // spooled and applied only once the whole body parsed, so a refused request changes nothing.
      if (channelId && channelParam === undefined) {
        ingest(req as Request, res, {
          channelId,
          filename: file.originalname,
          mimeType: file.mimetype,
          body: detachedStream(file.stream),
          maxBytes,
          ...(text !== undefined ? { text } : {}),
        }).then((attachment) => {
          state.attachment = attachment;
          cb(null, { placetStored: { attachment } } as Partial<Express.Multer.File>);
        }, done);
        return;
      }
      spoolToTempFile(detachedStream(file.stream), maxBytes).then((spooled) => {
        state.spooled = { ...spooled, filename: file.originalname, mimeType: file.mimetype };
        cb(null, { placetStored: { spoolDir: spooled.dir } } as Partial<Express.Multer.File>);
      }, done);
    },
    // multer calls this for a file already handled when a later part breaks a limit or the body turns out
    // malformed (the file streams in as soon as the channel is known): a refused upload leaves nothing.
    _removeFile(req, file, cb) {
      const stored = (file as { placetStored?: Stored }).placetStored;
      const state = (req.res as Response).locals.placetUpload as UploadState | undefined;
      if (stored?.attachment) {
        if (state?.attachment === stored.attachment) state.attachment = undefined;
        discardUpload(ctx, (req.res as Response).locals.placetPrincipal, stored.attachment).then(() =>
          cb(null),
        );
      } else if (stored?.spoolDir) {
        if (state?.spooled?.dir === stored.spoolDir) state.spooled = undefined;
        rm(stored.spoolDir, { recursive: true, force: true }).then(
          () => cb(null),
          () => cb(null),
        );
      } else cb(null);
    },
  };
  const parser = multer({
    storage,
    // A part's `filename="é-ü.txt"` is UTF-8 from every current client (browsers, curl, Python, Node);
    // busboy's default reads it as latin1 (`Ã©-Ã¼.txt`). `filename*=` keeps its own charset.
    defParamCharset: 'utf8',
    limits: {
      fileSize: maxBytes + 1, // One byte more, so that the FileStore's own limit rejects first.
      files: 1,
      fields: ctx.options.limits.fields,
      fieldNameSize: ctx.options.limits.fieldNameBytes,
      fieldSize: ctx.options.limits.fieldBytes,
      parts: ctx.options.limits.fields + 1,
    },
  }).single('file');

  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      throw new PlacetError(
        'VALIDATION_FAILED',
        'Expected a multipart/form-data body with a file field named "file"',
      );
    }
    await new Promise<void>((resolve, reject) =>
      parser(req, res, (error?: unknown) => {
        const failure = (res.locals.placetUpload as UploadState | undefined)?.error ?? malformed(error);
        if (failure) reject(failure);
        else resolve();
      }),
    );
    const state = (res.locals.placetUpload ?? {}) as UploadState;
    try {
      if (!state.attachment && state.spooled) {
        const channelId = channelOf(req);
        if (!channelId) throw channelRequired();
        state.attachment = await ingest(req, res, {
          channelId,
          filename: state.spooled.filename,
          mimeType: state.spooled.mimeType,
          body: createReadStream(state.spooled.path),
          maxBytes,
          ...(typeof req.body?.text === 'string' ? { text: req.body.text } : {}),
        });
      }
    } finally {
      if (state.spooled) await rm(state.spooled.dir, { recursive: true, force: true });
    }
    if (!state.attachment) {
      if (!channelOf(req)) throw channelRequired();
      throw new PlacetError('VALIDATION_FAILED', 'No file provided', {
        issues: [{ path: 'file', message: 'required' }],
      });
    }
    next();
  };
}

/** Removes an upload stored before its request failed: the message and its file, or the orphan file. */
async function discardUpload(ctx: RouteContext, principal: Principal, attachment: Attachment): Promise<void> {
  try {
    if (attachment.messageId)
      await ctx.placet.messages.delete(principal, attachment.messageId, attachment.channelId);
    else await ctx.placet.files.delete(principal, attachment.id);
  } catch (error) {
    ctx.placet.options.logger.warn('upload: could not remove the file of a refused upload', {
      attachmentId: attachment.id,
      error: String(error),
    });
  }
}

/**
 * A parser failure that is not an ingest failure nor one of multer's limits (`LIMIT_*`, mapped by the
 * error handler): busboy could not parse the body (no boundary, a malformed part header, a body that ends
 * mid-part) — the client's fault, a 400, never a 500.
 */
function malformed(error: unknown): unknown {
  if (!error || isPlacetError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('LIMIT_')) return error;
  return new PlacetError('VALIDATION_FAILED', 'Malformed multipart/form-data body', {
    issues: [{ path: '', message: 'the multipart body could not be parsed' }],
  });
}

function channelRequired(): PlacetError {
  return new PlacetError('VALIDATION_FAILED', 'channelId is required', {
    issues: [{ path: 'channelId', message: 'required' }],
  });
}
