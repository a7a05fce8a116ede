import type { Attachment } from '../../types.js';

/** How a file is previewed. */
export type PreviewKind =
  | 'image'
  | 'audio'
  | 'video'
  | 'pdf'
  | 'html'
  | 'markdown'
  | 'csv'
  | 'code'
  | 'text'
  | 'none';

export interface PreviewPlan {
  kind: PreviewKind;
  /** The highlight.js language of `code` (one of `LANGUAGES` in highlight.ts). */
  language?: string;
  /** The field separator of `csv`. */
  delimiter?: string;
}

/**
 * File extension → highlight.js language. Checked before the MIME type: `.ts` arrives as `video/mp2t`
 * and many code files as `application/octet-stream`. Only languages that highlight.ts registers.
 */
const CODE: Record<string, string> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  json: 'json',
  jsonc: 'json',
  json5: 'json',
  jsonl: 'json',
  ndjson: 'json',
  geojson: 'json',
  py: 'python',
  pyi: 'python',
  sh: 'bash',
  bash: 'bash',
  zsh: 'bash',
  yml: 'yaml',
  yaml: 'yaml',
  xml: 'xml',
  xsd: 'xml',
  xsl: 'xml',
  plist: 'xml',
  sql: 'sql',
  go: 'go',
  rs: 'rust',
  diff: 'diff',
  patch: 'diff',
  ini: 'ini',
  toml: 'ini',
  cfg: 'ini',
  conf: 'ini',
  env: 'ini',
  properties: 'ini',
  dockerfile: 'dockerfile',
};

/** Whole file names that are code. */
const NAMED: Record<string, string> = {
  dockerfile: 'dockerfile',
  containerfile: 'dockerfile',
  '.env': 'ini',
  '.npmrc': 'ini',
  '.editorconfig': 'ini',
};

/** MIME types of code (after the extension had no match). */
const CODE_TYPES: Record<string, string> = {
  'application/json': 'json',
  'application/ld+json': 'json',
  'application/x-ndjson': 'json',
  'application/javascript': 'javascript',
  'text/javascript': 'javascript',
  'application/typescript': 'typescript',
  'application/x-typescript': 'typescript',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/yaml': 'yaml',
  'application/x-yaml': 'yaml',
  'text/yaml': 'yaml',
  'text/x-python': 'python',
  'application/x-sh': 'bash',
  'application/sql': 'sql',
  'text/x-diff': 'diff',
  'text/x-patch': 'diff',
  'application/toml': 'ini',
};

const TEXT_EXTENSIONS = new Set(['txt', 'text', 'log', 'out', 'rst', 'adoc', 'srt', 'vtt']);

export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
}

/** The label of a file's type on its card: the extension ("PDF", "CSV"), or "FILE". */
export function fileBadge(filename: string): string {
  const ext = extensionOf(filename);
  return ext && ext.length <= 5 ? ext.toUpperCase() : 'FILE';
}

/** Chooses how `file` is previewed, from its name first and then its MIME type. */
export function previewPlan(file: Pick<Attachment, 'filename' | 'mimeType'>): PreviewPlan {
  const name = file.filename.toLowerCase();
  const ext = extensionOf(name);
  const mime = file.mimeType.toLowerCase().split(';')[0]!.trim();

  const named = NAMED[name];
  if (named) return { kind: 'code', language: named };
  if (ext === 'md' || ext === 'markdown' || mime === 'text/markdown') return { kind: 'markdown' };
  if (ext === 'csv' || mime === 'text/csv') return { kind: 'csv', delimiter: ',' };
  if (ext === 'tsv' || mime === 'text/tab-separated-values') return { kind: 'csv', delimiter: '\t' };
  if (ext === 'html' || ext === 'htm' || mime === 'text/html' || mime === 'application/xhtml+xml') {
    return { kind: 'html' };
  }
  const code = CODE[ext];
  if (code) return { kind: 'code', language: code };
  if (TEXT_EXTENSIONS.has(ext)) return { kind: 'text' };

  if (mime.startsWith('image/') || ext === 'svg') return { kind: 'image' };
  if (mime.startsWith('audio/')) return { kind: 'audio' };
  if (mime.startsWith('video/')) return { kind: 'video' };
  // Only what the server sends as a PDF (inline): another type would be downloaded by the frame.
  if (mime === 'application/pdf') return { kind: 'pdf' };
  const typed = CODE_TYPES[mime];
  if (typed) return { kind: 'code', language: typed };
  if (mime.endsWith('+json')) return { kind: 'code', language: 'json' };
  if (mime.endsWith('+xml')) return { kind: 'code', language: 'xml' };
  if (mime.startsWith('text/')) return { kind: 'text' };
  return { kind: 'none' };
}

/** Whether the kind is read as text (fetched, size-capped) rather than handed to a native element. */
export const isTextKind = (kind: PreviewKind) =>
  kind === 'html' || kind === 'markdown' || kind === 'csv' || kind === 'code' || kind === 'text';
