import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import {
  type AuditEntry,
  type AuditEventType,
  AuditExportQuery,
  type AuditExportQueryInput,
  type AuditPage,
  AuditPageQuery,
  type AuditPageQueryInput,
} from '../contract/audit.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import type { AuditEntryRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { Repositories, Store } from '../ports/store.js';
import { auditEntryCanonical } from '../receipts/audit-chain.js';
import { auditCsvHeader, auditCsvRow, auditNdjsonLine } from '../receipts/audit-format.js';
import { TOKENS } from '../tokens.js';

export type { AuditEventType };

/**
 * One thing to record: what, about which review (of which owner), who did it and through which path
 * (`api`, `dashboard`, `email`, `push`, a plugin's name; `sweeper` for the system), and its details.
 */
export interface AuditEvent {
  ownerId: string;
  messageId: string;
  type: AuditEventType;
  actor: { kind: 'user' | 'agent' | 'system'; id: string | null };
  via: string;
  at: Date;
  data: Record<string, unknown>;
}

/** An export of the audit log, ready to send: its media type, a file name and the text, in chunks. */
export interface AuditExport {
  format: 'ndjson' | 'csv';
  /** `application/x-ndjson; charset=utf-8` or `text/csv; charset=utf-8; header=present`. */
  contentType: string;
  /** `placet-audit-<first seq>-<last seq>.<ndjson|csv>` (`placet-audit-empty.…` for none). */
  filename: string;
  /** How many entries the export holds. */
  count: number;
  /** The `after` of the next export when this one stopped at its `limit`; null when it is complete. */
  nextAfter: number | null;
  /** The file's bytes (UTF-8), produced as they are read. */
  body: AsyncIterable<Uint8Array>;
}

const CONTENT_TYPES = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
} as const;

/** Lines per chunk of an export's body. */
const CHUNK_LINES = 200;

const notFound = () => new PlacetError('NOT_FOUND', 'No review on this message');

/** The wire form of a stored entry. */
function present(entry: AuditEntryRecord): AuditEntry {
  return {
    seq: entry.seq,
    at: entry.at.toISOString(),
    type: entry.type,
    messageId: entry.messageId,
    actor: { kind: entry.actor.kind, id: entry.actor.id },
    via: entry.via,
    data: entry.data,
    ownerId: entry.ownerId,
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}

function humanOf(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'The audit log is for signed-in humans');
  return principal;
}

/**
 * The audit log: append-only, hash-chained per owner. `record` appends in the caller's transaction (the
 * entries commit with the change they describe, or not at all); the appenders of one owner are
 * serialised by the chain's head (`audit.lockHead`), so each owner's chain stays one unbroken sequence in
 * every process. Humans read their own chain (`list`, `export`) and a review's entries (`forReview`: its
 * owner and its assignees).
 */
@injectable()
export class AuditService {
  constructor(@inject(TOKENS.Store) private readonly store: Store) {}

  /** Appends `events` to their owners' chains, in the caller's transaction (committed with the change). */
  async record(tx: Repositories, events: readonly AuditEvent[]): Promise<void> {
    const byOwner = new Map<string, AuditEvent[]>();
    for (const event of events) {
      const list = byOwner.get(event.ownerId);
      if (list) list.push(event);
      else byOwner.set(event.ownerId, [event]);
    }
    // Heads are locked in one order (by owner id), so two transactions never wait on each other's.
    for (const ownerId of [...byOwner.keys()].sort()) {
      let { seq, hash } = await tx.audit.lockHead(ownerId);
      const entries: AuditEntryRecord[] = [];
      for (const event of byOwner.get(ownerId)!) {
        // What is hashed is exactly what is stored and read back: plain JSON (no Dates, no undefined).
        const data = JSON.parse(JSON.stringify(event.data ?? {})) as Record<string, unknown>;
        const actor = { kind: event.actor.kind, id: event.actor.id };
        const content = {
          ownerId,
          seq: seq + 1,
          at: event.at.toISOString(),
          type: event.type,
          messageId: event.messageId,
          actor,
          via: event.via,
          data,
          prevHash: hash,
        };
        // The verifier's hash (`auditEntryHash`), computed synchronously: no extra turn in the transaction.
        const sealed = createHash('sha256').update(auditEntryCanonical(content), 'utf8').digest('hex');
        entries.push({ ...content, at: new Date(content.at), hash: sealed });
        seq = content.seq;
        hash = sealed;
      }
      await tx.audit.append(entries);
    }
  }

