import type { AuditEntry } from '../contract/audit.js';

/**
 * The two export formats of the audit log, written by the server (`GET /api/v1/audit`) and read back by
 * `parseAuditExport` (the `placet-audit verify` command, the dashboard):
 * - NDJSON: one entry per line, as JSON, `\n` after each.
 * - CSV (RFC 4180): a header row of `AUDIT_CSV_COLUMNS`, then one row per entry, CRLF line ends; `data`
 *   is the JSON of the entry's data, `actorId` is empty for the system (null) and `""` for an empty id.
 */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'at',
  'type',
  'messageId',
  'actorKind',
  'actorId',
  'via',
  'data',
  'ownerId',
  'prevHash',
  'hash',
] as const;

/** One NDJSON line (with its `\n`), fields in a fixed order. */
export function auditNdjsonLine(entry: AuditEntry): string {
  const { seq, at, type, messageId, actor, via, data, ownerId, prevHash, hash } = entry;
  return `${JSON.stringify({ seq, at, type, messageId, actor: { kind: actor.kind, id: actor.id }, via, data, ownerId, prevHash, hash })}\n`;
}

/** A CSV cell: quoted when it holds a comma, a quote, a line break or leading/trailing space, or is `""`. */
function cell(value: string | null): string {
  if (value === null) return '';
  if (value === '' || /[",\r\n]|^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** The CSV header row (with its CRLF). */
export function auditCsvHeader(): string {
  return `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
}

/** One CSV row (with its CRLF). */
export function auditCsvRow(entry: AuditEntry): string {
  return `${[
    String(entry.seq),
    entry.at,
    entry.type,
    entry.messageId,
    entry.actor.kind,
    entry.actor.id,
    entry.via,
    JSON.stringify(entry.data),
    entry.ownerId,
    entry.prevHash,
    entry.hash,
  ]
    .map(cell)
    .join(',')}\r\n`;
}

/** A file that is not an audit export: which line, and why. */
export class AuditFormatError extends Error {
  override readonly name = 'AuditFormatError';
  /** The 1-based line of the file where the problem is. */
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

/** An export read back: its format, its entries (unchecked: `verifyAuditChain` checks them) and their lines. */
export interface ParsedAuditExport {
  format: 'ndjson' | 'csv';
  entries: unknown[];
  /** The 1-based line of the file where each entry starts (the header of a CSV is line 1). */
  lines: number[];
}

/**
 * Reads an NDJSON or CSV export (told apart by its first line: a CSV starts with the header row). Throws
 * `AuditFormatError` naming the line of text that is no entry at all (bad JSON, a CSV row with the wrong
 * number of cells); whether each entry is a valid link of the chain is `verifyAuditChain`'s to say.
 */
export function parseAuditExport(text: string): ParsedAuditExport {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const firstLine = body.split('\n', 1)[0]?.replace(/\r$/, '') ?? '';
  if (firstLine === AUDIT_CSV_COLUMNS.join(',')) return parseCsv(body);
  if (firstLine.startsWith('seq,') || firstLine.startsWith('"seq"'))
    throw new AuditFormatError(1, `a CSV header must be exactly: ${AUDIT_CSV_COLUMNS.join(',')}`);
  return parseNdjson(body);
}

function parseNdjson(text: string): ParsedAuditExport {
  const entries: unknown[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    try {
      entries.push(JSON.parse(line));
    } catch {
      throw new AuditFormatError(i + 1, 'not a JSON line (NDJSON: one entry per line)');
    }
    lines.push(i + 1);
  });
  return { format: 'ndjson', entries, lines };
}

/** One CSV cell as read: its text, and whether it was quoted (`""` is an empty string, nothing is null). */
interface ReadCell {
  value: string;
  quoted: boolean;
}

/** RFC 4180 records, each with the line it starts on. */
function csvRecords(text: string): { cells: ReadCell[]; line: number }[] {
  const records: { cells: ReadCell[]; line: number }[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const cells: ReadCell[] = [];
    for (;;) {
      let value = '';
      let quoted = false;
      if (text[i] === '"') {
        quoted = true;
        i++;
        for (;;) {
          if (i >= text.length) throw new AuditFormatError(start, 'a quoted CSV cell is not closed');
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
      }
      cells.push({ value, quoted });
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (i < text.length && text[i] !== '\n')
        throw new AuditFormatError(line, 'unexpected text after a quoted CSV cell');
      i++;
      line++;
      break;
    }
    if (!(cells.length === 1 && cells[0]!.value === '' && !cells[0]!.quoted))
      records.push({ cells, line: start });
  }
  return records;
}

function parseCsv(text: string): ParsedAuditExport {
  const [header, ...rows] = csvRecords(text);
  if (!header) return { format: 'csv', entries: [], lines: [] };
  const entries: unknown[] = [];
  const lines: number[] = [];
  for (const { cells, line } of rows) {
    if (cells.length !== AUDIT_CSV_COLUMNS.length)
      throw new AuditFormatError(
        line,
        `a CSV row needs ${AUDIT_CSV_COLUMNS.length} cells (${AUDIT_CSV_COLUMNS.join(',')}), this one has ${cells.length}`,
      );
    const get = (name: (typeof AUDIT_CSV_COLUMNS)[number]) => cells[AUDIT_CSV_COLUMNS.indexOf(name)]!;
    let data: unknown;
    try {
      data = JSON.parse(get('data').value);
    } catch {
      throw new AuditFormatError(line, 'the data cell is not JSON');
    }
    const seq = get('seq').value;
    const actorId = get('actorId');
    entries.push({
      seq: /^\d+$/.test(seq) ? Number(seq) : seq,
      at: get('at').value,
      type: get('type').value,
      messageId: get('messageId').value,
      actor: {
        kind: get('actorKind').value,
        id: actorId.value === '' && !actorId.quoted ? null : actorId.value,
      },
      via: get('via').value,
      data,
      ownerId: get('ownerId').value,
      prevHash: get('prevHash').value,
      hash: get('hash').value,
    });
    lines.push(line);
  }
  return { format: 'csv', entries, lines };
}
