import { resolve } from 'node:path';
import { API_KEY_PATTERN, z } from '@placet/core/contract';
import { type S3FileStoreOptions, S3FileStoreOptionsSchema } from '@placet/storage-s3';

/** Every setting, from the environment, with its default: also what `--help` prints. */
export const SETTINGS = [
  ['PORT', '3001', 'HTTP port (alias BACKEND_PORT, as in the original)'],
  ['HOST', '127.0.0.1', 'address to bind; 0.0.0.0 to listen on every interface'],
  ['PLACET_DATA_DIR', './data', 'SQLite database (placet.db) and uploaded files (files/)'],
  [
    'S3_BUCKET',
    '(files on disk in PLACET_DATA_DIR/files)',
    'keep uploaded files in this S3 bucket (AWS or any S3-compatible store) instead; the bucket must exist',
  ],
  ['S3_ENDPOINT', '(AWS S3)', 'URL of an S3-compatible store, e.g. http://127.0.0.1:9000'],
  ['S3_REGION', "(the AWS SDK's: AWS_REGION; us-east-1 with S3_ENDPOINT)", 'region of the bucket'],
  [
    'S3_FORCE_PATH_STYLE',
    'false',
    'true: the bucket in the path (endpoint/bucket/key), as most self-hosted stores need',
  ],
  [
    'S3_ACCESS_KEY_ID',
    "(the AWS SDK's chain: AWS_* variables, profile, instance role)",
    'access key of the bucket, with S3_SECRET_ACCESS_KEY',
  ],
  ['S3_SECRET_ACCESS_KEY', '(with S3_ACCESS_KEY_ID)', 'its secret (never printed)'],
  ['S3_PREFIX', '(none)', 'prefix of every key in the bucket, e.g. placet/ (to share a bucket)'],
  [
    'DATABASE_URL',
    '(SQLite in PLACET_DATA_DIR)',
    'postgres://… for Postgres, file:/path/placet.db for another SQLite file',
  ],
  [
    'DATABASE_PREPARED_STATEMENTS',
    'on',
    'off behind a Postgres pooler in transaction mode that cannot keep prepared statements (PgBouncer < 1.21)',
  ],
  ['INITIAL_USER_EMAIL', 'admin@placet.local', 'the owner created on first start'],
  [
    'INITIAL_USER_PASSWORD',
    '(generated, printed once)',
    'their password (a generated one must be changed at first sign-in)',
  ],
  ['PLACET_API_KEY', '(generated, printed once)', 'pins the first API key (hp_ + 48 hex)'],
  ['CORS_ORIGIN', '(none)', 'comma-separated origins allowed to call the API from a browser, or *'],
  [
    'WEBHOOK_ALLOW_HOSTS',
    '(none)',
    'hosts or CIDRs webhooks may reach although private, each optionally with :port (e.g. 127.0.0.1:9000,hooks.internal:8443,[::1]:9000); all else private is refused. Without a port an entry opens every port: 127.0.0.1/32 lets any tenant reach every local service',
  ],
  [
    'PLACET_PUBLIC_URL',
    '(none)',
    'the origin people reach this server at, e.g. https://placet.example.com: links in e-mails and push notifications (needed by SMTP_URL)',
  ],
  [
    'SMTP_URL',
    '(none: no e-mail)',
    'turns e-mail notifications on: smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465; the password is never printed',
  ],
  [
    'SMTP_FROM',
    '(placet@ the host of PLACET_PUBLIC_URL)',
    'sender of the mails, e.g. "Placet <placet@example.com>"',
  ],
  [
    'WEBPUSH',
    'off',
    'on: Web Push notifications ("notify me on this device" in the dashboard), with VAPID keys made on first start and kept in the database',
  ],
  [
    'WEBPUSH_VAPID_PUBLIC_KEY',
    '(generated)',
    'your own VAPID key pair, with WEBPUSH_VAPID_PRIVATE_KEY (never printed); setting them turns WEBPUSH on',
  ],
  ['WEBPUSH_VAPID_PRIVATE_KEY', '(generated)', 'its private key'],
  [
    'WEBPUSH_SUBJECT',
    '(PLACET_PUBLIC_URL, else mailto:INITIAL_USER_EMAIL)',
    'the VAPID contact: mailto:… or https://…',
  ],
  [
    'WEBPUSH_ALLOW_HOSTS',
    '(none)',
    'hosts or CIDRs push endpoints may reach although private (a self-hosted push service, a test stub), each optionally with :port (e.g. 127.0.0.1:4321,push.lan:8443,[::1]:9000). Without a port an entry opens every port: 127.0.0.1 lets any signed-in user make the server POST to every local service',
  ],
  [
    'SLACK_BOT_TOKEN',
    '(none: no Slack)',
    "turns Slack on: the Slack app's bot token (xoxb-…), with SLACK_SIGNING_SECRET and PLACET_PUBLIC_URL; never printed",
  ],
  [
    'SLACK_SIGNING_SECRET',
    '(with SLACK_BOT_TOKEN)',
    "the Slack app's signing secret: interactivity requests (POST /api/v1/plugins/slack/interactivity) are checked with it; never printed",
  ],
  ['SLACK_API_URL', 'https://slack.com/api/', 'the Slack Web API base URL (a stand-in for tests)'],
  [
    'SLACK_CHANNELS',
    '(none)',
    'the Slack conversation of each agent, by agent name or id: deploy-bot=C0123456789,ops=C0987654321',
  ],
  ['SLACK_DEFAULT_CHANNEL', '(none)', 'the conversation of agents SLACK_CHANNELS does not name'],
  [
    'SLACK_DIRECT_MESSAGES',
    'on',
    'on: also a DM to each human a review is for (matched by e-mail with users.lookupByEmail); off: conversations only',
  ],
  [
    'SLACK_USERS',
    '(matched by e-mail)',
    'Placet users and their Slack user ids, by e-mail or user id: ada@example.com=U012AB3CD,…',
  ],
  [
    'REMINDER_AFTER_MINUTES',
    '60',
    'remind each recipient once of a review still pending this many minutes after it was asked (at least 1); 0: no reminders',
  ],
  [
    'PLACET_SESSION_SECRET',
    '(a key kept in PLACET_DATA_DIR/session.key)',
    'signs sign-in cookies; set the same value on every process behind one load balancer',
  ],
  [
    'THROTTLE_TTL',
    '60',
    'rate-limit window in seconds (per API key and per user; a long-poll counts once, when it arrives)',
  ],
  ['THROTTLE_LIMIT', '600', 'requests per window; 0 turns rate limiting off'],
  [
    'THROTTLE_WAITS_PER_KEY',
    '100',
    'long-polls (GET /reviews/:id/wait) held open at once per API key; beyond: 429 with Retry-After; 0: no cap',
  ],
  [
    'THROTTLE_WAITS_PER_USER',
    '200',
    "long-polls held open at once per user (all of the user's keys together); 0: no cap",
  ],
  ['TRUST_PROXY', 'loopback', 'Express trust proxy setting: false, true, a hop count, or addresses/subnets'],
  ['LOG_LEVEL', 'info', 'debug | info | warn | error | silent'],
  ['LOG_FORMAT', 'pretty', 'pretty | json (both: one line per entry, with pid and hostname)'],
  [
    'METRICS',
    'off',
    'on: Prometheus metrics at GET /metrics (unauthenticated: expose it to your scraper only, or use METRICS_PORT)',
  ],
  [
    'METRICS_PORT',
    '(none: /metrics on PORT)',
    'serve /metrics on this port of HOST instead of the API port; setting it turns METRICS on',
  ],
  [
    'SHUTDOWN_DELAY',
    '0',
    'seconds between SIGTERM and closing: readiness (/ready) answers 503 meanwhile so a load balancer stops sending traffic',
  ],
  [
    'PLACET_TEST_HOOKS',
    '(off)',
    'testing only: 1 makes SIGUSR2 close every WebSocket (clients reconnect and resume)',
  ],
] as const;

