// `http_ece` (RFC 8188, as Web Push uses it: RFC 8291) ships no types: the part of its API that
// `@placet/test-utils/push-service` uses. Part of this package's sources, so `tsc -b` and the root
// type check see it; the published declarations never name `http_ece`.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  export interface DecryptParams {
    version: 'aes128gcm' | 'aesgcm';
    /** The receiver's key pair (the browser's `p256dh`). */
    privateKey?: ECDH;
    /** The subscription's `auth` secret (a string is read as base64url). */
    authSecret?: string | Buffer;
    /** The sender's public key (`aesgcm` only: `aes128gcm` carries it in the body). */
    dh?: string | Buffer;
  }
  export function decrypt(buffer: Buffer, params: DecryptParams): Buffer;
  const ece: { decrypt: typeof decrypt };
  export default ece;
}
