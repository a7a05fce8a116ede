/** The result of `parseCsv`: every record, each an array of fields. */
export interface CsvTable {
  rows: string[][];
  /** The widest record's field count. */
  columns: number;
}

/**
 * An RFC 4180 parser: fields separated by `delimiter`, records by CRLF (a lone LF or CR is accepted
 * too), quoted fields may hold delimiters, line breaks and `""` for one quote. Lenient where the RFC is
 * strict, as spreadsheets are: a quote inside an unquoted field is kept as text, characters after a
 * closing quote are appended, an unterminated quoted field runs to the end. A leading byte-order mark is
 * dropped; a final line break does not start an empty record.
 */
export function parseCsv(text: string, delimiter = ','): CsvTable {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let columns = 0;
  const endRecord = () => {
    row.push(field);
    field = '';
    rows.push(row);
    if (row.length > columns) columns = row.length;
    row = [];
  };
  while (i < n) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      // Copy the run up to the next quote at once: long quoted fields stay linear.
      const next = text.indexOf('"', i);
      const end = next === -1 ? n : next;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  // The last record, unless the text ended with its line break (or was empty).
  if (field !== '' || row.length > 0 || quoted) endRecord();
  return { rows, columns };
}
