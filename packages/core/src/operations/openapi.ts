import { z } from 'zod';
import { ERROR_CODES, errorCodeInfo, HTTP_REASONS } from '../errors/codes.js';
import type { AnyOperation, Auth, NamedSchema } from './operation.js';

/** A JSON Schema (2020-12) or any other JSON object of the document. */
export type JsonObject = { [key: string]: unknown };

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers: readonly { readonly url: string }[];
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonObject>>;
    readonly securitySchemes: Readonly<Record<string, JsonObject>>;
  };
}

export interface OpenApiDocumentOptions {
  /** The URL the router is mounted at, absolute or relative to the document (default `/api/v1`). */
  serverUrl?: string;
  title?: string;
  version?: string;
}

const SCHEMA_PREFIX = '#/components/schemas/';
const ref = (name: string) => ({ $ref: `${SCHEMA_PREFIX}${name}` });

/** Codes thrown at start-up (bad options, plugins), never over HTTP: not listed in responses. */
const STARTUP_CODES = new Set([
  'INVALID_OPTIONS',
  'INVALID_PLUGIN',
  'DUPLICATE_PLUGIN',
  'DUPLICATE_REVIEW_TYPE',
  'PLUGIN_DEPENDENCY_MISSING',
]);

const QUERY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  channel: 'The channel id.',
  limit: 'Page size.',
  cursor: '`nextCursor` of the previous page.',
  search: 'Only messages whose text contains this.',
  has_attachments: '`true` to list only messages with files; any other value does not filter.',
  timeout:
    'Milliseconds to wait: at least 1000 (smaller values are raised to it), at most 30000 (the default); unusable values mean the default.',
  status: 'Review status.',
  type: 'Review type.',
};

const SECURITY_SCHEMES = {
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: "An agent's API key: `hp_` followed by 48 hex characters.",
  },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'hp_…',
    description: 'The same API key as `Authorization: Bearer hp_…` (clients of the original before 0.4).',
  },
  cookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'access_token',
    description:
      "A signed-in human. The host decides how (`authenticateUser`); the example server's session cookie is shown. Cookie-authenticated changes there also need an `X-Requested-With` header.",
  },
} as const;

const SECURITY: Readonly<Record<Auth, readonly JsonObject[]>> = {
  apiKey: [{ apiKey: [] }, { bearer: [] }],
  user: [{ cookie: [] }],
  either: [{ apiKey: [] }, { bearer: [] }, { cookie: [] }],
  public: [],
};

/** The date-time regex zod adds next to `format: date-time` only repeats the format: left out. */
function override(ctx: { jsonSchema: JsonObject }): void {
  if (ctx.jsonSchema.format === 'date-time') delete ctx.jsonSchema.pattern;
}

function clean(schema: JsonObject): JsonObject {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  if ('$defs' in rest)
    throw new Error('OpenAPI: a component schema has nested $defs (register the shared schema)');
  return rest;
}

/** One schema, inline (query strings and multipart fields). */
function inline(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  return clean(
    z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', override }) as JsonObject,
  );
}

/** Named schemas of one direction as `components.schemas`, referring to each other by `$ref`. */
function components(
  entries: ReadonlyMap<string, z.ZodType>,
  io: 'input' | 'output',
): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override,
    uri: (id) => `${SCHEMA_PREFIX}${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, clean(schema as JsonObject)]));
}

/** Collects the named schemas: requests document their input side, responses their output side. */
class SchemaSet {
  readonly requests = new Map<string, z.ZodType>();
  readonly responses: Map<string, z.ZodType>;

  constructor(errorBody: NamedSchema) {
    this.responses = new Map([[errorBody.name, errorBody.schema]]);
  }

  add(io: 'input' | 'output', { name, schema }: NamedSchema): string {
    const [mine, other] = io === 'input' ? [this.requests, this.responses] : [this.responses, this.requests];
    const previous = mine.get(name);
    if (other.has(name) || (previous !== undefined && previous !== schema)) {
      throw new Error(`OpenAPI: the schema name "${name}" is used for two different schemas`);
    }
    for (const [n, s] of mine) {
      if (s === schema && n !== name)
        throw new Error(`OpenAPI: one schema is named both "${n}" and "${name}"`);
    }
    mine.set(name, schema);
    return name;
  }
}

/** `/agents/:id` → `/agents/{id}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

