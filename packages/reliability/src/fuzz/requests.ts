import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  fromPlain,
  hostileKey,
  hostileString,
  hostileValue,
  type Json,
  Obj,
  pollution,
  serialize,
} from './json.js';
import type { Pools, Schema, SchemaValues } from './schema.js';

/** One operation of the OpenAPI document, as the fuzzer needs it. */
export interface FuzzOperation {
  key: string;
  operationId: string;
  method: string;
  /** The document's path template: `/agents/{id}`. */
  path: string;
  pathParams: string[];
  query: { name: string; required: boolean; schema: Schema }[];
  headers: { name: string; schema: Schema }[];
  body?: { kind: 'json'; schema: Schema } | { kind: 'multipart'; schema: Schema };
  humansOnly: boolean;
  public: boolean;
  /** The document lists 501 among its answers (an unsupported feature of the original). */
  documents501: boolean;
}

/** A request ready for fetch: the path and query are already encoded (and possibly malformed on purpose). */
export interface FuzzRequest {
  op: string;
  method: string;
  pathAndQuery: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
}

export interface Credentials {
  /** `x-api-key` of the owner. */
  agent: Record<string, string>;
  /** The owner through the host's auth. */
  human: Record<string, string>;
  /** A member user through the host's auth. */
  member: Record<string, string>;
}

export interface FuzzContext {
  values: SchemaValues;
  pools: Pools;
  credentials: Credentials;
  /** Largest upload the router accepts (the suite configures a small one). */
  fileBytes: number;
  /** Largest JSON body the router accepts. */
  jsonBytes: number;
  /** Put into every hostile file name, so that a file written outside the store would be found. */
  marker: string;
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/**
 * percent-encodes like `encodeURIComponent`, but a lone surrogate becomes the bytes of its (invalid)
 * UTF-8 encoding instead of a client-side URIError: the server gets to see it.
 */
export function encodeLoose(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const isHigh = code >= 0xd800 && code <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
    } else out += encodeURIComponent(text[i]!);
  }
  return out;
}

/** Header values fetch can send: printable Latin-1, no CR/LF/NUL. */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?').slice(0, 4000);

const RAW_SEGMENTS = [
  '%ff',
  '%E0%A4%A',
  '%',
  '..',
  '%2e%2e',
  '..%2f..%2fetc',
  '%00',
  '%2F',
  'a%20b',
  '%uD800',
  '%C0%AF',
];

/** The real ids a path parameter names, by the path it is in. */
function poolOf(op: FuzzOperation, param: string, pools: Pools): readonly string[] {
  const destructive = op.method === 'DELETE' || /^\/api-keys\/\{id\}\/rotate$/.test(op.path);
  // A destructive operation never gets a real id: nothing may disappear from under the row-count check.
  if (destructive) return [];
  if (param === 'streamId') return pools.streamIds;
  if (param === 'type') return pools.reviewTypes;
  if (param === 'name') return pools.pluginNames;
  if (op.path.startsWith('/agents/')) return pools.channelIds;
  if (op.path.startsWith('/reviews/')) return pools.reviewIds;
  if (op.path.startsWith('/messages/')) return pools.messageIds;
  if (op.path.startsWith('/files/')) return pools.fileIds;
  if (op.path.startsWith('/deliveries/')) return pools.deliveryIds;
  if (op.path.startsWith('/api-keys/')) return pools.keyIds;
  if (op.path.startsWith('/users/')) return pools.userIds;
  return [];
}

