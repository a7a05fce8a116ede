import { z } from 'zod';
import { Id } from './common.js';

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
