import type { Attachment } from '../../types.js';

/** Text previews read at most this much of a file (one byte range); the rest is left to Download. */
export const TEXT_PREVIEW_BYTES = 1024 * 1024;

export interface TextSource {
  text: string;
  /** The file is larger than what was read. */
  truncated: boolean;
  /** It looks binary (NUL bytes): not worth showing as text. */
  binary: boolean;
}

/**
 * The text of `file`, at most `TEXT_PREVIEW_BYTES`: the `textContent` the API inlines for small text
 * files, or one `Range` request to the download URL (the route honours a single byte range).
 */
export async function readText(url: string, file: Attachment, signal: AbortSignal): Promise<TextSource> {
  if (file.textContent !== undefined && file.size <= TEXT_PREVIEW_BYTES) {
    return { text: file.textContent, truncated: false, binary: false };
  }
  const truncated = file.size > TEXT_PREVIEW_BYTES;
  const res = await fetch(url, {
    credentials: 'same-origin',
    signal,
    headers: truncated ? { Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` } : {},
  });
  if (!res.ok) throw new Error(`The file could not be loaded (${res.status}).`);
  let bytes = new Uint8Array(await res.arrayBuffer());
  // A server that ignored the range sent everything: keep the cap anyway.
  if (bytes.length > TEXT_PREVIEW_BYTES) bytes = bytes.subarray(0, TEXT_PREVIEW_BYTES);
  const binary = bytes.subarray(0, 8192).includes(0);
  // `fatal: false`: a multi-byte character cut by the range becomes U+FFFD rather than an error.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return { text, truncated: truncated || bytes.length < file.size, binary };
}
