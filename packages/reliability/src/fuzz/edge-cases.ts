import { deflateSync, gzipSync } from 'node:zlib';
import type { RawRequest } from '../raw-http.js';

/** One hand-written hostile request for the example server's full app, with what it tries. */
export interface EdgeCase extends RawRequest {
  label: string;
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** Asset paths that try to leave `/placet-assets`, or to break its decoding. */
const ASSET_PATHS = [
  '..%2f..%2fpackage.json',
  '..%2f..%2f..%2f..%2fpackage.json',
  '%2e%2e/%2e%2e/package.json',
  '%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%5c..%5cpackage.json',
  '....//....//package.json',
  '%252e%252e%252fpackage.json',
  '%2fetc%2fpasswd',
  '/etc/passwd',
  'app.js/..%2f..%2f..%2fpackage.json',
  'app.js/',
  'app.js/x',
  '.',
  '',
  '%00',
  'app.js%00',
  'app.js%00.png',
  '%ff',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '%C0%AF..%C0%AF..%C0%AFpackage.json',
  '%uD800',
  '%ed%a0%80',
  'a'.repeat(300),
  `${'a/'.repeat(3000)}x`,
  `${'%2e%2e%2f'.repeat(400)}etc%2fpasswd`,
  'nope.js',
];

/** Path prefixes of every part of the app: dashboard, sign-in, API, docs, health, sockets, unknown. */
const PREFIXES = [
  '/',
  '/index.html/',
  '/api/',
  '/api/v1/',
  '/api/v1/agents/',
  '/api/v1/messages/',
  '/api/v1/files/',
  '/api/v1/reviews/',
  '/api/auth/',
  '/api/docs/',
  '/health/',
  '/ws/',
  '/socket.io/',
  '/nope/',
];
/** Malformed percent-encoding and other segment tricks, appended to each prefix. */
const SEGMENTS = [
  '%ff',
  '%',
  '%E0%A4%A',
  '%00',
  '%C0%AF',
  '..%2f..%2fpackage.json',
  '%2e%2e/%2e%2e/etc/passwd',
];
/** Queries no parser should choke on. */
const QUERIES = ['%ff=%ff', 'a=%', '%=%', '__proto__[x]=1', 'a[b][c][d][e][f][g]=1', '&&&='];

/** Bodies that are not what they claim to be, or are too much of it. */
function hostileBodies(): { label: string; headers: Record<string, string>; body: Uint8Array }[] {
  const json = { 'content-type': 'application/json' };
  const login = JSON.stringify({ email: 'owner@reliability.test', password: 'not-the-password' });
  const gzipped = gzipSync(login);
  const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20)); // 1 MiB of spaces: ~1 KiB compressed.
  const big = bytes(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(70 * 1024) }));
  return [
    { label: 'JSON over 64 KiB', headers: json, body: big },
    { label: 'JSON over 1 MiB', headers: json, body: bytes(`"${'x'.repeat(1100 * 1024)}"`) },
    { label: 'gzip-labelled garbage', headers: { ...json, 'content-encoding': 'gzip' }, body: bytes(login) },
    {
      label: 'truncated gzip',
      headers: { ...json, 'content-encoding': 'gzip' },
      body: new Uint8Array(gzipped.subarray(0, gzipped.length - 10)),
    },
    { label: 'gzip inflating past the limit', headers: { ...json, 'content-encoding': 'gzip' }, body: bomb },
    { label: 'valid gzip', headers: { ...json, 'content-encoding': 'gzip' }, body: new Uint8Array(gzipped) },
    {
      label: 'deflate-labelled garbage',
      headers: { ...json, 'content-encoding': 'deflate' },
      body: bytes('x'),
    },
    {
      label: 'truncated deflate',
      headers: { ...json, 'content-encoding': 'deflate' },
      body: new Uint8Array(deflateSync(login).subarray(0, 8)),
    },
    { label: 'br-labelled garbage', headers: { ...json, 'content-encoding': 'br' }, body: bytes(login) },
    { label: 'unknown encoding', headers: { ...json, 'content-encoding': 'compress' }, body: bytes(login) },
    { label: 'stacked encodings', headers: { ...json, 'content-encoding': 'gzip, gzip' }, body: bomb },
    { label: 'invalid JSON', headers: json, body: bytes('{"email":') },
    { label: 'NUL as JSON', headers: json, body: bytes('\u0000') },
    {
      label: 'invalid UTF-8 in JSON',
      headers: json,
      body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    },
    { label: 'JSON with a BOM', headers: json, body: bytes(`\ufeff${login}`) },
    { label: 'JSON null', headers: json, body: bytes('null') },
    { label: 'JSON string', headers: json, body: bytes('"x"') },
    { label: 'deep JSON', headers: json, body: bytes(`${'['.repeat(30_000)}${']'.repeat(30_000)}`) },
    {
      label: 'pollution',
      headers: json,
      body: bytes('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{}}}'),
    },
    { label: 'text/plain', headers: { 'content-type': 'text/plain' }, body: bytes(login) },
    {
      label: 'form-encoded',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: bytes('email=a%40b.c&password=%ff'),
    },
    {
      label: 'multipart without a boundary',
      headers: { 'content-type': 'multipart/form-data' },
      body: bytes('--x\r\n'),
    },
    {
      label: 'unsupported charset',
      headers: { 'content-type': 'application/json; charset=koi8-r' },
      body: bytes(login),
    },
    {
      label: 'UTF-16 charset',
      headers: { 'content-type': 'application/json; charset=utf-16' },
      body: bytes(login),
    },
    {
      label: 'malformed content type',
      headers: { 'content-type': 'application/json; charset' },
      body: bytes(login),
    },
    { label: 'garbage content type', headers: { 'content-type': '\u00ff/;;=' }, body: bytes(login) },
    { label: 'no content type', headers: {}, body: bytes(login) },
  ];
}

