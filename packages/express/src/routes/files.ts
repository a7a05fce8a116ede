import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Attachment, ByteRange } from '@placet/core';
import type { Request, Response, Router } from 'express';
import { channelParam, linkTo, principalOf, queryString, type RouteContext } from '../context.js';
import { servedAs } from '../file-types.js';
import { uploadMiddleware } from '../uploads.js';

export function fileRoutes(router: Router, ctx: RouteContext): void {
  const { placet, options } = ctx;

  router.get('/files', async (req, res) => {
    const channelId = channelParam(req);
    // `cursor` (a file id) continues after that file; `limit` up to the cap. Keyset-paged in the store.
    const cap = Math.min(
      options.limits.listCap,
      Math.max(1, Number(queryString(req, 'limit') ?? options.limits.listCap) || options.limits.listCap),
    );
    const page = await placet.files.list(principalOf(res), channelId, {
      limit: cap,
      cursor: queryString(req, 'cursor'),
    });
    if (page.nextCursor) {
      res.set(
        'Link',
        `<${linkTo(req, '/files', { channel: channelId, limit: String(cap), cursor: page.nextCursor })}>; rel="next"`,
      );
    }
    res.json(page.items);
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
    // Built from an allow-list, never copied from the stored type (older rows, other writers).
    const served = servedAs(info.mimeType);
    res.set({
      'Content-Type': served.contentType,
      'Content-Disposition': contentDisposition(served.disposition, info.filename),
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

/**
 * RFC 6266: an ASCII fallback `filename` for older clients (accents dropped; other non-ASCII characters,
 * quotes, backslashes and `%` as `_`) and the exact name as RFC 5987 `filename*=UTF-8''…` (percent-encoded
 * UTF-8, only attr-chars left as they are), which browsers prefer.
 */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  // A lone surrogate (possible in a JSON string) has no UTF-8 form: encodeURIComponent would throw.
  const name = filename.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
