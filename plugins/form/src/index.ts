import { fileURLToPath } from 'node:url';
import { definePlugin, defineReviewType, oneLine } from '@placet/core/plugin';
import type { FormFieldValue } from './field-value.js';
import { choiceLabels, type FormField, type FormPayload, optionLabel, optionValue } from './form-field.js';
import { type FormResponse, formSchemas } from './schema.js';

export { type FormFieldValue, fieldValueSchema, isOnStep } from './field-value.js';
export {
  FORM_FIELD_TYPES,
  FormField,
  FormFieldOption,
  FormFieldType,
  FormPayload,
} from './form-field.js';
export { FormResponse, formResponseFor, formSchemas } from './schema.js';

/**
 * The browser UI module: the built `dist/ui.js` of this package, whether this file runs from `src/`
 * (tests, through the `@placet/source` condition) or from `dist/` (a build). Build the package to create it.
 */
export const FORM_UI_MODULE = fileURLToPath(new URL('../dist/ui.js', import.meta.url));

function displayValue(field: FormField, value: FormFieldValue): string {
  if (field.type === 'password') return '***';
  if (Array.isArray(value)) return oneLine(choiceLabels(field, value).join(', '), 40);
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
    if (Array.isArray(value) && value.length === 0) continue;
    parts.push(`${oneLine(field.label, 40)}: ${displayValue(field, value)}`);
  }
  return oneLine(parts.length > 0 ? `Submitted: ${parts.join(', ')}` : 'Submitted an empty form', 160);
}

export const formReviewType = defineReviewType({
  ...formSchemas,
  displayName: 'Form',
  description: 'Ask a human to fill in a form of typed fields (text, number, email, date, select, …).',
  summarize: summarizeForm,
  ui: { element: 'placet-form', module: FORM_UI_MODULE },
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
