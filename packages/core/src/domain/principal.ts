import type { UserRole } from './records.js';

/** An agent, authenticated by an API key. It acts on the channels of the key's user (or the key's one channel). */
export interface AgentPrincipal {
  readonly kind: 'agent';
  readonly userId: string;
  readonly apiKeyId: string;
  /** Set when the key is scoped to one channel. */
  readonly channelId: string | null;
}

/** A human, authenticated by the host (or the example server's login). */
export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly role: UserRole;
  /**
   * The session the request or socket was authenticated with, when Placet keeps the session
   * (`placet.sessions`): its end (logout, password change) closes what it opened.
   */
  readonly sessionId?: string;
}

export type Principal = AgentPrincipal | UserPrincipal;
