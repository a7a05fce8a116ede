import { relativeTime } from './format.js';
import type { Channel } from './types.js';

/** A status older than this shows as "last seen …" instead of a live label. */
export const FRESH_MS = 5 * 60_000;

export interface Presence {
  /** The dot's colour: the status, or `offline` when stale. */
  state: string;
  label: string;
}

/** The agent's presence, or undefined when it never reported a status (nothing is shown then). */
export function presenceOf(channel: Channel, now = Date.now()): Presence | undefined {
  if (!channel.statusSince) return undefined;
  const seenAt = channel.lastActiveAt ?? channel.statusSince;
  const fresh = channel.status !== 'offline' && now - Date.parse(seenAt) < FRESH_MS;
  return fresh
    ? { state: channel.status, label: channel.status[0]!.toUpperCase() + channel.status.slice(1) }
    : { state: 'offline', label: `Last seen ${relativeTime(seenAt, now)}` };
}
