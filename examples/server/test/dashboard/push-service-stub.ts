import { createECDH, type ECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import { importJWK, type JWTPayload, jwtVerify } from 'jose';

/**
 * A push service on loopback, for the browser tests: Chromium headless cannot reach a real one, so the page's
 * `PushManager.subscribe` is stubbed (see {@link subscribeStubScript}) to hand out a subscription whose
 * endpoint is this server and whose keys were made here. Each push that arrives is decrypted (RFC 8291,
 * `aes128gcm`) with the subscription's private key and auth secret, and its VAPID JWT (RFC 8292) verified.
 */
export interface PushStub {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The one subscription this stub serves: what `PushSubscription.toJSON()` gives. */
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  /** Every push received, in order. */
  received: ReceivedPush[];
  /** The status the next pushes get (201 by default; 410: "this subscription is gone"). */
  answer: number;
  close(): Promise<void>;
}

export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  /** The status this push was answered with. */
  status: number;
  /** The decrypted payload, or the decryption's error. */
  payload: unknown;
  error?: string;
  /** The VAPID claims (verified with the key in the `Authorization` header) and that key. */
  vapid?: { claims: JWTPayload; publicKey: string };
  vapidError?: string;
}

/** Checks `Authorization: vapid t=<jwt>, k=<public key>` and returns the JWT's claims. */
async function verifyVapid(header: string | undefined): Promise<{ claims: JWTPayload; publicKey: string }> {
  const match = /^vapid\s+t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/i.exec(header ?? '');
  if (!match) throw new Error(`no VAPID authorization: ${header ?? '(none)'}`);
  const [, token, publicKey] = match as unknown as [string, string, string];
  const raw = Buffer.from(publicKey, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = await importJWK(
    {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    'ES256',
  );
  const { payload, protectedHeader } = await jwtVerify(token, key, { algorithms: ['ES256'] });
  if (protectedHeader.typ && protectedHeader.typ !== 'JWT') throw new Error(`typ ${protectedHeader.typ}`);
  return { claims: payload, publicKey };
}

function decryptPush(body: Buffer, ecdh: ECDH, auth: Buffer): unknown {
  const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth });
  return JSON.parse(plain.toString('utf8'));
}

export async function startPushStub(): Promise<PushStub> {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const id = randomBytes(8).toString('hex');
  const received: ReceivedPush[] = [];
  const stub = { answer: 201 } as PushStub;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const status = req.method === 'POST' && req.url === `/push/${id}` ? stub.answer : 404;
        const entry: ReceivedPush = { path: req.url ?? '', headers: req.headers, status, payload: undefined };
        try {
          entry.payload = decryptPush(Buffer.concat(chunks), ecdh, auth);
        } catch (error) {
          entry.error = error instanceof Error ? error.message : String(error);
        }
        try {
          entry.vapid = await verifyVapid(req.headers.authorization);
        } catch (error) {
          entry.vapidError = error instanceof Error ? error.message : String(error);
        }
        received.push(entry);
        res.writeHead(status).end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(stub, {
    origin,
    subscription: {
      endpoint: `${origin}/push/${id}`,
      keys: { p256dh: ecdh.getPublicKey('base64url'), auth: auth.toString('base64url') },
    },
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/**
 * An init script for the page: `PushManager.prototype.subscribe` returns the stub's subscription (and
 * records the `applicationServerKey` it was given, base64url, in `window.__placetPushKey`);
 * `getSubscription` returns it until `unsubscribe()`.
 */
export function subscribeStubScript(subscription: PushStub['subscription']): string {
  return `(() => {
    const sub = ${JSON.stringify(subscription)};
    let current = null;
    const toBase64url = (key) => {
      if (!key) return null;
      const bytes = key instanceof ArrayBuffer ? new Uint8Array(key) : new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
      return btoa(String.fromCharCode(...bytes)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    };
    const make = (options) => ({
      endpoint: sub.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: !!options.userVisibleOnly, applicationServerKey: null },
      getKey: () => null,
      toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: { ...sub.keys } }),
      unsubscribe: async () => { current = null; window.__placetPushUnsubscribed = (window.__placetPushUnsubscribed || 0) + 1; return true; },
    });
    if (typeof PushManager === 'undefined') return;
    PushManager.prototype.subscribe = async function (options = {}) {
      window.__placetPushKey = toBase64url(options.applicationServerKey);
      window.__placetPushUserVisibleOnly = options.userVisibleOnly === true;
      current = make(options);
      return current;
    };
    PushManager.prototype.getSubscription = async function () { return current; };
  })();`;
}