/** Where the hostile bodies go: every sign-in route, an API route, the dashboard, health. */
const BODY_TARGETS: { method: string; path: string; session: boolean }[] = [
  { method: 'POST', path: '/api/auth/login', session: false },
  { method: 'POST', path: '/api/auth/change-password', session: true },
  { method: 'POST', path: '/api/auth/ws-ticket', session: true },
  { method: 'POST', path: '/api/auth/me', session: true },
  { method: 'POST', path: '/api/auth/%ff', session: true },
  { method: 'POST', path: '/api/v1/messages', session: true },
  { method: 'PUT', path: '/api/v1/agents/%ff', session: true },
  { method: 'POST', path: '/', session: false },
  { method: 'POST', path: '/placet-assets/app.js', session: false },
  { method: 'POST', path: '/health', session: false },
  // Last: a valid body here ends the session the cases above use.
  { method: 'POST', path: '/api/auth/logout', session: true },
];

/**
 * The hand-written cases for the example server (beside the replayed fuzz): traversal and broken
 * encodings under `/placet-assets`, malformed percent-encoding under every prefix, hostile queries, and
 * every hostile body against every sign-in route (with the owner's session and CSRF header where a route
 * wants one, so that the body reaches the handler) and a few others.
 */
export function edgeCases(session: Record<string, string>): EdgeCase[] {
  const cases: EdgeCase[] = [];
  for (const path of ASSET_PATHS) {
    for (const method of ['GET', 'HEAD']) {
      cases.push({ label: `${method} asset ${path.slice(0, 40)}`, method, path: `/placet-assets/${path}` });
    }
  }
  cases.push(
    { label: 'assets without a slash', method: 'GET', path: '/placet-assets' },
    { label: 'DELETE an asset', method: 'DELETE', path: '/placet-assets/app.js' },
    {
      label: 'unsatisfiable range',
      method: 'GET',
      path: '/placet-assets/favicon.svg',
      headers: { range: 'bytes=999999999-' },
    },
    {
      label: 'malformed range',
      method: 'GET',
      path: '/placet-assets/favicon.svg',
      headers: { range: 'bytes=a-b' },
    },
    {
      label: 'garbage conditionals',
      method: 'GET',
      path: '/placet-assets/favicon.svg',
      headers: { 'if-none-match': '\u00ff"', 'if-modified-since': 'yesterday', 'if-match': 'x' },
    },
    { label: 'NUL after the page', method: 'GET', path: '/index.html%00' },
    { label: 'traversal from the root', method: 'GET', path: '/..%2f..%2fpackage.json' },
    { label: 'encoded traversal from the root', method: 'GET', path: '/%2e%2e/%2e%2e/etc/passwd' },
    { label: 'the mount with an encoded slash', method: 'GET', path: '/placet-assets%2f..%2fpackage.json' },
  );
  for (const prefix of PREFIXES) {
    for (const segment of SEGMENTS) {
      cases.push({
        label: `GET ${prefix}${segment}`,
        method: 'GET',
        path: `${prefix}${segment}`,
        headers: session,
      });
    }
  }
  for (const path of [
    '/',
    '/health',
    '/api/docs',
    '/api/v1/agents',
    '/api/auth/me',
    '/placet-assets/favicon.svg',
  ]) {
    for (const query of QUERIES) {
      cases.push({
        label: `GET ${path}?${query}`,
        method: 'GET',
        path: `${path}?${query}`,
        headers: session,
      });
    }
  }
  for (const target of BODY_TARGETS) {
    for (const body of hostileBodies()) {
      cases.push({
        label: `${target.method} ${target.path} ${body.label}`,
        method: target.method,
        path: target.path,
        headers: { ...(target.session ? session : {}), ...body.headers },
        body: body.body,
      });
    }
  }
  return cases;
}
