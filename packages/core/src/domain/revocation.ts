import type { Principal } from './principal.js';
import type { AccessRevoked, EventRecord } from './records.js';

/**
 * Whether an `access:revoked` event ends what `principal` opened: the key it used (revoked or rotated),
 * its session (logout), every session of its user (password change), or everything of its user (the
 * user was deleted). Events of other types never do.
 */
export function isRevokedBy(principal: Principal, event: Pick<EventRecord, 'type' | 'payload'>): boolean {
  if (event.type !== 'access:revoked') return false;
  const revoked = event.payload as AccessRevoked;
  if (revoked.userId !== principal.userId) return false;
  if (revoked.apiKeyId !== undefined)
    return principal.kind === 'agent' && principal.apiKeyId === revoked.apiKeyId;
  if (revoked.sessionId !== undefined)
    return principal.kind === 'user' && principal.sessionId === revoked.sessionId;
  if (revoked.allSessions) return principal.kind === 'user' && principal.sessionId !== undefined;
  return true;
}
