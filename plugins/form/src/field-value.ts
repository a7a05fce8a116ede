import { z } from '@placet/core/browser';
import { isCalendarDate, isClockTime, isLocalDateTime } from './calendar.js';
import {
  type FormField,
  type FormFieldType,
  LENGTH_FIELD_TYPES,
  notAnOption,
  optionValue,
} from './form-field.js';

/** A field's answer in a response. `null` (or absence) means "no answer" and is allowed for optional fields. */
export type FormFieldValue = string | number | boolean | string[] | null;

const EMAIL = z.email();
const HTTP_URL = z.url({ protocol: /^https?$/ });

type StringFormat = { check: (value: string) => boolean; message: string; meta?: Record<string, string> };

/** Format rules of the string-valued types; text, textarea and password take any string. */
const STRING_FORMATS: Partial<Record<FormFieldType, StringFormat>> = {
  email: {
    check: (v) => EMAIL.safeParse(v).success,
    message: 'not a valid email address',
    meta: { format: 'email' },
  },
  url: {
    check: (v) => HTTP_URL.safeParse(v).success,
    message: 'not a valid http(s) URL',
    meta: { format: 'uri' },
  },
  date: { check: isCalendarDate, message: 'not a calendar date (yyyy-MM-dd)', meta: { format: 'date' } },
  time: { check: isClockTime, message: 'not a time (HH:mm, 00:00 to 23:59)' },
  datetime: { check: isLocalDateTime, message: 'not a date and time (yyyy-MM-ddTHH:mm)' },
};

/** Relative tolerance of the step check: `0.3` is on a `0.1` step although `0.3 / 0.1` is `2.9999999999999996`. */
const STEP_TOLERANCE = 1e-9;

/** Whether `value` is `base + k * step` for an integer `k`, up to floating-point error. */
export function isOnStep(value: number, step: number, base = 0): boolean {
  const steps = (value - base) / step;
  return Math.abs(steps - Math.round(steps)) <= STEP_TOLERANCE * Math.max(1, Math.abs(steps));
}

/** `required` for a missing or null answer; zod's own message otherwise. */
function typeError(issue: { input?: unknown }): string | undefined {
  return issue.input === undefined || issue.input === null ? 'required' : undefined;
}

/** `1 option`, `3 characters`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * JSON Schema of a lower bound `key` (`minLength`, `minItems`) on a value whose empty form (`''`, `[]`)
 * is "no answer": a required field cannot be empty, so the bound holds as is; an optional one may also
 * be empty, which `anyOf` says.
 */
function lowerBoundMeta(key: 'minLength' | 'minItems', min: number, required: boolean) {
  if (min <= 0) return {};
  const empty = key === 'minLength' ? 'maxLength' : 'maxItems';
  return required ? { [key]: min } : { anyOf: [{ [empty]: 0 }, { [key]: min }] };
}

interface StringRules {
  format?: StringFormat | undefined;
  allowed?: readonly string[] | undefined;
  minLength?: number | undefined;
  maxLength?: number | undefined;
}

function stringValue(required: boolean, rules: StringRules = {}): z.ZodType {
  const { format, allowed, minLength, maxLength } = rules;
  const schema = z.string({ error: typeError }).check((ctx) => {
    if (ctx.value === '') {
      if (required) ctx.issues.push({ code: 'custom', message: 'required', input: ctx.value });
      return;
    }
    const fail = (message: string) => ctx.issues.push({ code: 'custom', message, input: ctx.value });
    if (format && !format.check(ctx.value)) fail(format.message);
    if (allowed && !allowed.includes(ctx.value)) fail(notAnOption(allowed));
    const { length } = ctx.value;
    if (minLength !== undefined && length < minLength) fail(`at least ${count(minLength, 'character')}`);
    if (maxLength !== undefined && length > maxLength) fail(`at most ${count(maxLength, 'character')}`);
  });
  const meta: Record<string, unknown> = {
    ...format?.meta,
    ...(allowed && required ? { enum: [...allowed] } : {}),
    ...lowerBoundMeta('minLength', minLength ?? 0, required),
    ...(maxLength === undefined ? {} : { maxLength }),
  };
  return Object.keys(meta).length > 0 ? schema.meta(meta) : schema;
}

/**
 * A multiselect's answer: distinct option values, at least `min` (and one when required) and at most
 * `max` of them. `[]` is "no answer", like `''` for a string.
 */
function multiselectValue(field: FormField, required: boolean): z.ZodType {
  const allowed = (field.options ?? []).map(optionValue);
  const min = Math.max(field.min ?? 0, required ? 1 : 0);
  const { max } = field;
  const schema = z.array(z.string().meta({ enum: [...allowed] }), { error: typeError }).check((ctx) => {
    const values = ctx.value;
    if (values.length === 0) {
      if (required) ctx.issues.push({ code: 'custom', message: 'required', input: values });
      return;
    }
    const seen = new Set<string>();
    values.forEach((value, index) => {
      const fail = (message: string) =>
        ctx.issues.push({ code: 'custom', message, input: value, path: [index] });
      if (!allowed.includes(value)) fail(notAnOption(allowed));
      else if (seen.has(value)) fail(`${JSON.stringify(value)} is chosen more than once`);
      seen.add(value);
    });
    const fail = (message: string) => ctx.issues.push({ code: 'custom', message, input: values });
    if (values.length < min) fail(`choose at least ${count(min, 'option')}`);
    if (max !== undefined && values.length > max) fail(`choose at most ${count(max, 'option')}`);
  });
  return schema.meta({
    uniqueItems: true,
    ...lowerBoundMeta('minItems', min, required),
    ...(max === undefined ? {} : { maxItems: max }),
  });
}

function numberValue(field: FormField): z.ZodType {
  let schema = z.number({ error: typeError });
  if (field.min !== undefined) schema = schema.gte(field.min);
  if (field.max !== undefined) schema = schema.lte(field.max);
  const { step } = field;
  if (step === undefined) return schema;
  const base = field.min ?? 0;
  return schema.check((ctx) => {
    if (!isOnStep(ctx.value, step, base)) {
      const from = field.min === undefined ? '' : ` from ${base}`;
      ctx.issues.push({ code: 'custom', message: `not on a step of ${step}${from}`, input: ctx.value });
    }
  });
}

/**
 * The schema of one field's answer: the value type of the field (string, finite number, boolean or, for a
 * multiselect, a list of option values) and its rules. Optional fields also accept `null` or absence,
 * string-valued ones `''` (an empty input) and a multiselect `[]` (nothing chosen).
 */
export function fieldValueSchema(field: FormField): z.ZodType<FormFieldValue | undefined> {
  const required = field.required === true;
  let schema: z.ZodType;
  switch (field.type) {
    case 'number':
    case 'range':
      schema = numberValue(field);
      break;
    case 'checkbox':
      schema = z.boolean({ error: typeError });
      break;
    case 'select':
      schema = stringValue(required, { allowed: (field.options ?? []).map(optionValue) });
      break;
    case 'multiselect':
      schema = multiselectValue(field, required);
      break;
    default: {
      const lengths: Pick<FormField, 'minLength' | 'maxLength'> = LENGTH_FIELD_TYPES.has(field.type)
        ? field
        : {};
      schema = stringValue(required, {
        format: STRING_FORMATS[field.type],
        minLength: lengths.minLength,
        maxLength: lengths.maxLength,
      });
    }
  }
  return (required ? schema : schema.nullable().optional()) as z.ZodType<FormFieldValue | undefined>;
}
