/**
 * Sentences for people where a review element would otherwise show a validator's or a browser's own words:
 * "Must be at most 10" rather than zod's "Too big: expected number to be <=10", and a sentence that says
 * what to do rather than `fetch`'s "Failed to fetch". Pure functions with no DOM, so they are exported by
 * `@placet/core/browser` for review elements and for hosts that show the server's refusal of an answer.
 */

/**
 * What a sentence is made from: a zod issue, raw (as an error map receives it, with its `input`) or final,
 * or an issue a server sent. Every field is `unknown` because a server's JSON may carry anything.
 */
export interface IssueDetails {
  readonly code?: unknown;
  readonly input?: unknown;
  readonly expected?: unknown;
  readonly origin?: unknown;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly inclusive?: unknown;
  readonly exact?: unknown;
  readonly format?: unknown;
  readonly values?: unknown;
  readonly options?: unknown;
  readonly keys?: unknown;
  readonly divisor?: unknown;
  readonly prefix?: unknown;
  readonly suffix?: unknown;
  readonly includes?: unknown;
}

/** Shown when an answer cannot reach the server (see {@link sendFailureMessage}). */
export const OFFLINE_MESSAGE = 'Could not send: you are offline or the server is unreachable. Try again.';
/** Shown when the server did not answer before the request's deadline. */
export const TIMEOUT_MESSAGE = 'Could not send: the server did not answer in time. Try again.';

/** More values than this are not listed: a list of twenty ids helps nobody. */
const MAX_LISTED_VALUES = 5;

/** What zod's `expected` type names are, in words. */
const KINDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  object: 'an object',
  record: 'an object',
  map: 'an object',
  date: 'a date',
  file: 'a file',
};

/** What zod's string `format`s are, in words. */
const FORMATS: Readonly<Record<string, string>> = {
  email: 'a valid email address',
  url: 'a valid URL',
  uuid: 'a valid UUID',
  guid: 'a valid UUID',
  date: 'a valid date (YYYY-MM-DD)',
  time: 'a valid time (HH:MM)',
  datetime: 'a valid date and time',
  ipv4: 'a valid IPv4 address',
  ipv6: 'a valid IPv6 address',
  e164: 'a phone number in international format (+ and digits)',
  json_string: 'valid JSON',
};

/** The counted things of a length check, singular and plural; lists are choices (see {@link sizeMessage}). */
const UNITS: Readonly<Record<string, readonly [string, string]>> = {
  string: ['character', 'characters'],
  file: ['byte', 'bytes'],
  map: ['entry', 'entries'],
};

/** A list's bounds count options: see {@link sizeMessage}. */
const OPTION = ['option', 'options'] as const;

type Side = 'min' | 'max';

/** How a bound reads, for counts, magnitudes and dates: `[inclusive, exclusive]`. */
const RELATIONS: Readonly<Record<'count' | 'magnitude' | 'date', Record<Side, readonly [string, string]>>> = {
  count: { min: ['at least', 'more than'], max: ['at most', 'fewer than'] },
  magnitude: { min: ['at least', 'more than'], max: ['at most', 'less than'] },
  date: { min: ['on or after', 'after'], max: ['on or before', 'before'] },
};

/**
 * A plain sentence for a zod issue, from its `code` and details, such as "Must be at least 3 characters",
 * "Choose at most 2 options" or "Required". `undefined` for a `custom` issue (its message is its author's
 * own words) and for a code or details it cannot word, so the caller keeps the message it has. Usable as
 * a zod error map (`schema.safeParse(value, { error: issueMessage })`), which words only the issues whose
 * schema gave no message of its own.
 */
export function issueMessage(issue: IssueDetails): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return typeMessage(issue);
    case 'too_small':
      return sizeMessage(issue, 'min');
    case 'too_big':
      return sizeMessage(issue, 'max');
    case 'invalid_value':
      return choiceMessage(issue.values);
    case 'invalid_format':
      return formatMessage(issue);
    case 'not_multiple_of':
      return isNumeric(issue.divisor) ? `Must be a multiple of ${issue.divisor}` : undefined;
    case 'unrecognized_keys':
      return keysMessage(issue.keys);
    case 'invalid_union':
      return choiceMessage(issue.options) ?? 'This value is not accepted';
    case 'invalid_key':
      return 'Contains a key that is not accepted';
    case 'invalid_element':
      return 'Contains a value that is not accepted';
    default:
      return undefined;
  }
}

/**
 * What to show for an issue a server sent (`{ path, message }`, perhaps with a zod `code` and its details):
 * the sentence of {@link issueMessage} when it can word it, else the message as sent.
 */
