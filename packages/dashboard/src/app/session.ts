import type { User } from './types.js';

/** The signed-in person, for labels ("answered by you"); set by the app root. */
export const session: { user: User | undefined } = { user: undefined };

/** How to name whoever answered a review: the signed-in person by name, anyone else by id. */
export function responderName(userId: string | null | undefined): string | undefined {
  if (!userId) return undefined;
  const me = session.user;
  return me && me.id === userId ? `${me.displayName || me.email} (you)` : undefined;
}
