import type { AuthenticateHostUser } from '@placet/core';
import { z } from '@placet/core/adapter';
import type { Request } from 'express';

/**
 * How the host tells Placet who the human behind a request is (cookie session, SSO, …): a Placet user
 * principal, a host identity, or null for "not signed in".
 */
export type AuthenticateUser = AuthenticateHostUser<Request>;

export const RouterOptionsSchema = z.object({
  authenticateUser: z
    .custom<AuthenticateUser>((v) => typeof v === 'function', 'must be a function')
    .optional(),
  limits: z
    .object({
      /** Largest JSON body (bytes). */
      jsonBytes: z
        .number()
        .int()
        .min(1024)
        .default(1024 * 1024),
      /** Largest uploaded file (bytes); never above the engine's `maxFileBytes`. */
      fileBytes: z.number().int().min(1).optional(),
      /** Non-file fields per multipart request. */
      fields: z.number().int().min(1).max(100).default(10),
      /** Largest multipart field name and value (bytes). */
      fieldNameBytes: z.number().int().min(1).default(100),
      fieldBytes: z
        .number()
        .int()
        .min(1)
        .default(1024 * 1024),
      /** Most items in the bare-array lists (`/reviews/pending`, `/files`); more → a `Link: rel="next"`. */
      listCap: z.number().int().min(1).max(1000).default(100),
    })
    .prefault({}),
  /**
   * Requests per principal (API key or user) per window. A long-poll counts once, when it arrives (the
   * time it is held is free). Counters live in this process (behind a load balancer each process counts
   * for itself). `false` turns it off.
   */
  rateLimit: z
    .union([
      z.literal(false),
      z.object({
        windowMs: z.number().int().min(1000).default(60_000),
        max: z.number().int().min(1).default(600),
      }),
    ])
    .default({ windowMs: 60_000, max: 600 }),
  /**
   * Long-polls (`GET /reviews/:id/wait`) held open at once: `perKey` per API key, `perUser` per user (all
   * of the user's keys and their own requests together). Beyond either: 429 `RATE_LIMITED` with
   * `Retry-After`. Counted in this process. `false` turns the cap off.
   */
  concurrentWaits: z
    .union([
      z.literal(false),
      z.object({
        perKey: z.number().int().min(1).default(100),
        perUser: z.number().int().min(1).default(200),
      }),
    ])
    .default({ perKey: 100, perUser: 200 }),
  /** Called with errors that became a 500 (the client only sees `Internal server error`). */
  onError: z.custom<(error: unknown, req: Request) => void>((v) => typeof v === 'function').optional(),
});

export type PlacetRouterOptions = z.input<typeof RouterOptionsSchema>;
export type ResolvedRouterOptions = z.output<typeof RouterOptionsSchema>;