/** Variables of the original that do not apply here: reported at start, never silently ignored. */
export const IGNORED_VARIABLES = [/^JWT_SECRET$/, /^MINIO_/, /^VAPID_/, /^APP_URL$/];

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  BACKEND_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PLACET_DATA_DIR: z.string().min(1).default('./data'),
  // Checked by @placet/storage-s3's own schema in s3Settings(), under these names.
  S3_BUCKET: z.string().optional(),
  S3_ENDPOINT: z.string().optional(),
  S3_REGION: z.string().optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_PREFIX: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|file:)/, 'must start with postgres:// or file:')
    .optional(),
  DATABASE_PREPARED_STATEMENTS: z.enum(['on', 'off']).default('on'),
  INITIAL_USER_EMAIL: z.email().default('admin@placet.local'),
  INITIAL_USER_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  PLACET_API_KEY: z.string().regex(API_KEY_PATTERN, 'must be hp_ followed by 48 hex characters').optional(),
  CORS_ORIGIN: z.string().optional(),
  WEBHOOK_ALLOW_HOSTS: z.string().optional(),
  PLACET_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PLACET_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://placet.example.com' })
    .optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be smtp://… or smtps://…' }).optional(),
  SMTP_FROM: z.string().min(3).max(320).optional(),
  WEBPUSH: z.enum(['on', 'off']).optional(),
  WEBPUSH_VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{80,100}$/, 'must be a VAPID public key (base64url)')
    .optional(),
  WEBPUSH_VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{40,50}$/, 'must be a VAPID private key (base64url)')
    .optional(),
  WEBPUSH_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'must start with mailto: or https://')
    .optional(),
  WEBPUSH_ALLOW_HOSTS: z.string().optional(),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  SLACK_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  SLACK_CHANNELS: z.string().optional(),
  SLACK_DEFAULT_CHANNEL: z.string().optional(),
  SLACK_DIRECT_MESSAGES: z.enum(['on', 'off']).optional(),
  SLACK_USERS: z.string().optional(),
  REMINDER_AFTER_MINUTES: z.coerce.number().int().min(0).max(525_600).default(60),
  THROTTLE_TTL: z.coerce.number().int().min(1).max(86_400).default(60),
  THROTTLE_LIMIT: z.coerce.number().int().min(0).default(600),
  THROTTLE_WAITS_PER_KEY: z.coerce.number().int().min(0).default(100),
  THROTTLE_WAITS_PER_USER: z.coerce.number().int().min(0).default(200),
  TRUST_PROXY: z.string().default('loopback'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
  METRICS: z.enum(['on', 'off']).optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SHUTDOWN_DELAY: z.coerce.number().min(0).max(300).default(0),
  PLACET_TEST_HOOKS: z.enum(['0', '1']).default('0'),
});

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  database:
    | { kind: 'sqlite'; filename: string }
    | { kind: 'postgres'; url: string; preparedStatements: boolean };
  /** Uploaded files on S3 (`S3_BUCKET` set): the options of `s3FileStore()`. Unset: on disk, in `dataDir/files`. */
  s3: S3FileStoreOptions | undefined;
  initialUser: { email: string; password: string | undefined };
  apiKey: string | undefined;
  corsOrigins: string[] | '*' | undefined;
  webhookAllowHosts: string[];
  sessionSecret: string | undefined;
  rateLimit: { windowMs: number; max: number } | false;
  /** Long-polls held open at once per API key and per user (`false`: no cap). */
  concurrentWaits: { perKey: number; perUser: number } | false;
  trustProxy: boolean | number | string;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  logFormat: 'pretty' | 'json';
  /** Prometheus metrics: off, on the API port (`port` undefined), or on a port of their own. */
  metrics: { port: number | undefined } | false;
  /** Between SIGTERM and closing, readiness answers 503 for this long (ms). */
  shutdownDelayMs: number;
  /** Test hooks (SIGUSR2 drops every WebSocket). */
  testHooks: boolean;
  /** Where people reach the server (links in notifications). */
  publicUrl: string | undefined;
  /** E-mail notifications (`SMTP_URL`), or off. */
  email: { smtp: string; from: string } | undefined;
  /** Web Push notifications (`WEBPUSH`), or off. */
  webPush:
    | { vapid: { publicKey: string; privateKey: string } | undefined; subject: string; allowHosts: string[] }
    | undefined;
  /** Slack (`SLACK_BOT_TOKEN`): the options of `slack()` but the public URL, or off. */
  slack:
    | {
        botToken: string;
        signingSecret: string;
        apiUrl: string | undefined;
        channels: Record<string, string>;
        defaultChannel: string | undefined;
        directMessages: boolean;
        users: Record<string, string>;
      }
    | undefined;
  /** Reminders of pending reviews after this long; null: none. */
  reminderAfterMs: number | null;
  ignored: string[];
}

