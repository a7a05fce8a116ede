import type { Session } from './session.js';

/** The relay between the sockets of this process (ephemeral events are not outbox events). */
export class LocalRelay {
  readonly #sessions = new Set<Session>();

  add(session: Session): void {
    this.#sessions.add(session);
  }

  remove(session: Session): void {
    this.#sessions.delete(session);
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Sends to every session of the owner that sees `channelId` (users always; agents when subscribed). */
  publish(ownerId: string, channelId: string, event: string, data: unknown, except?: Session): void {
    for (const session of this.#sessions)
      if (session !== except && session.sees(ownerId, channelId)) session.outlet.send(event, data);
  }

  closeAll(): void {
    for (const session of [...this.#sessions]) session.close(1001, 'server shutting down');
  }
}