function pathParamNames(expressPath: string): string[] {
  return [...expressPath.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

/** Every error code an operation may answer: its own, and those of how it is called (see `errors`). */
export function answerableCodes(op: AnyOperation): Set<string> {
  const codes = new Set<string>(op.errors);
  codes.add('INTERNAL');
  codes.add('SERVICE_UNAVAILABLE');
  if (op.success.kind === 'notImplemented') codes.add('NOT_IMPLEMENTED');
  if (op.auth !== 'public') {
    codes.add('UNAUTHORIZED');
    codes.add('RATE_LIMITED');
  }
  if (op.auth === 'user' || op.role) codes.add('FORBIDDEN');
  if (op.body || op.query) codes.add('VALIDATION_FAILED');
  if (op.body) codes.add('PAYLOAD_TOO_LARGE');
  return codes;
}

function statusOf(code: string): number {
  const status = errorCodeInfo(code)?.status;
  if (status === undefined) throw new Error(`OpenAPI: "${code}" is not a registered error code`);
  return status;
}

function errorResponse(status: number, errorBody: string): JsonObject {
  const codes = Object.entries(ERROR_CODES)
    .filter(([code, info]) => info.status === status && !STARTUP_CODES.has(code))
    .map(([code]) => `\`${code}\``);
  const reason = HTTP_REASONS[status] ?? 'Error';
  return {
    description: codes.length > 0 ? `${reason}: ${codes.join(', ')}.` : reason,
    ...(status === 429
      ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } }
      : {}),
    content: { 'application/json': { schema: ref(errorBody) } },
  };
}

const binaryContent = (description: string) => ({
  '*/*': {
    schema: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream', description },
  },
});

function operationObject(op: AnyOperation, schemas: SchemaSet, errorBody: string): JsonObject {
  const parameters: JsonObject[] = [];
  for (const name of pathParamNames(op.path)) {
    const description = op.params?.[name];
    if (description === undefined) throw new Error(`OpenAPI: ${op.operationId} does not describe :${name}`);
    parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  }
  if (op.query) {
    const query = inline(op.query, 'input');
    const required = new Set((query.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((query.properties ?? {}) as Record<string, JsonObject>)) {
      const description = QUERY_DESCRIPTIONS[name];
      parameters.push({
        name,
        in: 'query',
        required: required.has(name),
        ...(description ? { description } : {}),
        // Query values are strings on the wire; an unconstrained one is documented as such.
        schema: Object.keys(schema).length > 0 ? schema : { type: 'string' },
      });
    }
  }

  let requestBody: JsonObject | undefined;
  if (op.body?.kind === 'json') {
    requestBody = {
      required: op.body.required ?? true,
      content: { 'application/json': { schema: ref(schemas.add('input', op.body.schema)) } },
    };
  } else if (op.body?.kind === 'raw') {
    requestBody = {
      required: true,
      content: Object.fromEntries(
        Object.entries(op.body.mediaTypes).map(([type, description]) => [
          type,
          { schema: { type: 'string', description } },
        ]),
      ),
    };
  } else if (op.body?.kind === 'multipart') {
    const fields = inline(op.body.fields, 'input');
    requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: {
              ...(fields.properties as JsonObject),
              [op.body.file]: {
                type: 'string',
                format: 'binary',
                contentMediaType: 'application/octet-stream',
                description: 'The file; its name and media type are taken from the part.',
              },
            },
            required: [...((fields.required as string[] | undefined) ?? []), op.body.file],
          },
          encoding: { [op.body.file]: { contentType: '*/*' } },
        },
      },
    };
  }

  const responses: Record<string, JsonObject> = {};
  const success = op.success;
  if (success.kind === 'json') {
    const target = ref(schemas.add('output', success.schema));
    responses[String(success.status)] = {
      description: success.description,
      ...(success.linkHeader
        ? {
            headers: {
              Link: {
                description: '`<…>; rel="next"` when the list was capped and there is more.',
                schema: { type: 'string' },
              },
            },
          }
        : {}),
      content: { 'application/json': { schema: success.list ? { type: 'array', items: target } : target } },
    };
  } else if (success.kind === 'html') {
    responses['200'] = {
      description: success.description,
      content: { 'text/html': { schema: { type: 'string' } } },
    };
  } else if (success.kind === 'text') {
    responses['200'] = {
      description: success.description,
      headers: {
        'Content-Disposition': {
          description: '`attachment`, with a file name.',
          schema: { type: 'string' },
        },
        ...(success.linkHeader
          ? {
              Link: {
                description: '`<…>; rel="next"` when the export stopped at its limit and there is more.',
                schema: { type: 'string' },
              },
            }
          : {}),
      },
      content: Object.fromEntries(
        Object.entries(success.mediaTypes).map(([mediaType, description]) => [
          mediaType,
          { schema: { type: 'string', description } },
        ]),
      ),
    };
  } else if (success.kind === 'script') {
    responses['200'] = {
      description: success.description,
      content: {
        'text/javascript': {
          schema: { type: 'string', format: 'binary', contentMediaType: 'text/javascript' },
        },
      },
    };
  } else if (success.kind === 'binary' && success.ranges === false) {
    responses['200'] = {
      description: success.description,
      headers: { 'Cache-Control': { schema: { type: 'string' } } },
      content: Object.fromEntries(
        (success.mediaTypes ?? ['application/octet-stream']).map((type: string) => [
          type,
          { schema: { type: 'string', format: 'binary', contentMediaType: type } },
        ]),
      ),
    };
  } else if (success.kind === 'binary') {
    parameters.push({
      name: 'Range',
      in: 'header',
      required: false,
      description: 'One byte range, `bytes=start-end`, `bytes=start-` or `bytes=-suffix`.',
      schema: { type: 'string', examples: ['bytes=0-1023'] },
    });
    const fileHeaders = {
      'Content-Disposition': {
        description: '`inline` or `attachment`, with the filename.',
        schema: { type: 'string' },
      },
      'Accept-Ranges': { schema: { type: 'string', const: 'bytes' } },
    };
    responses['200'] = {
      description: success.description,
      headers: fileHeaders,
      content: binaryContent('The file.'),
    };
    responses['206'] = {
      description: 'The requested range.',
      headers: {
        ...fileHeaders,
        'Content-Range': { description: '`bytes start-end/size`.', schema: { type: 'string' } },
      },
      content: binaryContent('The bytes of the range.'),
    };
    responses['416'] = {
      description: 'Range Not Satisfiable: the range is outside the file (empty body).',
      headers: { 'Content-Range': { description: '`bytes */size`.', schema: { type: 'string' } } },
    };
  }

  const statuses = [...new Set([...answerableCodes(op)].map(statusOf))].sort((a, b) => a - b);
  for (const status of statuses) {
    responses[String(status)] =
      status === 501 && success.kind === 'notImplemented'
        ? { ...errorResponse(501, errorBody), description: success.description }
        : errorResponse(status, errorBody);
  }

  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    security: SECURITY[op.auth],
    'x-placet-auth': op.auth,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

