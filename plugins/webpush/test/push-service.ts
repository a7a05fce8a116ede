import { createECDH, type ECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import { importJWK, type JWTPayload, jwtVerify } from 'jose';
import type { WebPushPayload } from '../src/index.js';

/**
 * A push service on 127.0.0.1:0 that checks what a real one checks, and the browsers subscribed to it.
 * For each push it verifies the VAPID header (`Authorization: vapid t=<jwt>, k=<public key>`: an ES256
 * JWT signed by `k`, for this origin, not expired, with a contact), then decrypts the aes128gcm body
 * with the private key and auth secret of the device the endpoint belongs to, as the browser would.
 */

/** A browser's subscription: what it hands to the server, and the private half it keeps. */
export interface Device {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  ecdh: ECDH;
}

export interface ReceivedPush {
  /** The device the endpoint belongs to. */
  endpoint: string;
  /** What the stub answered. */
  status: number;
  jwt: JWTPayload;
  /** `k` of the Authorization header. */
  vapidKey: string;
  headers: { ttl: string | undefined; urgency: string | undefined; topic: string | undefined };
  payload: WebPushPayload;
}

export interface PushService {
  origin: string;
  /** A new browser subscription at this service (a P-256 key pair and 16 random auth bytes). */
  newDevice(): Device;
  /** Every push that passed the checks. */
  received: ReceivedPush[];
  /** Requests that failed a check (never expected). */
  problems: string[];
  /** Statuses to answer, in order (then 201 Created). */
  script: number[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function verifyVapid(header: string | undefined, origin: string) {
  const match = /^vapid t=([A-Za-z0-9_.-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Error(`bad Authorization header: ${header}`);
  const [, token, k] = match as unknown as [string, string, string];
  const raw = Buffer.from(k, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('k is not an uncompressed P-256 key');
  const key = await importJWK(
    {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    'ES256',
  );
  const { payload } = await jwtVerify(token, key, {
    algorithms: ['ES256'],
    audience: origin,
    requiredClaims: ['exp', 'sub'],
  });
  const now = Math.floor(Date.now() / 1000);
  if (!payload.exp || payload.exp <= now || payload.exp > now + 24 * 3600)
    throw new Error('exp not within 24 h from now');
  if (!/^(mailto:|https:)/.test(payload.sub ?? '')) throw new Error(`sub is not a contact: ${payload.sub}`);
  return { jwt: payload, vapidKey: k };
}

/** `port`: listen there (a service that comes back); `devices`: subscriptions made before. */
export async function startPushService(
  options: { port?: number; devices?: Device[] } = {},
): Promise<PushService> {
  const devices = new Map<string, Device>(
    (options.devices ?? []).map((device) => [new URL(device.endpoint).pathname, device]),
  );
  const service: PushService = {
    origin: '',
    received: [],
    problems: [],
    script: [],
    newDevice() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const device: Device = {
        endpoint: `${service.origin}/push/${randomBytes(12).toString('hex')}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: randomBytes(16).toString('base64url'),
        },
        ecdh,
      };
      devices.set(new URL(device.endpoint).pathname, device);
      return device;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const device = devices.get(req.url ?? '');
    try {
      if (req.method !== 'POST') throw new Error(`method ${req.method}`);
      if (!device) throw new Error(`unknown endpoint ${req.url}`);
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
      if (req.headers.ttl === undefined) throw new Error('no TTL header');
      const { jwt, vapidKey } = await verifyVapid(req.headers.authorization, service.origin);
      const plain = ece.decrypt(body, {
        version: 'aes128gcm',
        privateKey: device.ecdh,
        authSecret: device.keys.auth,
      });
      const status = service.script.shift() ?? 201;
      service.received.push({
        endpoint: device.endpoint,
        status,
        jwt,
        vapidKey,
        headers: {
          ttl: req.headers.ttl as string | undefined,
          urgency: req.headers.urgency as string | undefined,
          topic: req.headers.topic as string | undefined,
        },
        payload: JSON.parse(plain.toString('utf8')) as WebPushPayload,
      });
      res.writeHead(status).end();
    } catch (error) {
      service.problems.push((error as Error).message);
      res.writeHead(400).end();
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  service.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return service;
}
