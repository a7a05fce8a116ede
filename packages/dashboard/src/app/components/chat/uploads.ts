import { ApiError } from '../../api.js';
import { fileSize } from '../../format.js';
import type { Attachment } from '../../types.js';

/** A file picked, dropped or pasted into the composer, on its way to the server or there. */
export interface Upload {
  /** Unique in the composer (two files may share a name). */
  key: string;
  file: File;
  state: 'uploading' | 'done' | 'failed';
  /** 0…1 while uploading. */
  progress: number;
  /** The stored file, once uploaded. */
  attachment?: Attachment;
  /** Why the upload failed, as a sentence. */
  error?: string;
  controller: AbortController;
  /** Settles when the upload is done or failed (never rejects). */
  settled: Promise<void>;
}

/** The sentence for a refused file: too big for the server (checked before anything is sent). */
export function tooBig(file: File, limit: number): string {
  return `“${file.name}” is ${fileSize(file.size)}: this server accepts files up to ${fileSize(limit)}. It was not attached.`;
}

/** Why an upload failed, as the person should read it. */
export function uploadFailure(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'you are offline or the server cannot be reached';
}

/** The message of a send refused because files are not uploaded: what and what to do. */
export function notUploaded(failed: Upload[]): string {
  const names = failed.map((u) => `“${u.file.name}”`).join(', ');
  const why = failed.length === 1 && failed[0]!.error ? ` (${failed[0]!.error})` : '';
  return `Not sent: ${names} could not be uploaded${why}. Retry or remove ${failed.length === 1 ? 'it' : 'them'}, then send again — your text is kept.`;
}
