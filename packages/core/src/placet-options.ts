import { z } from 'zod';
import type { Provision } from './define-token.js';
import { parseOptions } from './errors/zod-issues.js';
import type { PlacetPlugin } from './plugins/types.js';
import type { Clock } from './ports/clock.js';
import type { FileStore } from './ports/file-store.js';
import type { Logger } from './ports/logger.js';
import type { Notifier } from './ports/notifier.js';
import type { Store } from './ports/store.js';
import type { Transport } from './ports/transport.js';
import type { WebhookSender } from './ports/webhook-sender.js';

const hasMethods =
  <T>(...methods: string[]) =>
  (value: unknown): value is T =>
    typeof value === 'object' &&
    value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');

/** Options of `createPlacet()`. Ports default to the in-memory adapters and the system clock. */
export const PlacetOptionsSchema = z.object({
  /**
   * Values for service tokens (`defineToken`), for this instance: a plugin's `ctx.resolve(token)` and
   * `placet.resolve(token)` get them, and they win over what a plugin `provide`s (a host replaces a
   * plugin's service, e.g. with a fake in tests).
   */
  provide: z
    .array(
      z.custom<Provision>(
        (v) => typeof (v as Provision | null)?.token?.key === 'symbol',
        'must be { token, value } (see defineToken)',
      ),
    )
    .default([]),
  plugins: z
    .array(
      z.custom<PlacetPlugin>(
        (v) => typeof v === 'object' && v !== null && typeof (v as PlacetPlugin).name === 'string',
        'must be a plugin object',
      ),
    )
    .default([]),
  store: z
    .custom<Store>(hasMethods('transaction', 'migrate', 'close'), 'must implement the Store port')
    .optional(),
  files: z
    .custom<FileStore>(hasMethods('put', 'get', 'delete'), 'must implement the FileStore port')
    .optional(),
  transport: z
    .custom<Transport>(hasMethods('publish', 'subscribe', 'close'), 'must implement the Transport port')
    .optional(),
  notifiers: z.array(z.custom<Notifier>(hasMethods('send'), 'must implement the Notifier port')).default([]),
  clock: z
    .custom<Clock>(hasMethods('now', 'setTimer', 'clearTimer'), 'must implement the Clock port')
    .optional(),
  logger: z
    .custom<Logger>(hasMethods('debug', 'info', 'warn', 'error'), 'must implement the Logger port')
    .optional(),
  /** How often the sweeper looks for due reviews. */
  sweepIntervalMs: z.number().int().min(100).max(3_600_000).default(5_000),
  /** `lastUsedAt` of an API key is written at most this often. */
  apiKeyTouchIntervalMs: z.number().int().min(0).default(60_000),
  /** Text attachments up to this size are inlined as `textContent` (the original: 64 KB). */
  inlineTextMaxBytes: z
    .number()
    .int()
    .min(0)
    .max(10 * 1024 * 1024)
    .default(64 * 1024),
  /** Upper bound of one `reviews.wait()` call (the original caps at 30 s). */
  maxWaitMs: z.number().int().min(1).max(3_600_000).default(30_000),
  /** An agent that has not pinged for this long is turned `offline` (the original never does). */
  offlineAfterMs: z
    .number()
    .int()
    .min(1000)
    .default(5 * 60_000),
  /** Files stored for later linking (`attachmentIds`) and never linked are deleted after this long. */
  orphanFileMaxAgeMs: z
    .number()
    .int()
    .min(60_000)
    .default(24 * 3600_000),
  /**
   * Outbox retention: events older than this are deleted by the sweeper. A client resuming from a seq
   * before the deleted ones is told to resync (reload) instead of getting a partial replay. At least an
   * hour, so that reconnecting clients and lagging processes are never cut off by a short setting.
   */
  eventRetentionMs: z
    .number()
    .int()
    .min(3600_000)
    .default(7 * 24 * 3600_000),
  /** Upper bound of one uploaded or stored file. */
  maxFileBytes: z
    .number()
    .int()
    .min(1)
    .default(100 * 1024 * 1024),
  /** Performs webhook deliveries (e.g. `httpWebhookSender()` from `@placet/notifier-http`). */
  webhookSender: z
    .custom<WebhookSender>(hasMethods('send'), 'must implement the WebhookSender port')
    .optional(),
  /** Webhook retries: exponential backoff with jitter; the defaults span about a day. */
  webhooks: z
    .object({
      maxAttempts: z.number().int().min(1).max(100).default(15),
      initialDelayMs: z.number().int().min(1).default(5_000),
      maxDelayMs: z
        .number()
        .int()
        .min(1)
        .default(6 * 3600_000),
      timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
      /** How long a process owns a claimed delivery before another may take it over. */
      leaseMs: z.number().int().min(1000).default(60_000),
    })
    .prefault({}),
  /** Notifications to humans (the `notifiers`): one reminder per recipient for a review still pending this long after it was created (checked by the sweeper); `null`: no reminders. */
  notifications: z
    .object({
      reminderAfterMs: z
        .number()
        .int()
        .min(60_000)
        .nullable()
        .default(60 * 60_000),
    })
    .prefault({}),
  /**
   * Plugins' after-commit hooks: a hook that throws is retried with exponential backoff (the plugin's
   * later events wait for it) up to `maxAttempts`, then given up and logged. With a store several
   * processes share, one process at a time runs a plugin's hooks, under a lease of `leaseMs`.
   */
  pluginHooks: z
    .object({
      maxAttempts: z.number().int().min(1).max(1000).default(10),
      initialDelayMs: z.number().int().min(1).default(1_000),
      maxDelayMs: z
        .number()
        .int()
        .min(1)
        .default(5 * 60_000),
      leaseMs: z.number().int().min(1000).default(60_000),
    })
    .prefault({}),
  /** Size limit of one text attachment sent inline with a message. */
  maxTextAttachmentBytes: z
    .number()
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
});

export type PlacetOptions = z.input<typeof PlacetOptionsSchema>;
export type ResolvedPlacetOptions = Readonly<
  Omit<z.output<typeof PlacetOptionsSchema>, 'store' | 'files' | 'transport' | 'clock' | 'logger'> & {
    store: Store;
    files: FileStore;
    transport: Transport;
    clock: Clock;
    logger: Logger;
  }
>;

/** Parses options once; an invalid option throws INVALID_OPTIONS listing paths, never values. */
export function parsePlacetOptions(input: unknown): z.output<typeof PlacetOptionsSchema> {
  return parseOptions(PlacetOptionsSchema, input ?? {}, 'createPlacet() options');
}
