import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Attachment, type ByteRange, PlacetError } from '@placet/core';
import type { Request, Response, Router } from 'express';
import { channelParam, linkTo, principalOf, queryString, type RouteContext } from '../context.js';
import { uploadMiddleware } from '../uploads.js';

/** Types a browser could execute: always downloaded as `attachment`, never rendered inline. */
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|[a-z]+\/[a-z.+-]*javascript|application\/ecmascript|text\/ecmascript)\b/i;
const INLINE_TYPES =
  /^(image\/(png|jpeg|gif|webp|avif)|audio\/|video\/|application\/pdf|text\/(plain|markdown|csv))\b/i;

export function fileRoutes(router: Router, ctx: RouteContext): void {
  const { placet, options } = ctx;

  router.get('/files', async (req, res) => {
    const channelId = channelParam(req);
    const all = await placet.files.list(principalOf(res), channelId);
    // `cursor` (a file id) continues after that file; `limit` up to the cap.
    const cursor = queryString(req, 'cursor');
    const start = cursor ? all.findIndex((f) => f.id === cursor) + 1 : 0;
    if (cursor && start === 0) {
      throw new PlacetError('VALIDATION_FAILED', 'cursor does not name a file of this channel', {
        issues: [{ path: 'cursor', message: 'unknown file' }],
      });
    }
    const cap = Math.min(
      options.limits.listCap,
      Math.max(1, Number(queryString(req, 'limit') ?? options.limits.listCap) || options.limits.listCap),
    );
    const page = all.slice(start, start + cap);
    if (start + cap < all.length) {
      res.set(
        'Link',
        `<${linkTo(req, '/files', { channel: channelId, limit: String(cap), cursor: page.at(-1)!.id })}>; rel="next"`,
      );
    }
    res.json(page);
  });

  const created = (_req: Request, res: Response) =>
    res.status(201).json(res.locals.placetAttachment as Attachment);

  router.post(
    '/files/upload',
    uploadMiddleware(ctx, async (principal, file) => (await placet.files.upload(principal, file)).attachment),
    created,
  );
  router.post(
    '/files/store',
    uploadMiddleware(ctx, (principal, file) => placet.files.store(principal, file)),
    created,
  );
  router.post('/files/store-text', async (req, res) => {
    res.status(201).json(await placet.files.storeText(principalOf(res), req.body));
  });

  router.get('/files/:id/download', async (req, res) => {
    const principal = principalOf(res);
    const info = await placet.files.info(principal, req.params.id);
    const range = parseRange(req.get('range'), info.size);
    if (range === 'unsatisfiable') {
      res.status(416).set('Content-Range', `bytes */${info.size}`).end();
      return;
    }
    const file = await placet.files.open(principal, req.params.id, range ? { range } : {});
    const active = ACTIVE_TYPES.test(info.mimeType) || !INLINE_TYPES.test(info.mimeType);
    res.set({
      // A stored type that is not a valid header value (older rows, other writers) never breaks a download.
      'Content-Type': /^[\x20-\x7e]+$/.test(info.mimeType) ? info.mimeType : 'application/octet-stream',
      'Content-Disposition': contentDisposition(active ? 'attachment' : 'inline', info.filename),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'private, no-store',
    });
    if (file.range) {
      res.status(206).set('Content-Range', `bytes ${file.range.start}-${file.range.end}/${file.size}`);
      res.set('Content-Length', String(file.range.end - file.range.start + 1));
    } else {
      res.status(200).set('Content-Length', String(file.size));
    }
    await pipeline(Readable.from(file.body), res);
  });
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; other forms (several ranges) serve the whole file. */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, a, b] = match;
  if (a === '' && b === '') return undefined;
  if (size === 0) return 'unsatisfiable';
  let start: number;
  let end: number;
  if (a === '') {
    start = Math.max(0, size - Number(b));
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end || start >= size)
    return 'unsatisfiable';
  return { start, end };
}

/** RFC 6266 with an ASCII fallback and an RFC 5987 UTF-8 name; quotes, backslashes and line breaks dropped. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
