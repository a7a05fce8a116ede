import { CONSTRAINTS, UniqueViolation } from '../../domain/unique-violation.js';
import type { AuditRepository } from '../../ports/store.js';
import type { View } from './state.js';

/** The head of an empty chain: seq 0, 64 zeros. */
const EMPTY_HASH = '0'.repeat(64);

const entryKey = (ownerId: string, seq: number) => `${ownerId}/${seq}`;

/**
 * The audit log of the memory store. Its transactions are serialised already, so `lockHead` only has to
 * make the head exist; `append` still checks that the entries continue the head it finds.
 */
export function memoryAuditRepository(view: View): AuditRepository {
  return {
    async lockHead(ownerId) {
      const head = view.get('auditHeads', ownerId);
      if (head) return { seq: head.seq, hash: head.hash };
      view.set('auditHeads', ownerId, { ownerId, seq: 0, hash: EMPTY_HASH });
      return { seq: 0, hash: EMPTY_HASH };
    },
    async append(entries) {
      const first = entries[0];
      const last = entries.at(-1);
      if (!first || !last) return;
      const { ownerId } = first;
      const head = view.get('auditHeads', ownerId);
      if (!head) throw new Error(`audit.append: the chain of ${ownerId} has no head (lock it first)`);
      entries.forEach((entry, i) => {
        if (entry.ownerId !== ownerId) throw new Error('audit.append: entries of more than one owner');
        if (entry.seq !== head.seq + 1 + i)
          throw new Error(
            `audit.append: seq ${entry.seq} does not continue the chain of ${ownerId} (head at ${head.seq})`,
          );
      });
      for (const entry of entries) {
        if (view.get('auditEntries', entryKey(ownerId, entry.seq)) !== undefined)
          throw new UniqueViolation(CONSTRAINTS.primaryKey);
      }
      for (const entry of entries) view.set('auditEntries', entryKey(ownerId, entry.seq), entry);
      view.set('auditHeads', ownerId, { ownerId, seq: last.seq, hash: last.hash });
    },
    list: async ({ ownerId, afterSeq = 0, messageId, limit }) =>
      view
        .filter(
          'auditEntries',
          (e) =>
            e.ownerId === ownerId &&
            e.seq > afterSeq &&
            (messageId === undefined || e.messageId === messageId),
        )
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit),
  };
}