function pathValue(op: FuzzOperation, param: string, pools: Pools): fc.Arbitrary<string> {
  const real = poolOf(op, param, pools);
  return fc.oneof(
    ...(real.length > 0 ? [{ weight: 5, arbitrary: fc.constantFrom(...real).map(encodeLoose) }] : []),
    { weight: 2, arbitrary: hostileString.map(encodeLoose) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
}

function queryPart(param: FuzzOperation['query'][number], ctx: FuzzContext): fc.Arbitrary<string[]> {
  const name = param.name;
  const valid = ctx.values.value(param.schema, name).map((v) => (typeof v === 'string' ? v : serialize(v)));
  const encoded = (arb: fc.Arbitrary<string>) => arb.map((v) => `${name}=${encodeLoose(v)}`);
  const none: fc.Arbitrary<string[]> = fc.constant([]);
  return fc.oneof(
    { weight: 2, arbitrary: none },
    { weight: 5, arbitrary: encoded(valid).map((p) => [p]) },
    { weight: 2, arbitrary: encoded(hostileString).map((p) => [p]) },
    // Repeated (an array), bracketed (an object), and pollution through the query parser.
    { weight: 1, arbitrary: fc.tuple(encoded(valid), encoded(hostileString)).map((pair) => [...pair]) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(hostileKey, hostileString)
        .map(([k, v]) => [`${name}[${encodeLoose(k)}]=${encodeLoose(v)}`]),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(`${name}=%ff`, `${name}=%`, `${name}`, `${name}[]=`, `${name}=%00`)
        .map((p) => [p]),
    },
  );
}

const EXTRA_QUERY = [
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  '__proto__=x',
  'a=%ff',
  '&&&',
];

/** The owner's credentials (most requests), or a hostile or wrong-kind credential. */
function credentials(op: FuzzOperation, ctx: FuzzContext): fc.Arbitrary<Record<string, string>> {
  const { agent, human, member } = ctx.credentials;
  const bearer = { authorization: `Bearer ${agent['x-api-key']}` };
  const valid = op.humansOnly ? [human] : [agent, human, bearer];
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom({}, member, op.humansOnly ? agent : human) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        hostileString.map((s) => ({ 'x-api-key': headerSafe(s) })),
        hostileString.map((s) => ({ 'x-api-key': `hp_${headerSafe(s)}` })),
        hostileString.map((s) => ({ authorization: `Bearer hp_${headerSafe(s)}` })),
        hostileString.map((s) => ({ 'x-test-user': headerSafe(s) })),
      ),
    },
  );
}

type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; key: string; value: Json }
  | { kind: 'pollute'; entry: [string, Json] }
  | { kind: 'huge'; at: number; size: number }
  | { kind: 'nested'; at: number; value: Json }
  | { kind: 'whole'; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('add' as const), key: hostileKey, value: hostileValue }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pollute' as const), entry: pollution }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('huge' as const),
      at: fc.nat(),
      size: fc.constantFrom(1_000, 20_000, 60_000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('nested' as const), at: fc.nat(), value: hostileValue }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('whole' as const), value: hostileValue }) },
);

/** Every object node of a tree, depth first. */
function objects(value: Json, out: Obj[] = []): Obj[] {
  if (value instanceof Obj) {
    out.push(value);
    for (const [, v] of value.entries) objects(v, out);
  } else if (Array.isArray(value)) for (const v of value) objects(v, out);
  return out;
}

function applyMutations(body: Json, mutations: readonly Mutation[]): Json {
  let root = body;
  for (const m of mutations) {
    if (m.kind === 'whole') {
      root = m.value;
      continue;
    }
    const all = objects(root);
    const target = m.kind === 'nested' ? all[m.at % Math.max(all.length, 1)] : all[0];
    if (!target) continue;
    const { entries } = target;
    const at = 'at' in m && entries.length > 0 ? m.at % entries.length : -1;
    switch (m.kind) {
      case 'replace':
      case 'nested':
        if (at >= 0) entries[at] = [entries[at]![0], m.value];
        else entries.push(['x', m.value]);
        break;
      case 'delete':
        if (at >= 0) entries.splice(at, 1);
        break;
      case 'add':
        entries.push([m.key, m.value]);
        break;
      case 'pollute':
        entries.push(m.entry);
        break;
      case 'huge':
        if (at >= 0) entries[at] = [entries[at]![0], 'x'.repeat(m.size)];
        break;
    }
  }
  return root;
}

const INVALID_UTF8 = [
  [0xff],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0xfe, 0xff],
];

type RawMutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; text: string }
  | { kind: 'invalidUtf8'; at: number; bytes: number[] }
  | { kind: 'bom' }
  | { kind: 'empty' }
  | { kind: 'oversize' }
  | { kind: 'gzip'; valid: boolean };