/** `0` in a THROTTLE_WAITS_* setting: no cap at that level. */
const noCapIfZero = (n: number) => (n === 0 ? Number.MAX_SAFE_INTEGER : n);

/** Parses the environment; an invalid value is an error naming the variable (never echoing it). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = Env.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw configError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const s3 = s3Settings(e);
  const dataDir = resolve(e.PLACET_DATA_DIR);
  const url = e.DATABASE_URL;
  return {
    port: e.PORT ?? e.BACKEND_PORT ?? 3001,
    host: e.HOST,
    dataDir,
    database: url?.startsWith('postgres')
      ? { kind: 'postgres', url, preparedStatements: e.DATABASE_PREPARED_STATEMENTS === 'on' }
      : {
          kind: 'sqlite',
          filename: url ? resolve(url.replace(/^file:(\/\/)?/, '')) : resolve(dataDir, 'placet.db'),
        },
    s3,
    initialUser: { email: e.INITIAL_USER_EMAIL, password: e.INITIAL_USER_PASSWORD },
    apiKey: e.PLACET_API_KEY,
    corsOrigins:
      e.CORS_ORIGIN === undefined
        ? undefined
        : e.CORS_ORIGIN.trim() === '*'
          ? '*'
          : e.CORS_ORIGIN.split(',')
              .map((o) => o.trim())
              .filter(Boolean),
    rateLimit: e.THROTTLE_LIMIT === 0 ? false : { windowMs: e.THROTTLE_TTL * 1000, max: e.THROTTLE_LIMIT },
    concurrentWaits:
      e.THROTTLE_WAITS_PER_KEY === 0 && e.THROTTLE_WAITS_PER_USER === 0
        ? false
        : { perKey: noCapIfZero(e.THROTTLE_WAITS_PER_KEY), perUser: noCapIfZero(e.THROTTLE_WAITS_PER_USER) },
    trustProxy:
      e.TRUST_PROXY === 'true'
        ? true
        : e.TRUST_PROXY === 'false'
          ? false
          : /^\d+$/.test(e.TRUST_PROXY)
            ? Number(e.TRUST_PROXY)
            : e.TRUST_PROXY,
    sessionSecret: e.PLACET_SESSION_SECRET,
    webhookAllowHosts: (e.WEBHOOK_ALLOW_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    metrics:
      e.METRICS === 'on' || (e.METRICS === undefined && e.METRICS_PORT !== undefined)
        ? { port: e.METRICS_PORT }
        : false,
    shutdownDelayMs: Math.round(e.SHUTDOWN_DELAY * 1000),
    testHooks: e.PLACET_TEST_HOOKS === '1',
    ...notificationSettings(e),
    ignored: Object.keys(env).filter((name) => IGNORED_VARIABLES.some((re) => re.test(name))),
  };
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** E-mail and Web Push from their variables; a half-configured pair is an error naming what is missing. */
function notificationSettings(
  e: z.infer<typeof Env>,
): Pick<ServerConfig, 'publicUrl' | 'email' | 'webPush' | 'slack' | 'reminderAfterMs'> {
  const problems: string[] = [];
  const publicUrl = e.PLACET_PUBLIC_URL?.replace(/\/+$/, '');
  if (e.SMTP_URL !== undefined && publicUrl === undefined)
    problems.push('SMTP_URL: needs PLACET_PUBLIC_URL (the links in the mails point there)');
  if (e.SMTP_FROM !== undefined && e.SMTP_URL === undefined) problems.push('SMTP_FROM: needs SMTP_URL');
  if ((e.WEBPUSH_VAPID_PUBLIC_KEY === undefined) !== (e.WEBPUSH_VAPID_PRIVATE_KEY === undefined))
    problems.push(
      'WEBPUSH_VAPID_PUBLIC_KEY, WEBPUSH_VAPID_PRIVATE_KEY: set both, or neither (then they are generated)',
    );
  const webPushOn =
    e.WEBPUSH === 'on' || (e.WEBPUSH === undefined && e.WEBPUSH_VAPID_PUBLIC_KEY !== undefined);
  if (!webPushOn && (e.WEBPUSH_SUBJECT !== undefined || e.WEBPUSH_ALLOW_HOSTS !== undefined))
    problems.push('WEBPUSH_SUBJECT, WEBPUSH_ALLOW_HOSTS: need WEBPUSH=on');
  const slack = slackSettings(e, publicUrl, problems);
  if (problems.length > 0) throw configError(problems);
  return {
    publicUrl,
    slack,
    email:
      e.SMTP_URL === undefined
        ? undefined
        : { smtp: e.SMTP_URL, from: e.SMTP_FROM ?? `Placet <placet@${new URL(publicUrl!).hostname}>` },
    webPush: webPushOn
      ? {
          vapid:
            e.WEBPUSH_VAPID_PUBLIC_KEY && e.WEBPUSH_VAPID_PRIVATE_KEY
              ? { publicKey: e.WEBPUSH_VAPID_PUBLIC_KEY, privateKey: e.WEBPUSH_VAPID_PRIVATE_KEY }
              : undefined,
          subject:
            e.WEBPUSH_SUBJECT ??
            (publicUrl?.startsWith('https://') ? publicUrl : `mailto:${e.INITIAL_USER_EMAIL}`),
          allowHosts: list(e.WEBPUSH_ALLOW_HOSTS),
        }
      : undefined,
    reminderAfterMs: e.REMINDER_AFTER_MINUTES === 0 ? null : e.REMINDER_AFTER_MINUTES * 60_000,
  };
}