export function serverIssueMessage(issue: IssueDetails & { readonly message: string }): string {
  return issueMessage(issue) ?? issue.message;
}

/**
 * A sentence for a request that never got an answer, or `undefined` when `error` is something else (an
 * answer of the server has its own message). `fetch` rejects with a `TypeError` when the network or the
 * server cannot be reached, worded differently by each browser ("Failed to fetch", "NetworkError when
 * attempting to fetch resource.", "Load failed"), so the type decides, not the text: pass only what
 * `fetch` itself threw, or a bug of the caller would read as being offline.
 */
export function sendFailureMessage(error: unknown): string | undefined {
  if (error instanceof TypeError) return OFFLINE_MESSAGE;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'TimeoutError' ? TIMEOUT_MESSAGE : undefined;
}

/** `message` with a capital first letter: plugins word their messages as fragments ("required"). */
export function asSentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

function typeMessage(issue: IssueDetails): string | undefined {
  if (issue.expected === 'never') return 'Not allowed here';
  // Only a raw issue carries `input`: nothing (or null) given means the person left it out.
  if ('input' in issue && (issue.input === undefined || issue.input === null)) return 'Required';
  const wanted = typeof issue.expected === 'string' ? KINDS[issue.expected] : undefined;
  if (wanted === undefined) return undefined;
  const given = 'input' in issue ? kindOf(issue.input) : undefined;
  // "a whole number, not a number" would be true but no help.
  const contrast = given !== undefined && given !== wanted && wanted !== 'a whole number';
  return contrast ? `Must be ${wanted}, not ${given}` : `Must be ${wanted}`;
}

function kindOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return Number.isNaN(value) ? undefined : 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return value === null ? undefined : 'an object';
    default:
      return undefined;
  }
}

/**
 * A length or range check. In a review's response a list is what a person chose (a selection, a
 * multiselect), so its bounds read as choices: "Choose at least 1 option".
 */
function sizeMessage(issue: IssueDetails, side: Side): string | undefined {
  const limit = side === 'min' ? issue.minimum : issue.maximum;
  if (!isNumeric(limit)) return undefined;
  const origin = String(issue.origin);
  const exclusive = issue.inclusive === false;
  const relation = (kind: keyof typeof RELATIONS) =>
    issue.exact === true ? 'exactly' : RELATIONS[kind][side][exclusive ? 1 : 0];
  if (origin === 'array' || origin === 'set') return `Choose ${relation('count')} ${count(limit, OPTION)}`;
  const unit = UNITS[origin];
  if (unit) {
    const empty = side === 'min' && issue.exact !== true && Number(limit) === (exclusive ? 0 : 1);
    if (origin === 'string' && empty) return 'Required';
    return `Must ${origin === 'map' ? 'have' : 'be'} ${relation('count')} ${count(limit, unit)}`;
  }
  if (origin === 'date') return `Must be ${relation('date')} ${new Date(Number(limit)).toLocaleString()}`;
  if (origin === 'number' || origin === 'int' || origin === 'bigint') {
    return issue.exact === true ? `Must be ${limit}` : `Must be ${relation('magnitude')} ${limit}`;
  }
  return undefined;
}

function formatMessage(issue: IssueDetails): string | undefined {
  const format = issue.format;
  if (format === 'starts_with' && typeof issue.prefix === 'string')
    return `Must start with ${quote(issue.prefix)}`;
  if (format === 'ends_with' && typeof issue.suffix === 'string')
    return `Must end with ${quote(issue.suffix)}`;
  if (format === 'includes' && typeof issue.includes === 'string')
    return `Must contain ${quote(issue.includes)}`;
  if (format === 'regex') return 'Does not have the expected format';
  if (typeof format !== 'string') return undefined;
  return `Must be ${FORMATS[format] ?? `a valid ${format}`}`;
}

function choiceMessage(values: unknown): string | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  if (values.length > MAX_LISTED_VALUES) return 'Must be one of the accepted values';
  return `Must be ${listOf(values.map(show), 'or')}`;
}

function keysMessage(keys: unknown): string | undefined {
  if (!Array.isArray(keys) || keys.length === 0) return undefined;
  return `Unexpected field${keys.length === 1 ? '' : 's'} ${listOf(keys.map(show), 'and')}`;
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
function listOf(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? quote(value) : String(value);
}

function quote(text: string): string {
  return JSON.stringify(text);
}

function count(n: number | bigint, [one, many]: readonly [string, string]): string {
  return `${n} ${Number(n) === 1 ? one : many}`;
}

function isNumeric(value: unknown): value is number | bigint {
  return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint';
}
