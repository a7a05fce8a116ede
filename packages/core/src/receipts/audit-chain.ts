import { AUDIT_GENESIS_HASH, AuditEntry } from '../contract/audit.js';
import { canonicalJson } from './review-hash.js';

/** An audit entry without its `hash`: what the hash covers. */
export type AuditEntryContent = Omit<AuditEntry, 'hash'>;

const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * What an audit entry's hash covers: the canonical JSON (RFC 8785) of `{ ownerId, seq, at, type,
 * messageId, actor: { kind, id }, via, data, prevHash }` — every field but `hash`, key order irrelevant.
 */
export function auditEntryCanonical(entry: AuditEntryContent): string {
  return canonicalJson({
    ownerId: entry.ownerId,
    seq: entry.seq,
    at: entry.at,
    type: entry.type,
    messageId: entry.messageId,
    actor: { kind: entry.actor.kind, id: entry.actor.id },
    via: entry.via,
    data: entry.data,
    prevHash: entry.prevHash,
  });
}

/**
 * The `hash` of an audit entry: SHA-256 (64 lowercase hex digits) of `auditEntryCanonical(entry)`. Web
 * Crypto: runs in Node and in browsers alike.
 */
export async function auditEntryHash(entry: AuditEntryContent): Promise<string> {
  const canonical = auditEntryCanonical(entry);
  return hex(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical)));
}

/** Where a chain breaks: the entry (its index in the list, and its seq when it has one) and why. */
export interface AuditChainFault {
  index: number;
  seq: number | null;
  reason: string;
}

/** The outcome of `verifyAuditChain`. */
export type AuditChainReport =
  | {
      ok: true;
      /** Entries checked. */
      count: number;
      firstSeq: number | null;
      lastSeq: number | null;
      /** The last entry's hash: compare it with a copy kept elsewhere to detect a rewritten tail. */
      head: string | null;
      /** Whether the list starts at the owner's first entry (seq 1, after 64 zeros). */
      fromGenesis: boolean;
    }
  | { ok: false; count: number; fault: AuditChainFault };

export interface VerifyAuditChainOptions {
  /**
   * Accept gaps in `seq` (an export of one review's entries): each entry's hash is still checked, and
   * `prevHash` wherever two entries are consecutive. Off by default: a full export has no gaps.
   */
  allowGaps?: boolean;
}

/**
 * Checks an audit chain offline (an NDJSON or CSV export, parsed with `parseAuditExport`): every entry has
 * the shape of an audit entry, belongs to the same owner, follows the one before (`seq` + 1), links to it
 * (`prevHash` = its `hash`; 64 zeros before seq 1) and carries the hash of its own content. A list may
 * start anywhere in the chain (an export with `after`): its first `prevHash` is then taken as given. Reports
 * the first entry that fails, and why; never throws for bad input.
 */
export async function verifyAuditChain(
  entries: readonly unknown[],
  options: VerifyAuditChainOptions = {},
): Promise<AuditChainReport> {
  let previous: AuditEntry | undefined;
  const fail = (index: number, seq: number | null, reason: string): AuditChainReport => ({
    ok: false,
    count: entries.length,
    fault: { index, seq, reason },
  });
  for (const [index, raw] of entries.entries()) {
    const parsed = AuditEntry.safeParse(raw);
    if (!parsed.success) {
      const seq = (raw as { seq?: unknown } | null)?.seq;
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return fail(
        index,
        typeof seq === 'number' ? seq : null,
        `not an audit entry (${where}${issue?.message ?? 'invalid'})`,
      );
    }
    const entry = parsed.data;
    if (previous) {
      if (entry.ownerId !== previous.ownerId)
        return fail(index, entry.seq, `belongs to owner ${entry.ownerId}, not ${previous.ownerId}`);
      const expected = previous.seq + 1;
      if (entry.seq !== expected && !(options.allowGaps && entry.seq > previous.seq))
        return fail(
          index,
          entry.seq,
          entry.seq <= previous.seq
            ? `seq ${entry.seq} does not follow seq ${previous.seq} (out of order or repeated)`
            : `seq ${entry.seq} follows seq ${previous.seq}: ${entry.seq - expected} entr${entry.seq - expected === 1 ? 'y is' : 'ies are'} missing`,
        );
      if (entry.seq === expected && entry.prevHash !== previous.hash)
        return fail(
          index,
          entry.seq,
          `prevHash is not the hash of seq ${previous.seq}: that entry or this link was changed`,
        );
    } else if (entry.seq === 1 && entry.prevHash !== AUDIT_GENESIS_HASH) {
      return fail(index, entry.seq, 'the first entry (seq 1) must have a prevHash of 64 zeros');
    }
    const { hash, ...content } = entry;
    if ((await auditEntryHash(content)) !== hash)
      return fail(index, entry.seq, 'hash does not match the entry: its content was changed');
    previous = entry;
  }
  const first = entries.length > 0 ? (entries[0] as AuditEntry) : undefined;
  return {
    ok: true,
    count: entries.length,
    firstSeq: first?.seq ?? null,
    lastSeq: previous?.seq ?? null,
    head: previous?.hash ?? null,
    fromGenesis: first?.seq === 1,
  };
}
