/**
 * A Web Push service on 127.0.0.1:0 that checks what a real one checks, and the browsers subscribed to it
 * (`@placet/test-utils/push-service`; kept out of the main entry so other users never load `http_ece` or
 * `jose`). Each push is verified as a push service would: a `POST` to a known endpoint, `Content-Encoding:
 * aes128gcm`, a `TTL` header, and `Authorization: vapid t=<jwt>, k=<public key>` with an ES256 JWT (RFC
 * 8292) signed by `k`, for this origin, expiring within 24 h, with a contact as `sub`. Then the body is
 * decrypted (RFC 8291) with the private key and auth secret of the device the endpoint belongs to, as the
 * browser would, and parsed as JSON.
 */
import { createECDH, type ECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import { importJWK, type JWTPayload, jwtVerify } from 'jose';

/** What a browser hands to the server: `PushSubscription.toJSON()` without `expirationTime`. */
export interface PushSubscriptionData {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A browser's subscription at the service: what it hands to the server, and the private half it keeps. */
export interface PushDevice extends PushSubscriptionData {
  ecdh: ECDH;
}

/** A push that passed every check. */
export interface ReceivedPush<Payload = unknown> {
  /** The endpoint of the device it was sent to. */
  endpoint: string;
  /** What the service answered. */
  status: number;
  headers: IncomingHttpHeaders;
  /** The decrypted body, parsed as JSON. */
  payload: Payload;
  /** The verified VAPID claims, and the key (`k`) they were verified with. */
  vapid: { claims: JWTPayload; publicKey: string };
}

export interface PushService<Payload = unknown> {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** A new browser subscription at this service (a P-256 key pair and 16 random auth bytes). */
  newDevice(): PushDevice;
  /** Every push that passed the checks, in order. */
  received: ReceivedPush<Payload>[];
  /** Requests that failed a check, as `METHOD path: reason` (they are answered 400, 404 or 405). */
  problems: string[];
  /** Statuses to answer the next pushes with, in order; when empty, {@link answer}. */
  script: number[];
  /** The status of pushes the script does not cover: 201 Created by default (410: "this device is gone"). */
  answer: number;
  close(): Promise<void>;
}

export interface PushServiceOptions {
  /** Listen there (a service that comes back after `close()`); 0, a free port, by default. */
  port?: number;
  /** Subscriptions made at an earlier service on the same port. */
  devices?: PushDevice[];
}

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function verifyVapid(header: string | undefined, origin: string): Promise<ReceivedPush['vapid']> {
  const match = /^vapid\s+t=([A-Za-z0-9_.-]+),\s*k=([A-Za-z0-9_-]+)$/i.exec(header ?? '');
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
  const { payload, protectedHeader } = await jwtVerify(token, key, {
    algorithms: ['ES256'],
    audience: origin,
    requiredClaims: ['exp', 'sub'],
  });
  if (protectedHeader.typ && protectedHeader.typ !== 'JWT') throw new Error(`typ ${protectedHeader.typ}`);
  const now = Math.floor(Date.now() / 1000);
  if (!payload.exp || payload.exp <= now || payload.exp > now + 24 * 3600)
    throw new Error('exp not within 24 h from now');
  if (!/^(mailto:|https:)/.test(payload.sub ?? '')) throw new Error(`sub is not a contact: ${payload.sub}`);
  return { claims: payload, publicKey };
}

/**
 * Starts the service. `Payload` types {@link ReceivedPush.payload}: it is what the pushes' JSON is
 * expected to be, not checked.
 */
export async function startPushService<Payload = unknown>(
  options: PushServiceOptions = {},
): Promise<PushService<Payload>> {
  const pathOf = (endpoint: string) => new URL(endpoint).pathname;
  const devices = new Map<string, PushDevice>((options.devices ?? []).map((d) => [pathOf(d.endpoint), d]));
  const service: PushService<Payload> = {
    origin: '',
    received: [],
    problems: [],
    script: [],
    answer: 201,
    newDevice() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const device: PushDevice = {
        endpoint: `${service.origin}/push/${randomBytes(12).toString('hex')}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: randomBytes(16).toString('base64url'),
        },
        ecdh,
      };
      devices.set(pathOf(device.endpoint), device);
      return device;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const receive = async (req: IncomingMessage): Promise<ReceivedPush<Payload>> => {
    const body = await readBody(req);
    if (req.method !== 'POST') throw new Refused(405, 'not a POST');
    const device = devices.get(req.url ?? '');
    if (!device) throw new Refused(404, 'unknown endpoint');
    if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
    if (req.headers.ttl === undefined) throw new Error('no TTL header');
    const vapid = await verifyVapid(req.headers.authorization, service.origin);
    const plain = ece.decrypt(body, {
      version: 'aes128gcm',
      privateKey: device.ecdh,
      authSecret: Buffer.from(device.keys.auth, 'base64url'),
    });
    const payload = JSON.parse(plain.toString('utf8')) as Payload;
    const status = service.script.shift() ?? service.answer;
    return { endpoint: device.endpoint, status, headers: req.headers, payload, vapid };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const push = await receive(req);
      service.received.push(push);
      res.writeHead(push.status).end();
    } catch (error) {
      service.problems.push(
        `${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`,
      );
      res.writeHead(error instanceof Refused ? error.status : 400).end();
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  service.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return service;
}

/**
 * An init script for a browser page (Playwright's `addInitScript`), for browsers that cannot reach a real
 * push service (headless Chromium): `PushManager.prototype.subscribe` returns `subscription` (a device of
 * this service) and records the `applicationServerKey` it was given, base64url, in `window.__placetPushKey`
 * and `userVisibleOnly` in `window.__placetPushUserVisibleOnly`; `getSubscription` returns it until its
 * `unsubscribe()`, which counts itself in `window.__placetPushUnsubscribed`.
 */
export function subscribeStubScript(subscription: PushSubscriptionData): string {
  const { endpoint, keys } = subscription;
  return `(() => {
    const sub = ${JSON.stringify({ endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } })};
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
