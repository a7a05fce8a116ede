// Wire types come from the core as types only: nothing of the engine reaches the browser bundle.
import type {
  Attachment,
  AuditEntry,
  AuditPage,
  Channel as CoreChannel,
  Message,
  MessagePage,
  PluginManifest,
  PublicUser,
  Review,
  StatusEvent,
  StatusHistoryEntry,
} from '@placet/core/contract';

export type {
  Attachment,
  AuditEntry,
  AuditPage,
  Message,
  MessagePage,
  PluginManifest,
  Review,
  StatusEvent,
  StatusHistoryEntry,
};
export type User = PublicUser;

/** `GET /agents` for a human: each channel with its unread count and last message. */
export type Channel = CoreChannel & {
  unreadCount?: number;
  lastMessage?: { id: string; text: string | null; senderType: string; createdAt: string } | null;
  lastMessageAt?: string | null;
};

/** One frame of the native WebSocket protocol. */
export interface Frame {
  event: string;
  data: unknown;
  seq?: number;
}