const rawMutation: fc.Arbitrary<RawMutation> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      text: fc.constantFrom('}', ',', '{"a":', ' x', '\u0000'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('invalidUtf8' as const),
      at: fc.nat(),
      bytes: fc.constantFrom(...INVALID_UTF8),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'oversize' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gzip' as const), valid: fc.boolean() }) },
);

const JSON_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16le',
  'application/json; charset=iso-8859-1',
  'application/json; charset=nope',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zzz',
  '',
];

function applyRaw(text: string, m: RawMutation, jsonBytes: number): { bytes: Uint8Array; encoding?: string } {
  let bytes = utf8(text);
  switch (m.kind) {
    case 'none':
      break;
    case 'truncate':
      bytes = bytes.slice(0, bytes.length > 0 ? m.at % bytes.length : 0);
      break;
    case 'append':
      bytes = utf8(text + m.text);
      break;
    case 'invalidUtf8': {
      const at = bytes.length > 0 ? m.at % bytes.length : 0;
      bytes = new Uint8Array([...bytes.slice(0, at), ...m.bytes, ...bytes.slice(at)]);
      break;
    }
    case 'bom':
      bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
      break;
    case 'empty':
      bytes = new Uint8Array();
      break;
    case 'oversize':
      bytes = utf8(`{"pad":"${'x'.repeat(jsonBytes + 1024)}"}`);
      break;
    case 'gzip':
      return { bytes: m.valid ? new Uint8Array(gzipSync(bytes)) : bytes, encoding: 'gzip' };
  }
  return { bytes };
}

function jsonBody(op: FuzzOperation, seeds: readonly unknown[], ctx: FuzzContext) {
  const schema = op.body?.kind === 'json' ? op.body.schema : {};
  const base: fc.Arbitrary<Json> =
    seeds.length > 0
      ? fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...seeds).map((s) => fromPlain(s)) },
          { weight: 2, arbitrary: ctx.values.value(schema) },
        )
      : ctx.values.value(schema);
  return fc
    .record({
      base,
      mutations: fc.oneof(
        { weight: 1, arbitrary: fc.constant([] as Mutation[]) },
        { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
      ),
      raw: rawMutation,
      type: fc.constantFrom(...JSON_TYPES),
    })
    .map(({ base, mutations, raw, type }) => {
      const { bytes, encoding } = applyRaw(serialize(applyMutations(base, mutations)), raw, ctx.jsonBytes);
      const headers: Record<string, string> = {};
      if (type) headers['content-type'] = type;
      if (encoding) headers['content-encoding'] = encoding;
      return { bytes, headers };
    });
}

/**
 * A JSON body as a client that follows the document sends it: one of the operation's seed bodies (or a
 * value of its schema) serialized as is, `application/json`, no encoding. Well-formed requests use it, so
 * that their bodies do not depend on the seed's luck with mutations and content types.
 */
function plainJsonBody(op: FuzzOperation, seeds: readonly unknown[], ctx: FuzzContext) {
  const schema = op.body?.kind === 'json' ? op.body.schema : {};
  const base: fc.Arbitrary<Json> =
    seeds.length > 0 ? fc.constantFrom(...seeds).map((s) => fromPlain(s)) : ctx.values.value(schema);
  return base.map((value) => ({
    bytes: new TextEncoder().encode(serialize(value)) as Uint8Array<ArrayBuffer>,
    headers: { 'content-type': 'application/json' } as Record<string, string>,
  }));
}

/** File names that have escaped upload directories elsewhere. */
function fileNames(marker: string): string[] {
  return [
    'report.csv',
    `../../../../tmp/pwn-${marker}`,
    `..\\..\\..\\pwn-${marker}.txt`,
    `/etc/pwn-${marker}`,
    `C:\\Windows\\pwn-${marker}.dll`,
    `%2e%2e%2fpwn-${marker}`,
    `....//....//pwn-${marker}`,
    `pwn-${marker}\u0000.png`,
    `pwn-${marker}\u202egnp.exe`,
    `${'a'.repeat(1000)}-pwn-${marker}`,
    '',
    '.',
    '..',
    'CON',
    `a"b-pwn-${marker}".txt`,
    `pwn-${marker}\r\nContent-Type: text/html`,
    `<script>pwn-${marker}</script>.html`,
  ];
}

interface Part {
  name: string;
  filename?: string;
  /** Put as `filename*=UTF-8''…` (RFC 5987) instead of `filename="…"`. */
  extended?: boolean;
  type?: string;
  content: Uint8Array;
}

function multipartBody(ctx: FuzzContext) {
  const limit = ctx.fileBytes;
  const channel = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ctx.pools.channelIds) },
    { weight: 1, arbitrary: hostileString },
  );
  const content = fc
    .tuple(
      fc.constantFrom(0, 1, 10, limit - 1, limit, limit + 1, limit * 3),
      fc.constantFrom('a', '\u00ff', '\u0000'),
    )
    .map(([size, fill]) => utf8(fill.repeat(size)).slice(0, size));
  const file = fc.record({
    name: fc.constant('file'),
    filename: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...fileNames(ctx.marker)) },
      { weight: 1, arbitrary: hostileString },
    ),
    extended: fc.boolean(),
    type: fc.constantFrom(
      'text/plain',
      'text/html',
      'image/svg+xml',
      'application/javascript',
      '../../x',
      'a\u00ff/b',
      '',
      'image/png',
    ),
    content,
  });
  const field = (name: string, value: fc.Arbitrary<string>) =>
    value.map((v) => ({ name, content: utf8(v) }) as Part);
  return fc
    .record({
      channel: fc.option(field('channelId', channel), { nil: undefined, freq: 8 }),
      text: fc.option(field('text', hostileString), { nil: undefined, freq: 3 }),
      file: fc.option(file, { nil: undefined, freq: 8 }),
      fileFirst: fc.boolean(),
      extra: fc.oneof(
        { weight: 6, arbitrary: fc.constant([] as Part[]) },
        { weight: 1, arbitrary: file.map((f) => [f as Part]) },
        {
          weight: 1,
          arbitrary: fc.constant(
            Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, content: utf8('x') })),
          ),
        },
        { weight: 1, arbitrary: fc.constant([{ name: 'n'.repeat(200), content: utf8('x') }]) },
        { weight: 1, arbitrary: fc.constant([{ name: 'text', content: utf8('y'.repeat(limit * 300)) }]) },
        { weight: 1, arbitrary: pollution.map(([k]) => [{ name: k, content: utf8('{"polluted":true}') }]) },
      ),
      corrupt: fc.constantFrom(
        'none',
        'none',
        'none',
        'none',
        'truncate',
        'noClose',
        'badBoundary',
        'noBoundary',
      ),
    })
    .map(({ channel, text, file, fileFirst, extra, corrupt }) => {
      const boundary = `----fuzz${ctx.marker}`;
      const fields = [channel, text].filter((p): p is Part => p !== undefined);
      const parts: Part[] = fileFirst
        ? [...(file ? [file] : []), ...fields]
        : [...fields, ...(file ? [file] : [])];
      parts.push(...extra);
      const chunks: Buffer[] = [];
      for (const part of parts) {
        let disposition = `form-data; name="${part.name}"`;
        if (part.filename !== undefined) {
          disposition += part.extended
            ? `; filename*=UTF-8''${encodeLoose(part.filename)}`
            : `; filename="${part.filename}"`;
        }
        let head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n`;
        if (part.type !== undefined) head += `Content-Type: ${part.type}\r\n`;
        chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(part.content), Buffer.from('\r\n'));
      }
      if (corrupt !== 'noClose') chunks.push(Buffer.from(`--${boundary}--\r\n`));
      let bytes = new Uint8Array(Buffer.concat(chunks));
      if (corrupt === 'truncate') bytes = bytes.slice(0, Math.floor(bytes.length / 2));
      const type =
        corrupt === 'badBoundary'
          ? 'multipart/form-data; boundary=other'
          : corrupt === 'noBoundary'
            ? 'multipart/form-data'
            : `multipart/form-data; boundary=${boundary}`;
      return { bytes, headers: { 'content-type': type } as Record<string, string> };
    });
}

/** Values of a header parameter of the document (the download's `Range`). */
const RANGES = [
  'bytes=0-0',
  'bytes=0-',
  'bytes=-1',
  'bytes=5-1',
  'bytes=0-99999999999999999999',
  'bytes=-',
  'bytes=0-1,2-3',
  'items=0-1',
  'bytes=a-b',
  'bytes=1e3-',
];

/**
 * A well-formed request of one operation: the owner's credential, real ids in the path and in required
 * query parameters, optional parameters left out, no extra headers, a body as the fuzzer builds it. A
 * few of these per operation make sure each handler is reached whatever the seed (hostile requests
 * seldom get every part right at once).
 */
export function wellFormedRequest(
  op: FuzzOperation,
  ctx: FuzzContext,
  seeds: readonly unknown[] = [],
): fc.Arbitrary<FuzzRequest> {
  return requestArbitrary(op, ctx, seeds, { wellFormed: true });
}

/** Every request of one operation: credentials, path, query, headers and body, each valid or hostile. */
export function requestArbitrary(
  op: FuzzOperation,
  ctx: FuzzContext,
  seeds: readonly unknown[] = [],
  { wellFormed = false }: { wellFormed?: boolean } = {},
): fc.Arbitrary<FuzzRequest> {
  const body =
    wellFormed && op.body?.kind === 'json'
      ? plainJsonBody(op, seeds, ctx)
      : op.body?.kind === 'multipart'
        ? fc.oneof(
            { weight: 5, arbitrary: multipartBody(ctx) },
            { weight: 1, arbitrary: jsonBody(op, seeds, ctx) },
          )
        : op.body?.kind === 'json'
          ? jsonBody(op, seeds, ctx)
          : op.method === 'GET'
            ? fc.constant(undefined)
            : fc.oneof(
                { weight: 4, arbitrary: fc.constant(undefined) },
                { weight: 1, arbitrary: jsonBody(op, [], ctx) },
                { weight: 1, arbitrary: multipartBody(ctx) },
              );
  const calmPath = (param: string) => {
    const real = poolOf(op, param, ctx.pools);
    return real.length > 0 ? fc.constantFrom(...real).map(encodeLoose) : pathValue(op, param, ctx.pools);
  };
  const calmQuery = (param: FuzzOperation['query'][number]): fc.Arbitrary<string[]> => {
    if (!param.required) return fc.constant([]);
    const value =
      ctx.values.realId(param.name) ??
      ctx.values.value(param.schema, param.name).map((v) => (typeof v === 'string' ? v : serialize(v)));
    return value.map((v) => [`${param.name}=${encodeLoose(v)}`]);
  };
  const noHeaders = fc.constant(op.headers.map((h) => [h.name, undefined] as const));
  return fc
    .record({
      credentials: wellFormed
        ? fc.constant(op.humansOnly ? ctx.credentials.human : ctx.credentials.agent)
        : credentials(op, ctx),
      path: fc.tuple(...op.pathParams.map((p) => (wellFormed ? calmPath(p) : pathValue(op, p, ctx.pools)))),
      query: fc.tuple(...op.query.map((q) => (wellFormed ? calmQuery(q) : queryPart(q, ctx)))),
      extraQuery: wellFormed
        ? fc.constant(undefined)
        : fc.option(fc.constantFrom(...EXTRA_QUERY), { nil: undefined, freq: 8 }),
      headers: wellFormed
        ? noHeaders
        : fc.tuple(
            ...op.headers.map((h) =>
              fc
                .option(fc.oneof(fc.constantFrom(...RANGES), hostileString.map(headerSafe)), {
                  nil: undefined,
                  freq: 2,
                })
                .map((v) => [h.name, v] as const),
            ),
          ),
      body,
    })
    .map(({ credentials: creds, path, query, extraQuery, headers, body: b }) => {
      let i = 0;
      const pathText = op.path.replace(/\{(\w+)\}/g, () => path[i++] ?? '');
      const queryParts = [...query.flat(), ...(extraQuery ? [extraQuery] : [])];
      const all: Record<string, string> = { ...creds, ...(b?.headers ?? {}) };
      for (const [name, value] of headers) if (value !== undefined) all[name] = value;
      return {
        op: op.key,
        method: op.method,
        pathAndQuery: `${pathText}${queryParts.length > 0 ? `?${queryParts.join('&')}` : ''}`,
        headers: all,
        ...(b ? { body: new Uint8Array(b.bytes) } : {}),
      };
    });
}
