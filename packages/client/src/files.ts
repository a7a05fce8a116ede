import type { Call, CallOptions, Page, PageOf } from './client.js';
import { type FileInput, type LocalShapes, ROUTES, type Wire, type WireInput } from './routes.js';

type Attachment = Wire<'Attachment'>;

export interface UploadOptions extends CallOptions {
  /** The file's name (default: a `File`'s own name, else `file`). */
  filename?: string;
  /** The text of the message that carries the file (`upload` only). */
  text?: string;
}

/** A downloaded file: its name and type as the server sent them, and its bytes. */
export interface DownloadedFile {
  /** From `Content-Disposition` (null when the server named none). */
  filename: string | null;
  /** The served type (active types such as HTML come as `application/octet-stream`). */
  mimeType: string;
  /** Bytes in this answer (`Content-Length`), null when not sent. */
  size: number | null;
  data: Blob;
}

export interface FileApi {
  /** A channel's files, newest first, a capped page at a time. */
  list(
    channelId: string,
    query?: Omit<LocalShapes['FileListQuery'], 'channel'>,
    options?: CallOptions,
  ): Promise<Page<Attachment>>;
  /** Uploads a file as a new agent message in the channel (with `text`); the stored file. */
  upload(channelId: string, file: FileInput, options?: UploadOptions): Promise<Attachment>;
  /** Stores a file without a message: send its id in `attachmentIds` of a message later. */
  store(channelId: string, file: FileInput, options?: UploadOptions): Promise<Attachment>;
  /** Stores text as a file (default `content.md`, `text/markdown`) to attach later. */
  storeText(body: WireInput<'StoreText'>, options?: CallOptions): Promise<Attachment>;
  /** Downloads a file into memory. */
  download(fileId: string, options?: CallOptions): Promise<DownloadedFile>;
  /** Downloads a file as a stream (large files): read `body` once. */
  downloadStream(
    fileId: string,
    options?: CallOptions,
  ): Promise<Omit<DownloadedFile, 'data'> & { body: ReadableStream<Uint8Array> | null }>;
}

/** The file name of a `Content-Disposition`: RFC 5987 `filename*` first, then `filename`. */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Malformed percent-encoding: fall back to the plain name.
    }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;\s]+)/i.exec(header);
  const name = plain?.[1] ?? plain?.[2];
  return name === undefined ? null : name.replace(/\\(.)/g, '$1');
}

function described(response: Response) {
  const length = response.headers.get('content-length');
  return {
    filename: dispositionFilename(response.headers.get('content-disposition')),
    mimeType: response.headers.get('content-type') ?? 'application/octet-stream',
    size: length === null ? null : Number(length),
  };
}

export function fileApi(call: Call, page: PageOf): FileApi {
  const fileInput = (file: FileInput, o: UploadOptions) => ({
    file,
    ...(o.filename === undefined ? {} : { filename: o.filename }),
  });
  const callOptions = ({ filename: _f, text: _t, ...rest }: UploadOptions): CallOptions => rest;
  return {
    list: (channel, query = {}, o) => page<Attachment>(ROUTES.listFiles, { channel, ...query }, o),
    // Each upload creates a message (or an orphan file): never retried, or the file could be stored twice.
    upload: (channelId, file, o = {}) =>
      call(
        'uploadFile',
        { fields: { channelId, ...(o.text === undefined ? {} : { text: o.text }) }, ...fileInput(file, o) },
        callOptions(o),
      ),
    store: (channelId, file, o = {}) =>
      call('storeFile', { fields: { channelId }, ...fileInput(file, o) }, callOptions(o)),
    storeText: (body, o) => call('storeTextFile', { body }, o),
    async download(id, o) {
      const response = await call('downloadFile', { params: { id } }, o);
      return { ...described(response), data: await response.blob() };
    },
    async downloadStream(id, o) {
      const response = await call('downloadFile', { params: { id } }, o);
      return { ...described(response), body: response.body };
    },
  };
}