/** `name=value,…` pairs (SLACK_CHANNELS, SLACK_USERS); a malformed item is a problem naming the variable. */
function pairs(name: string, value: string | undefined, problems: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of list(value)) {
    const at = item.lastIndexOf('=');
    const key = item.slice(0, at).trim();
    const target = item.slice(at + 1).trim();
    if (at <= 0 || !key || !target)
      problems.push(`${name}: each item is name=ID, e.g. deploy-bot=C0123456789`);
    else result[key] = target;
  }
  return result;
}

/** Slack from its variables: the token and the signing secret together, and a public URL for the links. */
function slackSettings(
  e: z.infer<typeof Env>,
  publicUrl: string | undefined,
  problems: string[],
): ServerConfig['slack'] {
  const others = [
    'SLACK_API_URL',
    'SLACK_CHANNELS',
    'SLACK_DEFAULT_CHANNEL',
    'SLACK_DIRECT_MESSAGES',
    'SLACK_USERS',
  ] as const;
  if (e.SLACK_BOT_TOKEN === undefined) {
    const stray = [...others, 'SLACK_SIGNING_SECRET' as const].filter((name) => e[name] !== undefined);
    if (stray.length > 0) problems.push(`${stray.join(', ')}: need SLACK_BOT_TOKEN`);
    return undefined;
  }
  if (e.SLACK_SIGNING_SECRET === undefined)
    problems.push('SLACK_BOT_TOKEN: needs SLACK_SIGNING_SECRET (Slack signs the button clicks with it)');
  if (publicUrl === undefined)
    problems.push('SLACK_BOT_TOKEN: needs PLACET_PUBLIC_URL (the links and the interactivity URL are there)');
  const channels = pairs('SLACK_CHANNELS', e.SLACK_CHANNELS, problems);
  const users = pairs('SLACK_USERS', e.SLACK_USERS, problems);
  return {
    botToken: e.SLACK_BOT_TOKEN,
    signingSecret: e.SLACK_SIGNING_SECRET ?? '',
    apiUrl: e.SLACK_API_URL,
    channels,
    defaultChannel: e.SLACK_DEFAULT_CHANNEL,
    directMessages: e.SLACK_DIRECT_MESSAGES !== 'off',
    users,
  };
}

