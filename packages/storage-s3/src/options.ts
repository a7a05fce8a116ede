import type { S3Client } from '@aws-sdk/client-s3';
import { PlacetError, z, zodIssues } from '@placet/core/adapter';

const MiB = 1024 * 1024;
/** S3's bounds for one part of a multipart upload (the last part may be smaller). */
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * 1024 * MiB;

/**
 * Duck-typed rather than `instanceof S3Client`: a host's client may come from another copy of the SDK.
 * `send` runs the commands, `config` is read by lib-storage's Upload, `destroy` proves it is a client.
 */
function isS3Client(value: unknown): value is S3Client {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { send?: unknown; config?: unknown; destroy?: unknown };
  return (
    typeof candidate.send === 'function' &&
    typeof candidate.destroy === 'function' &&
    typeof candidate.config === 'object' &&
    candidate.config !== null
  );
}

const CredentialsSchema = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
});

/** Options of the client made by the store; not allowed next to a host's `client`. */
const CLIENT_SETTINGS = ['endpoint', 'region', 'forcePathStyle', 'credentials', 'checksums'] as const;

/** Options of `s3FileStore()`. Unknown keys are ignored, as in the core's options. */
export const S3FileStoreOptionsSchema = z
  .object({
    /**
     * A client the host made and owns (its own retries, agents, credentials): used as it is and never
     * destroyed by `close()`. Without it the store makes one from the settings below and destroys it.
     */
    client: z.custom<S3Client>(isS3Client, 'must be an S3Client from @aws-sdk/client-s3').optional(),
    /** The bucket that holds the objects; it must exist (the store never creates or deletes buckets). */
    bucket: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9._-]+$/, 'must be a bucket name (letters, digits, dots, hyphens, underscores)'),
    /**
     * An S3-compatible service (MinIO, Ceph, R2, …): `https://s3.example.com`, `http://127.0.0.1:9000`.
     * Without it: AWS S3 in `region`.
     */
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** Default: the AWS SDK's own lookup (AWS_REGION, the profile), or `us-east-1` when `endpoint` is set. */
    region: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'must be a region name (lowercase letters, digits, hyphens)')
      .optional(),
    /** `bucket` in the path (`endpoint/bucket/key`), not the host name; most self-hosted stores need it. */
    forcePathStyle: z.boolean().optional(),
    /** Default: the AWS SDK's credential chain (AWS_* variables, profile, instance or task role). */
    credentials: CredentialsSchema.optional(),
    /**
     * Whether the SDK adds its optional integrity checksums (CRC32) to requests and checks them in
     * responses. Several S3-compatible stores refuse or mangle them, so the default is `when-required`
     * with an `endpoint` and `when-supported` (the SDK's default) on AWS.
     */
    checksums: z.enum(['when-supported', 'when-required']).optional(),
    /**
     * Prepended to every key (`placet/` stores `c1/a1` as `placet/c1/a1`): several stores or other data
     * can share one bucket. Letters, digits and `!-_.*'()/`, no leading `/`, no empty or `..` segment;
     * a missing trailing `/` is added.
     */
    prefix: z
      .string()
      .max(512)
      .regex(
        /^(?:[A-Za-z0-9!_.*'()-]+\/)*[A-Za-z0-9!_.*'()-]*$/,
        "must be key segments joined by / (letters, digits, !-_.*'()), without a leading /",
      )
      .refine((p) => !p.split('/').includes('..') && !p.split('/').includes('.'), 'must not contain . or ..')
      .default(''),
    /**
     * Bytes per part of a multipart upload (5 MiB to 5 GiB). An upload of at most one part is sent as one
     * PutObject; a larger one as parts, of which `queueSize` are in flight at once. Memory per upload is
     * about `partSize × (queueSize + 1)`.
     */
    partSize: z.number().int().min(MIN_PART_SIZE).max(MAX_PART_SIZE).default(MIN_PART_SIZE),
    /** Parts of one upload sent in parallel. */
    queueSize: z.number().int().min(1).max(16).default(4),
  })
  .superRefine((options, ctx) => {
    if (options.client === undefined) return;
    for (const name of CLIENT_SETTINGS) {
      if (options[name] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'not allowed with client: configure the client instead',
        });
      }
    }
  });

export type S3FileStoreOptions = z.input<typeof S3FileStoreOptionsSchema>;

export interface ResolvedS3FileStoreOptions {
  /** The host's client, or `undefined` when the store makes (and owns) its own from `clientConfig`. */
  readonly client: S3Client | undefined;
  /** What `new S3Client()` gets when the store makes its own. */
  readonly clientConfig: Readonly<{
    endpoint?: string;
    region?: string;
    forcePathStyle?: boolean;
    credentials?: Readonly<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
    requestChecksumCalculation: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
    responseChecksumValidation: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  }>;
  readonly bucket: string;
  /** Empty, or ending with `/`. */
  readonly prefix: string;
  readonly partSize: number;
  readonly queueSize: number;
}

/** Parses once and freezes; an invalid option throws INVALID_OPTIONS listing paths, never values. */
export function parseS3FileStoreOptions(input: unknown): ResolvedS3FileStoreOptions {
  const result = S3FileStoreOptionsSchema.safeParse(input);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new PlacetError(
      'INVALID_OPTIONS',
      `Invalid s3FileStore() options: ${issues.map((i) => i.path || '(root)').join(', ')}`,
      { issues },
    );
  }
  const o = result.data;
  const checksums =
    (o.checksums ?? (o.endpoint === undefined ? 'when-supported' : 'when-required')) === 'when-supported'
      ? 'WHEN_SUPPORTED'
      : 'WHEN_REQUIRED';
  const region = o.region ?? (o.endpoint === undefined ? undefined : 'us-east-1');
  return Object.freeze({
    client: o.client,
    clientConfig: Object.freeze({
      ...(o.endpoint === undefined ? {} : { endpoint: o.endpoint }),
      ...(region === undefined ? {} : { region }),
      ...(o.forcePathStyle === undefined ? {} : { forcePathStyle: o.forcePathStyle }),
      ...(o.credentials === undefined ? {} : { credentials: Object.freeze({ ...o.credentials }) }),
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
    }),
    bucket: o.bucket,
    prefix: o.prefix === '' || o.prefix.endsWith('/') ? o.prefix : `${o.prefix}/`,
    partSize: o.partSize,
    queueSize: o.queueSize,
  });
}
