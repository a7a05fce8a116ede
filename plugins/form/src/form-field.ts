import { z } from '@placet/core/browser';

/** The thirteen field types of a form review. */
export const FORM_FIELD_TYPES = [
  'text',
  'number',
  'email',
  'url',
  'textarea',
  'select',
  'multiselect',
  'checkbox',
  'date',
  'time',
  'datetime',
  'range',
  'password',
] as const;
export const FormFieldType = z.enum(FORM_FIELD_TYPES);
export type FormFieldType = z.infer<typeof FormFieldType>;

/** The field types whose answer is free text, and so take `minLength` / `maxLength`. */
export const LENGTH_FIELD_TYPES: ReadonlySet<FormFieldType> = new Set([
  'text',
  'textarea',
  'password',
  'email',
  'url',
]);

/** A select or multiselect option: a plain string (value and label alike) or `{ value, label }`. */
export const FormFieldOption = z.union([z.string(), z.looseObject({ value: z.string(), label: z.string() })]);
export type FormFieldOption = z.infer<typeof FormFieldOption>;

/**
 * One field of a form. Unknown keys are kept (the dashboard reads e.g. `description` of checkboxes).
 *
 * - `options`: the choices of a `select` (one answer) or `multiselect` (several), at least one.
 * - `min` / `max`: the bounds of a `number` or `range`; for a `multiselect`, how many options may be
 *   chosen (non-negative integers). Other types ignore them.
 * - `minLength` / `maxLength`: the length of a non-empty answer to `text`, `textarea`, `password`,
 *   `email` and `url` (non-negative integers, in UTF-16 code units as the browser counts them). Other
 *   types ignore them.
 * - `defaultValue`: the initial value of the control; a list of option values for a `multiselect`.
 */
export const FormField = z
  .looseObject({
    name: z
      .string()
      .min(1)
      .refine((name) => name !== '__proto__', { error: '"__proto__" cannot be a field name' }),
    type: FormFieldType,
    label: z.string().min(1),
    required: z.boolean().optional(),
    placeholder: z.string().optional(),
    options: z.array(FormFieldOption).optional(),
    defaultValue: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    step: z.number().positive().optional(),
    minLength: z.int().nonnegative().optional(),
    maxLength: z.int().nonnegative().optional(),
    unit: z.string().optional(),
    description: z.string().optional(),
  })
  .superRefine((field, ctx) => {
    const issue = (message: string, path: PropertyKey[]) => ctx.addIssue({ code: 'custom', message, path });
    const choice = field.type === 'select' || field.type === 'multiselect';
    if (choice && (field.options ?? []).length === 0) {
      issue(`a ${field.type} field needs at least one option`, ['options']);
    }
    if (field.type === 'multiselect') checkMultiselect(field, issue);
    else if (Array.isArray(field.defaultValue)) {
      issue('only a multiselect field takes a list as its defaultValue', ['defaultValue']);
    }
    if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
      issue(`max (${field.max}) must not be less than min (${field.min})`, ['max']);
    }
    const { minLength, maxLength } = field;
    if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
      issue(`maxLength (${maxLength}) must not be less than minLength (${minLength})`, ['maxLength']);
    }
  });
export type FormField = z.infer<typeof FormField>;

type AddIssue = (message: string, path: PropertyKey[]) => void;

/** `min`/`max` count options, and the default is a list of distinct option values. */
function checkMultiselect(
  field: Pick<FormField, 'options' | 'min' | 'max' | 'defaultValue'>,
  issue: AddIssue,
): void {
  const allowed = (field.options ?? []).map(optionValue);
  for (const key of ['min', 'max'] as const) {
    const bound = field[key];
    if (bound !== undefined && !(Number.isInteger(bound) && bound >= 0)) {
      issue(`${key} of a multiselect is a number of options: a non-negative integer`, [key]);
    }
  }
  const { min } = field;
  if (min !== undefined && Number.isInteger(min) && allowed.length > 0 && min > allowed.length) {
    issue(`min (${min}) is more than the ${allowed.length} options`, ['min']);
  }
  const dv = field.defaultValue;
  if (dv === undefined) return;
  if (!Array.isArray(dv)) {
    issue('the defaultValue of a multiselect is a list of option values', ['defaultValue']);
    return;
  }
  const seen = new Set<string>();
  dv.forEach((value, index) => {
    const path = ['defaultValue', index];
    if (!allowed.includes(value)) issue(notAnOption(allowed), path);
    else if (seen.has(value)) issue(`${JSON.stringify(value)} is listed more than once`, path);
    seen.add(value);
  });
}

/** The message of a value that is none of `allowed`. */
export function notAnOption(allowed: readonly string[]): string {
  return `not one of the options: ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
}

/** The value an option stands for in a response. */
export function optionValue(option: FormFieldOption): string {
  return typeof option === 'string' ? option : option.value;
}

/** The label an option is shown with. */
export function optionLabel(option: FormFieldOption): string {
  return typeof option === 'string' ? option : option.label;
}

/** The labels of the options of `field` whose values are `values`, in that order (an unknown value as is). */
export function choiceLabels(field: Pick<FormField, 'options'>, values: readonly unknown[]): string[] {
  const options = field.options ?? [];
  return values.map((value) => {
    const option = options.find((candidate) => optionValue(candidate) === value);
    return option ? optionLabel(option) : String(value);
  });
}

/** What an agent asks: a form of `fields` with unique names. Unknown keys are kept. */
export const FormPayload = z
  .looseObject({
    fields: z.array(FormField).min(1),
    submitLabel: z.string().optional(),
    dismissLabel: z.string().optional(),
  })
  .superRefine((payload, ctx) => {
    const seen = new Set<string>();
    payload.fields.forEach((field, index) => {
      if (seen.has(field.name)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate field name "${field.name}"`,
          path: ['fields', index, 'name'],
        });
      }
      seen.add(field.name);
    });
  });
export type FormPayload = z.infer<typeof FormPayload>;
