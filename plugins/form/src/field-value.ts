import { z } from '@placet/core/browser';
import { isCalendarDate, isClockTime, isLocalDateTime } from './calendar.js';
import { type FormField, type FormFieldType, optionValue } from './form-field.js';

/** A field's answer in a response. `null` (or absence) means "no answer" and is allowed for optional fields. */
export type FormFieldValue = string | number | boolean | null;

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

function stringValue(required: boolean, format?: StringFormat, allowed?: readonly string[]): z.ZodType {
  const schema = z.string({ error: typeError }).check((ctx) => {
    if (ctx.value === '') {
      if (required) ctx.issues.push({ code: 'custom', message: 'required', input: ctx.value });
      return;
    }
    if (format && !format.check(ctx.value)) {
      ctx.issues.push({ code: 'custom', message: format.message, input: ctx.value });
    }
    if (allowed && !allowed.includes(ctx.value)) {
      const list = allowed.map((value) => JSON.stringify(value)).join(', ');
      ctx.issues.push({ code: 'custom', message: `not one of the options: ${list}`, input: ctx.value });
    }
  });
  if (allowed && required) return schema.meta({ enum: [...allowed] });
  return format?.meta ? schema.meta(format.meta) : schema;
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
 * The schema of one field's answer: the value type of the field (string, finite number or boolean) and
 * its rules. Optional fields also accept `null` or absence, and string-valued ones `''` (an empty input).
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
      schema = stringValue(required, undefined, (field.options ?? []).map(optionValue));
      break;
    default:
      schema = stringValue(required, STRING_FORMATS[field.type]);
  }
  return (required ? schema : schema.nullable().optional()) as z.ZodType<FormFieldValue | undefined>;
}
