import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { API_KEY_PATTERN } from '../contract/common.js';
import { PlacetError } from '../errors/placet-error.js';

/** `hp_` + 48 hex characters (24 random bytes), as the original. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `hp_${randomBytes(24).toString('hex')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 11) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export { API_KEY_PATTERN };

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

/** 128 random bits, URL-safe: session ids and other bearer-ish identifiers that must not be guessed. */
export function newSecretId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * scrypt runs on libuv's thread pool (4 threads by default), which file reads and DNS look-ups share:
 * a burst of password guesses must never starve a download. At most `concurrency` hashes run at once in
 * this process; up to `maxQueued` wait; beyond that the check is refused at once (429, retry shortly).
 */
export const PASSWORD_HASHING = {
  // One core stays free for the event loop (two on bigger machines): a hash takes a core for ~50 ms.
  concurrency: Math.max(1, Math.min(2, availableParallelism() - 1)),
  maxQueued: 32,
} as const;
let hashing = 0;
const hashQueue: (() => void)[] = [];

async function withHashingSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (hashing >= PASSWORD_HASHING.concurrency) {
    if (hashQueue.length >= PASSWORD_HASHING.maxQueued) {
      throw new PlacetError('RATE_LIMITED', 'Too many password checks at once; retry in a moment', {
        retryAfterSeconds: 1,
      });
    }
    // The slot is handed over by the finishing hash (the count stays as it is).
    await new Promise<void>((resolve) => hashQueue.push(resolve));
  } else {
    hashing++;
  }
  try {
    return await fn();
  } finally {
    const next = hashQueue.shift();
    if (next) next();
    else hashing--;
  }
}

/** Password hashes in progress and waiting (for metrics and tests). */
export function passwordHashingLoad(): { running: number; queued: number } {
  return { running: hashing, queued: hashQueue.length };
}

function scryptAsync(
  password: string,
  salt: Buffer,
  N: number,
  r: number,
  p: number,
  length: number,
): Promise<Buffer> {
  return withHashingSlot(() => scryptNow(password, salt, N, r, p, length));
}

function scryptNow(password: string, salt: Buffer, N: number, r: number, p: number, length: number) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      length,
      { N, r, p, maxmem: 64 * 1024 * 1024 },
      (error, derived) => (error ? reject(error) : resolve(derived)),
    );
  });
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const derived = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLength);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), derived.toString('base64')].join(
    '$',
  );
}

/** Constant-time check of a password against a stored hash; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const derived = await scryptAsync(
    password,
    Buffer.from(salt, 'base64'),
    Number(n),
    Number(r),
    Number(p),
    expected.length,
  );
  return derived.length === expected.length && timingSafeEqual(derived, expected);
}

/**
 * A hash of a random password nobody knows (made once, offline, with the current parameters):
 * `verifyPassword` against it costs what a real check costs, so an unknown email answers as slowly as
 * a wrong password (no account enumeration by time), and nothing has to be computed, or can fail, first.
 */
export const DUMMY_PASSWORD_HASH =
  'scrypt$16384$8$1$ZFlgAOXAeRwr28Rm1XICLA==$7gB8F6XtBWQXoP3EsRuj213pC6cP2GFVj/nzqbgJSt4=';

/** A random password for generated accounts (24 characters, URL-safe). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