  /**
   * The caller's own chain, oldest first: at most `limit` entries after `after`, optionally only those of
   * one review — NOT_FOUND when the caller's chain has no entry of it at all (another owner's review, an
   * unknown id: alike).
   */
  async list(principal: Principal, query: AuditExportQueryInput = {}): Promise<AuditPage> {
    const user = humanOf(principal);
    const q = parseOrThrow(AuditExportQuery, query);
    return this.#ownPage(user.userId, q);
  }

  /** The same page as a file: NDJSON (one entry per line) or CSV with a header row. */
  async export(principal: Principal, query: AuditExportQueryInput = {}): Promise<AuditExport> {
    const user = humanOf(principal);
    const q = parseOrThrow(AuditExportQuery, query);
    // Read before the reply starts, so that a store failure is an error answer, not a cut-off file.
    const { entries, nextAfter } = await this.#ownPage(user.userId, q);
    const first = entries[0]?.seq;
    const last = entries.at(-1)?.seq;
    const format = q.format;
    return {
      format,
      contentType: CONTENT_TYPES[format],
      filename: `placet-audit-${first === undefined ? 'empty' : `${first}-${last}`}.${format}`,
      count: entries.length,
      nextAfter,
      body: (async function* () {
        const encoder = new TextEncoder();
        if (format === 'csv') yield encoder.encode(auditCsvHeader());
        const line = format === 'csv' ? auditCsvRow : auditNdjsonLine;
        for (let i = 0; i < entries.length; i += CHUNK_LINES)
          yield encoder.encode(
            entries
              .slice(i, i + CHUNK_LINES)
              .map(line)
              .join(''),
          );
      })(),
    };
  }

  /**
   * The entries of one review, oldest first, for the dashboard's audit view: its owner and its assignees
   * (who may read the review) see them; anyone else gets NOT_FOUND, as for the review itself. The owner
   * still sees the entries of a review whose message was deleted (they are its history).
   */
  async forReview(
    principal: Principal,
    messageId: string,
    query: AuditPageQueryInput = {},
  ): Promise<AuditPage> {
    const user = humanOf(principal);
    const q = parseOrThrow(AuditPageQuery, query);
    const review = messageId ? await this.store.reviews.findByMessageId(messageId) : undefined;
    if (review) {
      const visible =
        review.ownerId === user.userId || review.policy?.assigneeIds.includes(user.userId) === true;
      if (!visible) throw notFound();
      return this.#page(review.ownerId, review.messageId, q.after, q.limit);
    }
    if (!messageId) throw notFound();
    // No review (any more): the history of one of the caller's own deleted reviews, or nothing at all.
    return this.#ownPage(user.userId, { review: messageId, after: q.after, limit: q.limit });
  }

  /** A page of the caller's own chain; with `review`, NOT_FOUND unless the chain names that review. */
  async #ownPage(
    ownerId: string,
    q: { review?: string | undefined; after: number; limit: number },
  ): Promise<AuditPage> {
    const page = await this.#page(ownerId, q.review, q.after, q.limit);
    if (q.review === undefined || page.entries.length > 0) return page;
    const any = q.after > 0 && (await this.#page(ownerId, q.review, 0, 1)).entries.length > 0;
    if (!any) throw notFound();
    return page;
  }

  async #page(
    ownerId: string,
    messageId: string | undefined,
    after: number,
    limit: number,
  ): Promise<AuditPage> {
    const rows = await this.store.audit.list({
      ownerId,
      afterSeq: after,
      limit: limit + 1,
      ...(messageId !== undefined ? { messageId } : {}),
    });
    const page = rows.slice(0, limit).map(present);
    return { entries: page, nextAfter: rows.length > limit ? (page.at(-1)?.seq ?? null) : null };
  }
}
