import { z } from 'zod';

/** The MIME type of a file in storage form: `type/subtype` in lower case, optionally `; charset=…`. */
export interface ParsedMimeType {
  /** `type/subtype`, lower case. */
  essence: string;
  /** The `charset` parameter, lower case and unquoted, when one was given. */
  charset?: string;
}

export type MimeTypeParse =
  | ({ ok: true } & ParsedMimeType)
  | { ok: false; reason: 'syntax' | 'list' | 'parameter'; message: string };

/** RFC 6838 restricted names for the type and the subtype. */
const ESSENCE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
/** A charset name (`utf-8`, `iso-8859-1`, `shift_jis`, `windows-1252` …). */
const CHARSET = /^[a-z0-9][a-z0-9._:+-]{0,39}$/;

const NOT_A_MIME_TYPE = 'not a MIME type (type/subtype, e.g. "text/plain")';
const ONE_TYPE = 'one MIME type only, without commas';
const CHARSET_ONLY = 'no parameters other than charset (e.g. "text/plain; charset=utf-8")';

function parameter(part: string): { name: string; value: string } | undefined {
  const at = part.indexOf('=');
  if (at <= 0) return undefined;
  const name = part.slice(0, at).trim().toLowerCase();
  let value = part.slice(at + 1).trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  return { name, value: value.toLowerCase() };
}

/**
 * Parses a declared MIME type strictly: one `type/subtype` and at most a `charset` parameter. A comma
 * (a list of types: browsers pick the last one, so `text/plain; a=b, text/html` renders as HTML) and any
 * other parameter are refused, so that what is stored is exactly what is served.
 */
export function parseMimeType(value: string): MimeTypeParse {
  const text = value.trim();
  if (text.includes(',')) return { ok: false, reason: 'list', message: ONE_TYPE };
  if (!/^[\x20-\x7e]*$/.test(text)) return { ok: false, reason: 'syntax', message: NOT_A_MIME_TYPE };
  const [head = '', ...rest] = text.split(';');
  const essence = head.trim().toLowerCase();
  if (!ESSENCE.test(essence)) return { ok: false, reason: 'syntax', message: NOT_A_MIME_TYPE };
  let charset: string | undefined;
  for (const part of rest) {
    if (part.trim() === '') continue; // `text/plain;` — an empty parameter list
    const param = parameter(part);
    if (param?.name !== 'charset' || charset !== undefined || !CHARSET.test(param.value)) {
      return { ok: false, reason: 'parameter', message: CHARSET_ONLY };
    }
    charset = param.value;
  }
  return { ok: true, essence, ...(charset !== undefined ? { charset } : {}) };
}

/** `essence` or `essence; charset=…`: the one spelling Placet stores and serves. */
export function formatMimeType(type: ParsedMimeType): string {
  return type.charset ? `${type.essence}; charset=${type.charset}` : type.essence;
}

/**
 * A stored MIME type as it may be shown and served, for rows written before types were checked (or by
 * another writer): the strict form when it parses; else its `type/subtype` (and a valid charset) with
 * other parameters dropped; `application/octet-stream` when it names a list of types or is no MIME type.
 */
export function sanitizeMimeType(value: string): string {
  const strict = parseMimeType(value);
  if (strict.ok) return formatMimeType(strict);
  if (strict.reason !== 'parameter') return 'application/octet-stream';
  const [head = '', ...rest] = value.trim().split(';');
  const charset = rest.map(parameter).find((p) => p?.name === 'charset' && CHARSET.test(p.value))?.value;
  return formatMimeType({ essence: head.trim().toLowerCase(), ...(charset ? { charset } : {}) });
}

/**
 * The types of common file extensions, for a file whose sender declared none or only
 * `application/octet-stream` (a browser does so for `.py`, `.log`, often `.csv`). Text and the formats a
 * reader previews; anything else stays `application/octet-stream`.
 */
const EXTENSION_TYPES: Record<string, string> = {
  txt: 'text/plain',
  log: 'text/plain',
  text: 'text/plain',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  md: 'text/markdown',
  markdown: 'text/markdown',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  ndjson: 'application/x-ndjson',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  toml: 'application/toml',
  xml: 'application/xml',
  py: 'text/x-python',
  js: 'text/javascript',
  mjs: 'text/javascript',
  sh: 'application/x-sh',
  sql: 'application/sql',
  diff: 'text/x-diff',
  patch: 'text/x-diff',
  ini: 'text/plain',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** The type of a file name's extension (see `EXTENSION_TYPES`), or undefined. */
export function mimeTypeOfFilename(filename: string): string | undefined {
  const dot = filename.lastIndexOf('.');
  if (dot < 0 || dot === filename.length - 1) return undefined;
  return EXTENSION_TYPES[filename.slice(dot + 1).toLowerCase()];
}

/**
 * A declared MIME type in a request body: stored as `type/subtype` in lower case plus an optional
 * `charset`; a list of types, another parameter or a malformed value is a validation error.
 */
export const MimeType = z
  .string()
  .max(255)
  .transform((value, ctx) => {
    const parsed = parseMimeType(value);
    if (parsed.ok) return formatMimeType(parsed);
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });
