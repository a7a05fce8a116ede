import fc from 'fast-check';
import { hostileString, type Json, Obj } from './json.js';

/** A JSON Schema node of the OpenAPI document (2020-12), as plain data. */
export type Schema = { [key: string]: unknown };

/** Ids of real rows the fuzzer may name, so that requests get past "not found" into the handlers. */
export interface Pools {
  channelIds: string[];
  messageIds: string[];
  reviewIds: string[];
  fileIds: string[];
  keyIds: string[];
  userIds: string[];
  deliveryIds: string[];
  streamIds: string[];
  pluginNames: string[];
  reviewTypes: string[];
}

export interface ReviewTypeSchemas {
  type: string;
  payload: Schema;
  response: Schema;
}

/**
 * URLs a fuzzed field takes: IP literals and `localhost` only, so that a server judging one (a webhook
 * check, a delivery) resolves nothing: the fuzz sends no query off this machine.
 */
const URLS = [
  'https://127.0.0.1:9/hook',
  'http://127.0.0.1:9/hook',
  'http://[::1]:9/hook',
  'http://169.254.169.254/latest/meta-data/',
  'https://user:pass@[::1]:9/x?y=1#z',
  'http://localhost/',
];

const MAX_DEPTH = 6;

/**
 * Values that mostly satisfy a JSON Schema of the document (so that requests reach the handlers), drawn
 * from real ids where a property names one. Hostility is added afterwards by the mutators.
 */
export class SchemaValues {
  constructor(
    private readonly components: Record<string, Schema>,
    private readonly pools: Pools,
    private readonly reviewTypes: readonly ReviewTypeSchemas[],
  ) {}

  resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
      const name = (s.$ref as string).replace('#/components/schemas/', '');
      s = this.components[name] ?? {};
    }
    return s;
  }

  /** A real id for a property that names one (no hostile string), when the pools have one. */
  realId(name: string): fc.Arbitrary<string> | undefined {
    const ids = /^(channelId|agentId|parentChannelId|channel)$/.test(name)
      ? this.pools.channelIds
      : name === 'iterationOf' || name === 'cursor'
        ? this.pools.messageIds
        : name === 'streamId'
          ? this.pools.streamIds
          : [];
    return ids.length > 0 ? fc.constantFrom(...ids) : undefined;
  }

  /** A real id for a property that names one, or a string. */
  private idOf(name: string): fc.Arbitrary<string> | undefined {
    const pick = (ids: readonly string[]) =>
      ids.length > 0
        ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: hostileString })
        : hostileString;
    if (/^(channelId|agentId|parentChannelId|channel)$/.test(name)) return pick(this.pools.channelIds);
    if (name === 'iterationOf' || name === 'cursor') return pick(this.pools.messageIds);
    if (name === 'attachmentIds') return pick(this.pools.fileIds);
    if (name === 'streamId') return pick(this.pools.streamIds);
    return undefined;
  }

  value(schemaIn: Schema, name = '', depth = 0): fc.Arbitrary<Json> {
    const schema = this.resolve(schemaIn);
    if (depth > MAX_DEPTH) return fc.constant(null);
    if (name === 'review' && this.reviewTypes.length > 0) return this.review(schema, depth);
    if (name === 'response' && this.reviewTypes.length > 0) {
      return fc.oneof(...this.reviewTypes.map((t) => this.value(t.response, '', depth + 1)));
    }
    const id = this.idOf(name);
    if (id && (schema.type === 'string' || schema.type === undefined)) return id;
    // A value the schema gives as an example (an IANA time zone, a whole valid body: random values seldom
    // are one), or any other: every operation's handler is reached with a few requests.
    const examples = Array.isArray(schema.examples) ? (schema.examples as Json[]) : [];
    if (examples.length > 0)
      return fc.oneof(
        fc.constantFrom(...examples),
        this.value({ ...schema, examples: undefined }, name, depth),
      );
    if ('const' in schema) return fc.constant(schema.const as Json);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
    const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (Array.isArray(alternatives) && alternatives.length > 0)
      return fc.oneof(...alternatives.map((a) => this.value(a, name, depth + 1)));
    const type = Array.isArray(schema.type)
      ? (schema.type as string[])
      : typeof schema.type === 'string'
        ? [schema.type]
        : undefined;
    if (type && type.length > 1)
      return fc.oneof(...type.map((t) => this.value({ ...schema, type: t }, name, depth + 1)));
    switch (type?.[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({
          min: typeof schema.minimum === 'number' ? Math.max(schema.minimum, -1e6) : -5,
          max: typeof schema.maximum === 'number' ? Math.min(schema.maximum, 1e6) : 1000,
        });
      case 'number':
        return fc.oneof(
          fc.integer({ min: -5, max: 100_000 }),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        );
      case 'string':
        return this.string(schema, name);
      case 'array':
        return fc.array(this.value((schema.items as Schema) ?? {}, name, depth + 1), {
          minLength: typeof schema.minItems === 'number' ? Math.min(schema.minItems, 3) : 0,
          maxLength: Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 3, 3),
        });
      case 'object':
        return this.object(schema, depth);
      default:
        // `{}`: any value.
        return fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 8 }));
    }
  }

  private string(schema: Schema, name: string): fc.Arbitrary<Json> {
    if (schema.format === 'uri') return fc.constantFrom(...URLS);
    if (schema.format === 'email')
      return fc
        .stringMatching(/^[a-z]{1,8}$/)
        .map((local) => `${local}-${Math.random().toString(36).slice(2, 8)}@fuzz.test`);
    if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const max = Math.max(min, Math.min(typeof schema.maxLength === 'number' ? schema.maxLength : 24, 24));
    if (/mime|type/i.test(name))
      return fc.constantFrom('text/plain', 'text/html', 'image/svg+xml', 'application/octet-stream');
    return fc
      .string({ minLength: Math.max(min, 1), maxLength: Math.max(max, 1) })
      .map((s) => `fuzz ${s}`.slice(0, Math.max(max, 1)));
  }

  private object(schema: Schema, depth: number): fc.Arbitrary<Json> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required ?? []) as string[]);
    const names = Object.keys(properties);
    const extra =
      schema.additionalProperties && typeof schema.additionalProperties === 'object'
        ? (schema.additionalProperties as Schema)
        : undefined;
    const extraName = (schema.propertyNames as Schema | undefined) ?? { type: 'string', maxLength: 12 };
    return fc
      .tuple(
        fc.tuple(
          ...names.map((n) =>
            required.has(n)
              ? this.value(properties[n]!, n, depth + 1).map((v) => [n, v] as [string, Json])
              : fc.option(
                  this.value(properties[n]!, n, depth + 1).map((v) => [n, v] as [string, Json]),
                  {
                    nil: undefined,
                    freq: 2,
                  },
                ),
          ),
        ),
        extra
          ? fc.array(fc.tuple(this.value(extraName, '', depth + 1), this.value(extra, '', depth + 1)), {
              maxLength: 3,
            })
          : fc.constant([]),
      )
      .map(([own, more]) => {
        const entries = own.filter((e): e is [string, Json] => e !== undefined);
        for (const [k, v] of more) if (typeof k === 'string') entries.push([k, v]);
        return new Obj(entries);
      });
  }

  /** A review of a registered type with a payload drawn from that type's own JSON Schema. */
  private review(schema: Schema, depth: number): fc.Arbitrary<Json> {
    const generic = this.object(schema, depth + 1);
    const typed = fc.constantFrom(...this.reviewTypes).chain((t) =>
      fc
        .tuple(
          this.value(t.payload, '', depth + 1),
          fc.option(fc.integer({ min: -10, max: 200_000 }), { nil: undefined }),
        )
        .map(([payload, expires]) => {
          const entries: [string, Json][] = [
            ['type', t.type],
            ['payload', payload],
          ];
          if (expires !== undefined) entries.push(['expiresInSeconds', expires]);
          return new Obj(entries);
        }),
    );
    return fc.oneof({ weight: 3, arbitrary: typed }, { weight: 1, arbitrary: generic });
  }
}