function configError(problems: string[]): Error {
  return new Error(
    `Invalid configuration:\n  ${problems.join('\n  ')}\nRun with --help for the list of settings.`,
  );
}

/** The variable behind each option of `s3FileStore()`, to name it in errors. */
const S3_VARIABLES: Record<string, string> = {
  bucket: 'S3_BUCKET',
  endpoint: 'S3_ENDPOINT',
  region: 'S3_REGION',
  forcePathStyle: 'S3_FORCE_PATH_STYLE',
  'credentials.accessKeyId': 'S3_ACCESS_KEY_ID',
  'credentials.secretAccessKey': 'S3_SECRET_ACCESS_KEY',
  prefix: 'S3_PREFIX',
};

/**
 * `s3FileStore()` options from the S3_* variables, checked by the package's own schema (errors name the
 * variable, never its value). Any S3_* without S3_BUCKET is an error rather than files silently on disk.
 */
function s3Settings(e: z.infer<typeof Env>): S3FileStoreOptions | undefined {
  if (e.S3_BUCKET === undefined) {
    const stray = Object.values(S3_VARIABLES).filter((name) => e[name as keyof typeof e] !== undefined);
    if (stray.length === 0) return undefined;
    throw configError(stray.map((name) => `${name}: needs S3_BUCKET (files are on S3 only when it is set)`));
  }
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    throw configError([
      'S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both, or neither (then the AWS SDK finds credentials)',
    ]);
  }
  const options: S3FileStoreOptions = {
    bucket: e.S3_BUCKET,
    ...(e.S3_ENDPOINT === undefined ? {} : { endpoint: e.S3_ENDPOINT }),
    ...(e.S3_REGION === undefined ? {} : { region: e.S3_REGION }),
    ...(e.S3_FORCE_PATH_STYLE === undefined
      ? {}
      : { forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true' || e.S3_FORCE_PATH_STYLE === '1' }),
    ...(e.S3_ACCESS_KEY_ID === undefined || e.S3_SECRET_ACCESS_KEY === undefined
      ? {}
      : { credentials: { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } }),
    ...(e.S3_PREFIX === undefined ? {} : { prefix: e.S3_PREFIX }),
  };
  const checked = S3FileStoreOptionsSchema.safeParse(options);
  if (!checked.success) {
    throw configError(
      checked.error.issues.map((i) => {
        const path = i.path.join('.');
        return `${S3_VARIABLES[path] ?? path}: ${i.message}`;
      }),
    );
  }
  return options;
}

export function helpText(): string {
  const width = Math.max(...SETTINGS.map(([name]) => name.length));
  const lines = SETTINGS.map(
    ([name, def, what]) => `  ${name.padEnd(width)}  ${what}\n  ${' '.repeat(width)}  default: ${def}`,
  );
  return [
    'Placet server — the human-in-the-loop inbox for AI agents.',
    '',
    'Usage: npm start            (from the repository root)',
    '       node examples/server/dist/main.js [--help]',
    '',
    'Settings (environment variables):',
    ...lines,
    '',
    'API: /api/v1 (agents: x-api-key), sign-in: /api/auth/login, liveness: /health, readiness: /ready',
  ].join('\n');
}
