import { definePlugin, defineReviewType, z } from '@placet/core';
import { type FormFieldValue, fieldValueSchema } from './field-value.js';
import { type FormField, FormPayload, optionLabel, optionValue } from './form-field.js';

export { type FormFieldValue, fieldValueSchema, isOnStep } from './field-value.js';
export {
  FORM_FIELD_TYPES,
  FormField,
  FormFieldOption,
  FormFieldType,
  FormPayload,
} from './form-field.js';

/** Any form answer, independent of a payload (for documentation): values keyed by field name. */
export const FormResponse = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type FormResponse = z.infer<typeof FormResponse>;

/** Rejects a key that names no field, at the path of that key. */
const UNKNOWN_FIELD = z
  .unknown()
  .refine(() => false, { error: 'not a field of this form' })
  // JSON Schema: `additionalProperties: { not: {} }`, i.e. no other keys.
  .meta({ not: {} });

/**
 * The answers valid for `payload`: an object keyed by field name, with every required field answered,
 * each value valid for its field, and no other keys.
 */
export function formResponseFor(payload: FormPayload): z.ZodType<FormResponse> {
  const shape = Object.fromEntries(
    (payload.fields ?? []).map((field) => [field.name, fieldValueSchema(field)]),
  );
  return z.object(shape).catchall(UNKNOWN_FIELD) as z.ZodType<FormResponse>;
}

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function displayValue(field: FormField, value: FormFieldValue): string {
  if (field.type === 'password') return '***';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (field.type === 'select') {
    const option = (field.options ?? []).find((candidate) => optionValue(candidate) === value);
    if (option) return optionLabel(option);
  }
  const text = oneLine(String(value), 40);
  return field.unit && typeof value === 'number' ? `${text} ${field.unit}` : text;
}

/** `Submitted: Name: Ada, Age: 36 years, Password: ***`; unanswered fields are left out, passwords masked. */
export function summarizeForm(response: FormResponse, payload: FormPayload): string {
  const parts: string[] = [];
  for (const field of payload.fields ?? []) {
    const value = response[field.name];
    if (value === undefined || value === null || value === '') continue;
    parts.push(`${oneLine(field.label, 40)}: ${displayValue(field, value)}`);
  }
  return oneLine(parts.length > 0 ? `Submitted: ${parts.join(', ')}` : 'Submitted an empty form');
}

export const formReviewType = defineReviewType<FormPayload, FormResponse>({
  type: 'form',
  displayName: 'Form',
  description: 'Ask a human to fill in a form of typed fields (text, number, email, date, select, …).',
  payload: FormPayload,
  response: formResponseFor,
  responseSchema: FormResponse,
  summarize: summarizeForm,
});

/** The built-in `form` review type as a plugin. */
export const form = () =>
  definePlugin({
    name: 'form',
    version: '0.1.0',
    displayName: 'Form',
    description: 'Built-in review type: fill in a form of typed fields.',
    reviewTypes: [formReviewType],
  });
