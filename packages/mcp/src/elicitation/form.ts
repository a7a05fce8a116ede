import type { ElicitRequestFormParams, ElicitResult } from '@modelcontextprotocol/sdk/types.js';

type RequestedSchema = ElicitRequestFormParams['requestedSchema'];
type Property = RequestedSchema['properties'][string];
type Content = NonNullable<ElicitResult['content']>;

/** A field of a `form` review (the form plugin's payload), as the bridge builds it. */
export interface FormFieldPayload {
  name: string;
  type: 'text' | 'email' | 'url' | 'date' | 'datetime' | 'number' | 'checkbox' | 'select' | 'multiselect';
  label: string;
  description?: string;
  required?: boolean;
  options?: { value: string; label: string }[];
  defaultValue?: string | number | boolean | string[];
  min?: number;
  max?: number;
  step?: number;
  minLength?: number;
  maxLength?: number;
}

/** The payload of the `form` review an elicitation becomes. */
export interface FormPayload {
  fields: FormFieldPayload[];
  submitLabel: string;
  dismissLabel: string;
}

/** A part of an elicitation's schema the bridge cannot turn into a form field: refused, never guessed. */
export class UnsupportedElicitationError extends Error {
  override readonly name = 'UnsupportedElicitationError';
}

const STRING_FORMATS = { email: 'email', uri: 'url', date: 'date', 'date-time': 'datetime' } as const;

/** An RFC 3339 date-time as the value of a `datetime` field (`yyyy-MM-ddTHH:mm`, UTC). */
function toUtcLocal(value: string): string | undefined {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 16);
}

function describe(property: { title?: string; description?: string }, name: string) {
  return {
    label: property.title || name,
    ...(property.description ? { description: property.description } : {}),
  };
}

function selectOptions(property: Property): { value: string; label: string }[] | undefined {
  if ('oneOf' in property && Array.isArray(property.oneOf)) {
    return property.oneOf.map((option) => ({ value: option.const, label: option.title }));
  }
  if ('enum' in property && Array.isArray(property.enum)) {
    const names = 'enumNames' in property && Array.isArray(property.enumNames) ? property.enumNames : [];
    return property.enum.map((value, index) => ({ value, label: names[index] ?? value }));
  }
  return undefined;
}

function fieldOf(name: string, property: Property, required: boolean): FormFieldPayload {
  const base = { name, ...describe(property, name) };
  switch (property.type) {
    case 'boolean':
      // A checkbox always answers true or false: "required" would force it to be ticked.
      return {
        ...base,
        type: 'checkbox',
        ...(property.default === undefined ? {} : { defaultValue: property.default }),
      };
    case 'number':
    case 'integer': {
      const field: FormFieldPayload = { ...base, type: 'number', required };
      if (property.minimum !== undefined) field.min = property.minimum;
      if (property.maximum !== undefined) field.max = property.maximum;
      if (property.type === 'integer') {
        if (property.minimum !== undefined && !Number.isInteger(property.minimum)) {
          throw new UnsupportedElicitationError(
            `"${name}": an integer with a fractional minimum is not supported`,
          );
        }
        field.step = 1;
      }
      if (property.default !== undefined) field.defaultValue = property.default;
      return field;
    }
    case 'array': {
      const items = property.items as { enum?: string[]; anyOf?: { const: string; title: string }[] };
      const options = items.anyOf
        ? items.anyOf.map((option) => ({ value: option.const, label: option.title }))
        : (items.enum ?? []).map((value) => ({ value, label: value }));
      if (options.length === 0) {
        throw new UnsupportedElicitationError(`"${name}": a multi-select needs at least one option`);
      }
      const field: FormFieldPayload = { ...base, type: 'multiselect', required, options };
      if (property.minItems !== undefined) field.min = property.minItems;
      if (property.maxItems !== undefined) field.max = property.maxItems;
      if (property.default !== undefined) field.defaultValue = property.default;
      return field;
    }
    case 'string': {
      const options = selectOptions(property);
      if (options) {
        if (options.length === 0)
          throw new UnsupportedElicitationError(`"${name}": an enum needs at least one value`);
        return {
          ...base,
          type: 'select',
          required,
          options,
          ...(property.default === undefined ? {} : { defaultValue: property.default }),
        };
      }
      const string = property as Extract<Property, { type: 'string'; format?: unknown }>;
      const format = 'format' in string && string.format ? STRING_FORMATS[string.format] : undefined;
      const field: FormFieldPayload = { ...base, type: format ?? 'text', required };
      if (format === 'datetime') {
        field.description = [field.description, 'Date and time in UTC.'].filter(Boolean).join(' ');
      }
      if ('minLength' in string && string.minLength !== undefined) field.minLength = string.minLength;
      if ('maxLength' in string && string.maxLength !== undefined) field.maxLength = string.maxLength;
      if (string.default !== undefined) {
        const value = format === 'datetime' ? toUtcLocal(string.default) : string.default;
        if (value !== undefined) field.defaultValue = value;
      }
      return field;
    }
    default:
      throw new UnsupportedElicitationError(
        `"${name}": type ${JSON.stringify((property as { type?: unknown }).type)} is not supported`,
      );
  }
}

/**
 * The `form` review of an elicitation's `requestedSchema`: one field per property, in order, with its
 * title, description, default, bounds and `required`. Strings with `format` become email / url / date /
 * date-time (in UTC) fields, enums (`enum`, `enumNames`, `oneOf`) selects, arrays of enums multi-selects.
 * Anything else is refused with {@link UnsupportedElicitationError}.
 */
export function elicitationForm(schema: RequestedSchema): FormPayload {
  if (schema.type !== 'object') throw new UnsupportedElicitationError('requestedSchema must be an object');
  const required = new Set(schema.required ?? []);
  const names = Object.keys(schema.properties);
  for (const name of required) {
    if (!names.includes(name))
      throw new UnsupportedElicitationError(`"${name}" is required but not a property`);
  }
  if (names.length === 0) throw new UnsupportedElicitationError('requestedSchema has no properties');
  return {
    fields: names.map((name) => fieldOf(name, schema.properties[name] as Property, required.has(name))),
    submitLabel: 'Submit',
    dismissLabel: 'Decline',
  };
}

/**
 * The elicitation's `content` from a form answer: each answered field with the schema's type (a
 * `date-time` back in RFC 3339, UTC); unanswered optional fields are left out.
 */
export function elicitationContent(schema: RequestedSchema, response: Record<string, unknown>): Content {
  const content: Content = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = response[name];
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (property.type === 'string' && 'format' in property && property.format === 'date-time') {
      content[name] = `${String(value)}:00Z`;
    } else {
      content[name] = value as Content[string];
    }
  }
  return content;
}
