// The part of `http_ece` (RFC 8188, as Web Push uses it: RFC 8291) that the push-service stub uses.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  export interface DecryptParams {
    version: 'aes128gcm';
    /** The receiver's key pair (the browser's `p256dh`). */
    privateKey: ECDH;
    /** The subscription's `auth` secret. */
    authSecret: Buffer;
  }
  export function decrypt(buffer: Buffer, params: DecryptParams): Buffer;
  const ece: { decrypt: typeof decrypt };
  export default ece;
}
