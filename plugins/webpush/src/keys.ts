import { createECDH, type ECDH } from 'node:crypto';

/**
 * The keys of web push: a browser subscription's `p256dh` (its P-256 public key, 65 bytes uncompressed)
 * and `auth` (a 16-byte secret), and the server's VAPID key pair (RFC 8292). All travel as base64url.
 */

/** The bytes of a base64url (or base64, padded or not) text, or undefined when it is neither. */
export function decodeBase64Url(text: string): Buffer | undefined {
  const normalised = text.trim().replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (normalised.length === 0 || !/^[A-Za-z0-9_-]+$/.test(normalised) || normalised.length % 4 === 1)
    return undefined;
  return Buffer.from(normalised, 'base64url');
}

let probe: ECDH | undefined;

/** Whether `bytes` is an uncompressed point on P-256 (what `p256dh` and a VAPID public key must be). */
export function isP256Point(bytes: Buffer): boolean {
  if (bytes.length !== 65 || bytes[0] !== 0x04) return false;
  if (!probe) {
    probe = createECDH('prime256v1');
    probe.generateKeys();
  }
  try {
    probe.computeSecret(bytes); // Throws for a point that is not on the curve.
    return true;
  } catch {
    return false;
  }
}

/** A subscription's `p256dh`, normalised to unpadded base64url; undefined when it is not a P-256 point. */
export function parseP256dh(text: string): string | undefined {
  const bytes = decodeBase64Url(text);
  return bytes && isP256Point(bytes) ? bytes.toString('base64url') : undefined;
}

/** A subscription's `auth` secret, normalised to unpadded base64url; undefined unless it is 16 bytes. */
export function parseAuthSecret(text: string): string | undefined {
  const bytes = decodeBase64Url(text);
  return bytes?.length === 16 ? bytes.toString('base64url') : undefined;
}

/** A VAPID key pair, base64url: the public key is what browsers pass as `applicationServerKey`. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * Checks a VAPID key pair: the public key a P-256 point, the private key 32 bytes, and the one the public
 * key of the other. Returns the pair normalised to unpadded base64url, or a secret-free problem.
 */
export function checkVapidKeys(
  keys: VapidKeys,
): { ok: true; keys: VapidKeys } | { ok: false; problem: string } {
  const publicBytes = decodeBase64Url(keys.publicKey);
  if (!publicBytes || !isP256Point(publicBytes))
    return { ok: false, problem: 'publicKey must be a base64url P-256 public key (65 bytes, uncompressed)' };
  const privateBytes = decodeBase64Url(keys.privateKey);
  if (privateBytes?.length !== 32)
    return { ok: false, problem: 'privateKey must be a base64url P-256 private key (32 bytes)' };
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(privateBytes);
    if (!ecdh.getPublicKey().equals(publicBytes))
      return { ok: false, problem: 'privateKey does not belong to publicKey' };
  } catch {
    return { ok: false, problem: 'privateKey is not a valid P-256 private key' };
  }
  return {
    ok: true,
    keys: { publicKey: publicBytes.toString('base64url'), privateKey: privateBytes.toString('base64url') },
  };
}
