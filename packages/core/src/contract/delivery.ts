import { z } from 'zod';
import { HttpUrl, Id } from './common.js';

export const DEFAULT_DELIVERY_PAGE_SIZE = 25;
export const MAX_DELIVERY_PAGE_SIZE = 100;

/**
 * Query of `GET /api/v1/agents/:id/deliveries`: a page of the channel's delivery log, newest first;
 * `cursor` is the `nextCursor` of the previous page (a delivery id of this channel).
 */
export const DeliveryListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_DELIVERY_PAGE_SIZE).default(DEFAULT_DELIVERY_PAGE_SIZE),
  cursor: Id.optional(),
});
export type DeliveryListQuery = z.output<typeof DeliveryListQuery>;
export type DeliveryListQueryInput = z.input<typeof DeliveryListQuery>;

/** Body of `POST /api/v1/webhooks/check`: a URL as a webhook would have it (http or https, no credentials). */
export const WebhookCheckBody = z.object({ url: HttpUrl });
export type WebhookCheckBody = z.output<typeof WebhookCheckBody>;

/**
 * Answer of `POST /api/v1/webhooks/check`: what the server's outbound rules (the SSRF guard) say of a URL,
 * found without sending anything. `checked: false`: the server's webhook sender cannot judge a URL in
 * advance (or there is none), so nothing is known against it (`ok: true`). `ok: false`: every delivery to
 * it would be refused, for `reason` — short and secret-free (`private address`, `resolves to loopback
 * address`, `loopback hostname`, `dns ENOTFOUND` …), never the URL or its host.
 */
export const WebhookCheck = z.object({
  ok: z.boolean(),
  checked: z.boolean(),
  reason: z.string().max(200).optional(),
});
export type WebhookCheck = z.output<typeof WebhookCheck>;
