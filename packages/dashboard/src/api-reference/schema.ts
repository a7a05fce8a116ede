import { isObject, type Json } from './json.js';

const PREFIX = '#/components/schemas/';

/** What the page reads from the document's schemas: `$ref`s followed, types named, examples made up. */
export interface SchemaTools {
  /** The schema a chain of `$ref`s leads to (the last `$ref` when it leads nowhere). */
  deref(schema: unknown): unknown;
  /** The schema with every `$ref` replaced by its target (a cycle keeps its `$ref`). */
  expand(schema: unknown): unknown;
  /** A one-line type: `string (date-time)`, `integer | null`, `enum`. */
  mainType(schema: unknown): string;
  /** A value for the "Try it" form: required properties (and `text` at the top), defaults, enums. */
  example(schema: unknown): unknown;
}

export function schemaTools(spec: Json): SchemaTools {
  const components = isObject(spec.components) ? spec.components : undefined;
  const schemas = components && isObject(components.schemas) ? components.schemas : undefined;

  function lookup(ref: unknown): unknown {
    if (typeof ref !== 'string' || !ref.startsWith(PREFIX) || !schemas) return undefined;
    const name = decodeURIComponent(ref.slice(PREFIX.length));
    return Object.hasOwn(schemas, name) ? schemas[name] : undefined;
  }

  function deref(schema: unknown): unknown {
    let current = schema;
    for (let seen = 0; isObject(current) && typeof current.$ref === 'string' && seen < 20; seen++) {
      const target = lookup(current.$ref);
      if (!target) return current;
      current = target;
    }
    return current;
  }

  function expand(schema: unknown, stack: readonly string[]): unknown {
    if (Array.isArray(schema)) return schema.map((item) => expand(item, stack));
    if (!isObject(schema)) return schema;
    if (typeof schema.$ref === 'string') {
      const target = lookup(schema.$ref);
      if (!target || stack.includes(schema.$ref) || stack.length > 12) return schema;
      return expand(target, [...stack, schema.$ref]);
    }
    const out: Json = {};
    for (const key of Object.keys(schema)) out[key] = expand(schema[key], stack);
    return out;
  }

  function mainType(input: unknown): string {
    const schema = deref(input);
    if (!isObject(schema)) return '';
    if (Array.isArray(schema.type)) return schema.type.join(' | ');
    if (schema.type) return `${String(schema.type)}${schema.format ? ` (${String(schema.format)})` : ''}`;
    if (schema.enum) return 'enum';
    const alternatives = schema.anyOf || schema.oneOf;
    if (alternatives) return Array.isArray(alternatives) ? alternatives.map(mainType).join(' | ') : 'any';
    return 'any';
  }

  function example(input: unknown, depth: number, top: boolean): unknown {
    const schema = deref(input);
    if (!isObject(schema) || depth > 6) return null;
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
    if ('default' in schema) return schema.default;
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
    const alternatives = schema.anyOf || schema.oneOf;
    if (Array.isArray(alternatives) && alternatives.length > 0) {
      const first = alternatives.find((s) => (deref(s) as Json | null | undefined)?.type !== 'null');
      return example(first ?? alternatives[0], depth + 1, top);
    }
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    if (type === 'object' || isObject(schema.properties)) {
      const out: Json = {};
      const properties = isObject(schema.properties) ? schema.properties : {};
      const wanted: unknown[] = Array.isArray(schema.required) ? [...schema.required] : [];
      if (top && properties.text && !wanted.includes('text')) wanted.push('text');
      for (const name of wanted) {
        if (typeof name === 'string' && properties[name])
          out[name] = example(properties[name], depth + 1, false);
      }
      return out;
    }
    if (type === 'array') return [];
    if (type === 'integer' || type === 'number')
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    if (type === 'boolean') return false;
    if (type === 'string') {
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'email') return 'user@example.com';
      if (schema.format === 'uri') return 'https://example.com/';
      return 'string';
    }
    return null;
  }

  return {
    deref,
    expand: (schema) => expand(schema, []),
    mainType,
    example: (schema) => example(schema, 0, true),
  };
}
