/** How a field of a proposal is edited: by the type of the agent's value. */
export type FieldKind = 'number' | 'boolean' | 'string' | 'json';

export function fieldKind(value: unknown): FieldKind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'json';
}

/** What an input holds, as text (a checkbox's is "true"/"false"; JSON is pretty-printed). */
export function fieldText(kind: FieldKind, value: unknown): string {
  if (kind === 'json') return JSON.stringify(value, null, 2) ?? 'null';
  return String(value);
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** An input's text read back as a value of its kind, or why it cannot be. */
export function parseField(kind: FieldKind, text: string): Parsed {
  switch (kind) {
    case 'string':
      return { ok: true, value: text };
    case 'boolean':
      return { ok: true, value: text === 'true' };
    case 'number': {
      const trimmed = text.trim();
      const value = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(value)) return { ok: false, error: 'must be a number' };
      return { ok: true, value };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch {
        return { ok: false, error: 'must be valid JSON' };
      }
  }
}

/** JSON with sorted keys: two values are the same when these are equal. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface DiffEntry {
  path: string;
  from: unknown;
  to: unknown;
}

/**
 * What a human changed: one `{ path, from, to }` per editable field whose value differs from the agent's,
 * in the proposal's field order (the server computes the same for the answer it records).
 */
export function proposalDiff(
  original: Record<string, unknown>,
  edited: Record<string, unknown>,
  editable: readonly string[],
): DiffEntry[] {
  return Object.keys(original)
    .filter((path) => editable.includes(path) && Object.hasOwn(edited, path))
    .filter((path) => canonical(original[path]) !== canonical(edited[path]))
    .map((path) => ({ path, from: original[path], to: edited[path] }));
}

/** The `edits` of an answer: the changed editable fields only, by name. */
export function editsOf(diff: readonly DiffEntry[]): Record<string, unknown> {
  return Object.fromEntries(diff.map((entry) => [entry.path, entry.to]));
}

/** A value as a diff shows it: strings quoted, the rest as compact JSON, cut at `max` characters. */
export function diffValue(value: unknown, max = 60): string {
  const text = value === undefined ? '(none)' : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
