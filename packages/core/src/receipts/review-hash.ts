/**
 * What the human saw when answering a review: the review's type and payload, the message text and the
 * message's attachments by id and content hash.
 */
export interface ReviewHashInput {
  type: string;
  payload: unknown;
  text: string | null;
  attachments: readonly { id: string; sha256: string }[];
  /** The editable proposal of the review, when it has one (`review.proposal`); absent otherwise. */
  proposal?: unknown;
}

/**
 * Canonical JSON (RFC 8785, JCS, for JSON values): object keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers as `JSON.stringify` writes them. Two values that differ only in key
 * order have the same canonical form. Members whose value is `undefined` are left out, as in JSON.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('Not a JSON number');
    if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol')
      throw new TypeError(`Not a JSON value: ${typeof value}`);
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return canonicalJson(json.call(value));
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

const base64url = (bytes: Uint8Array): string => {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/**
 * The `reviewHash` of a receipt: sha256 (base64url, no padding) of the canonical JSON of
 * `{ type, payload, text, attachments: [{ id, sha256 }], proposal? }`, attachments sorted by id. Any change of the
 * type, the payload, the text or an attachment's bytes changes it; key order does not. Uses Web Crypto, so
 * it runs in Node and in browsers alike: an agent can recompute it from what it sent.
 */
export async function reviewHash(input: ReviewHashInput): Promise<string> {
  const attachments = [...input.attachments]
    .map(({ id, sha256 }) => ({ id, sha256 }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const canonical = canonicalJson({
    type: input.type,
    payload: input.payload,
    text: input.text,
    attachments,
    // Left out when absent (canonical JSON drops undefined members): a review without a proposal
    // hashes exactly as before proposals existed.
    proposal: input.proposal ?? undefined,
  });
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return base64url(new Uint8Array(digest));
}
