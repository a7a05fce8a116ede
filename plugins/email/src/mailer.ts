import { createTransport, type SMTPTransportOptions } from 'nodemailer';
import type { SmtpOptions } from './options.js';

/** One mail as the plugin composes it. */
export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** `<…@host>`: stable per notification, so a resent mail has the Message-ID of the first. */
  messageId: string;
  headers: Record<string, string>;
  /** Threads the mails about one review together. */
  references?: string;
}

/** Sends mails over SMTP; `close()` ends the transport. */
export interface Mailer {
  send(mail: OutgoingMail, signal: AbortSignal): Promise<void>;
  close(): void;
}

// Shorter than nodemailer's defaults (2 min to connect, 10 min idle): an attempt that hangs is retried
// by the engine anyway, and it holds up the deliveries behind it meanwhile.
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };

/** Query parameters of a URL that would pick another transport, or turn nodemailer's logging on. */
const NOT_FROM_A_QUERY = new Set([
  'pool',
  'sendmail',
  'streamTransport',
  'jsonTransport',
  'SES',
  'service',
  'url',
]);

/** `'30000'` → 30000, `'true'` → true, as nodemailer reads a query value; anything else stays text. */
function queryValue(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
}

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * The transport settings of an SMTP URL, as nodemailer documents them: `smtp://` (STARTTLS when offered,
 * port 587 by default) or `smtps://` (TLS from the first byte, port 465), the user and password
 * percent-decoded, and the query's options (`?ignoreTLS=true`, `?tls.rejectUnauthorized=false`,
 * `?socketTimeout=30000`) where the rest of the URL does not set them.
 */
export function smtpUrlSettings(url: string): SMTPTransportOptions {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const settings: Record<string, unknown> = {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
  };
  if (parsed.username || parsed.password)
    settings.auth = { user: decoded(parsed.username), pass: decoded(parsed.password) };
  const tls: Record<string, unknown> = {};
  for (const [key, text] of parsed.searchParams) {
    const nested = key.startsWith('tls.');
    const name = nested ? key.slice(4) : key;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name) || (!nested && NOT_FROM_A_QUERY.has(name))) continue;
    const into = nested ? tls : settings;
    if (!(name in into)) into[name] = queryValue(text);
  }
  if (Object.keys(tls).length > 0 && !('tls' in settings)) settings.tls = tls;
  return settings as SMTPTransportOptions;
}

/** An SMTP transport (one connection per mail) with nodemailer's own logging off: it would print the envelope. */
export function smtpMailer(smtp: SmtpOptions, from: string): Mailer {
  // A URL's query may set more options, timeouts included; logging stays off whatever it says.
  const settings = typeof smtp === 'string' ? smtpUrlSettings(smtp) : smtp;
  const transport = createTransport({ ...TIMEOUTS, ...settings, logger: false, debug: false });
  return {
    async send(mail, signal) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
        ...(mail.references ? { references: mail.references, inReplyTo: mail.references } : {}),
        // Nothing a mail says is fetched from elsewhere: no attachments by path or URL, ever.
        disableFileAccess: true,
        disableUrlAccess: true,
        signal,
      });
    },
    close: () => transport.close(),
  };
}

const REASONS: Record<string, string> = {
  ECONNECTION: 'the connection failed',
  ESOCKET: 'the connection failed',
  ETIMEDOUT: 'timed out',
  EDNS: 'the host name did not resolve',
  ETLS: 'TLS failed',
  EREQUIRETLS: 'the server does not support REQUIRETLS',
  EPROTOCOL: 'unexpected answer from the server',
  EAUTH: 'authentication failed',
  ENOAUTH: 'no credentials for a server that requires them',
  EENVELOPE: 'the server refused the sender or the recipient',
  EMESSAGE: 'the server refused the message',
  EABORT: 'the attempt was cut short',
  ECONFIG: 'invalid transport configuration',
};

/**
 * What went wrong, for the delivery log: built from nodemailer's codes only (`ESOCKET`, `ECONNREFUSED`,
 * the SMTP reply code), never from its messages or the server's reply text, which may echo the user name,
 * the address or, in a misconfigured URL, the password. A permanent refusal (5xx) of the recipient or
 * the message is not retried.
 */
export function smtpFailure(error: unknown): { error: string; retry: boolean } {
  const e = (error ?? {}) as {
    code?: unknown;
    originalCode?: unknown;
    responseCode?: unknown;
    permanent?: unknown;
  };
  const code = typeof e.code === 'string' && /^[A-Z0-9_]{2,32}$/.test(e.code) ? e.code : undefined;
  const original =
    typeof e.originalCode === 'string' && /^[A-Z0-9_]{2,32}$/.test(e.originalCode)
      ? e.originalCode
      : undefined;
  const reply =
    typeof e.responseCode === 'number' && Number.isInteger(e.responseCode) ? e.responseCode : undefined;
  const reason = (code && REASONS[code]) ?? 'sending failed';
  const details = [code, original, reply].filter((part) => part !== undefined).join(' ');
  const permanent = e.permanent === true && (code === 'EENVELOPE' || code === 'EMESSAGE');
  return { error: `smtp: ${reason}${details ? ` (${details})` : ''}`, retry: !permanent };
}