type Built = Pick<OpenApiDocument, 'tags' | 'paths' | 'components'>;
const builtFor = new WeakMap<readonly AnyOperation[], Built>();

function build(
  operations: readonly AnyOperation[],
  tags: Readonly<Record<string, string>>,
  errorBody: NamedSchema,
): Built {
  const schemas = new SchemaSet(errorBody);
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of operations) {
    const path = toOpenApiPath(op.path);
    paths[path] ??= {};
    const item = paths[path];
    if (item[op.method]) throw new Error(`OpenAPI: ${op.method.toUpperCase()} ${op.path} is listed twice`);
    item[op.method] = operationObject(op, schemas, errorBody.name);
  }
  const requestSchemas = components(schemas.requests, 'input');
  const responseSchemas = components(schemas.responses, 'output');
  return deepFreeze({
    tags: Object.entries(tags).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { ...requestSchemas, ...responseSchemas },
      securitySchemes: SECURITY_SCHEMES,
    },
  });
}

/**
 * The OpenAPI 3.1 document of a table of operations. The part made from the operations is built once per
 * table and shared; `options` only change the top (server URL, title, version).
 */
export function buildOpenApiDocument(
  operations: readonly AnyOperation[],
  tags: Readonly<Record<string, string>>,
  errorBody: NamedSchema,
  options: OpenApiDocumentOptions = {},
): OpenApiDocument {
  let built = builtFor.get(operations);
  if (!built) {
    built = build(operations, tags, errorBody);
    builtFor.set(operations, built);
  }
  return deepFreeze({
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Placet API',
      version: options.version ?? '1.0.0',
      description:
        'The human-in-the-loop inbox for AI agents. Agents authenticate with an API key (`x-api-key`); humans through the host (a session). Errors are `{ statusCode, error, code, message, issues? }`.',
    },
    servers: [{ url: options.serverUrl ?? '/api/v1' }],
    tags: built.tags,
    paths: built.paths,
    components: built.components,
  });
}
