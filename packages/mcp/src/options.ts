import type { PlacetClient } from '@placet/client';

/** The longest a tool waits for a human by default before it answers `timeout` (the original's 300 s). */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 300_000;
/** The longest a tool may wait in one call (an hour): longer waits resume with `wait_for_review`. */
export const MAX_CONNECTION_TIMEOUT_MS = 3_600_000;
/** How often a waiting tool reports progress by default (MCP clients reset their request timeout on it). */
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;

/** How the MCP server reaches Placet and how long its tools wait. */
export interface PlacetMcpOptions {
  /** The Placet server: an origin (`https://placet.example.com`) or an API base URL. */
  url: string;
  /** The agent's API key (`hp_…`). */
  apiKey: string;
  /** The channel tools use when a call names none (`PLACET_DEFAULT_CHANNEL`): `channelId` becomes optional. */
  defaultChannel?: string;
  /**
   * How long `wait_for_review`, `send_review_message` with `waitInline` and `ask_human` wait before they
   * answer `{ status: 'timeout' }` (the review stays pending: call `wait_for_review` to go on waiting).
   * Default 300000 (`MCP_CONNECTION_TIMEOUT_MS`), at most 3600000.
   */
  connectionTimeoutMs?: number;
  /** How often a wait sends `notifications/progress` when the caller asked for progress. Default 10000. */
  progressIntervalMs?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** What the tools are given: a client and the resolved settings. */
export interface ToolContext {
  client: PlacetClient;
  defaultChannel: string | undefined;
  connectionTimeoutMs: number;
  progressIntervalMs: number;
}
