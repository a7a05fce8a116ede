import { z } from '@placet/core/plugin';

/** A week: how long an action link in an e-mail works, unless `tokenTtlMs` says otherwise. */
export const DEFAULT_TOKEN_TTL_MS = 7 * 24 * 3600_000;

/** `/api/v1/` → `/api/v1`; `/` stays `/`. */
const withoutTrailingSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/** A path on the public origin: starts with `/`, no query or fragment. */
const Path = z
  .string()
  .regex(/^\/[^?#\s]*$/, 'must be a path that starts with "/" (no query, no fragment)')
  .transform(withoutTrailingSlash);

/**
 * The SMTP server, as a nodemailer transport URL (`smtp://user:pass@host:587`, `smtps://…:465`; the
 * password is percent-encoded) or as an object. Never echoed: an invalid value is reported by its path only.
 */
export const SmtpOptions = z.union([
  z
    .string()
    .min(1)
    .refine((value) => {
      try {
        return ['smtp:', 'smtps:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, 'must be an smtp:// or smtps:// URL'),
  z.strictObject({
    host: z.string().min(1),
    port: z.int().min(1).max(65_535),
    /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
    secure: z.boolean().optional(),
    /** Refuse to send unless the server upgrades with STARTTLS. */
    requireTLS: z.boolean().optional(),
    /** Never upgrade with STARTTLS, even when offered (a local relay). */
    ignoreTLS: z.boolean().optional(),
    auth: z.strictObject({ user: z.string().min(1), pass: z.string() }).optional(),
    tls: z
      .strictObject({
        /** `false` accepts a certificate no CA vouches for (a self-signed relay). */
        rejectUnauthorized: z.boolean().optional(),
        servername: z.string().min(1).optional(),
      })
      .optional(),
  }),
]);
export type SmtpOptions = z.output<typeof SmtpOptions>;

/** The options of `email()`: parsed once by `createPlacet()`, which fails with `INVALID_OPTIONS` naming the paths. */
export const EmailOptions = z.object({
  smtp: SmtpOptions,
  /** The sender: `"Placet <placet@example.com>"` or an address. */
  from: z.string().trim().min(3).max(320),
  /** The server's public origin, for the links in mails: `https://placet.example.com`. */
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL: the public origin of the server' })
    .transform((url) => url.replace(/\/+$/, '')),
  /** Where the Placet router is mounted on that origin. */
  apiPath: Path.default('/api/v1'),
  /** Where the dashboard is served on that origin (its inbox is `<dashboardPath>#/inbox/<id>`). */
  dashboardPath: Path.default('/'),
  /** How long an action link works (it is single-use, and useless once its review is answered or expired). */
  tokenTtlMs: z
    .int()
    .min(60_000)
    .max(90 * 24 * 3600_000)
    .default(DEFAULT_TOKEN_TTL_MS),
});
export type EmailOptionsInput = z.input<typeof EmailOptions>;
export type EmailOptions = z.output<typeof EmailOptions>;
