import { z } from '@placet/core/browser';

/** The twelve field types of a form review. */
export const FORM_FIELD_TYPES = [
  'text',
  'number',
  'email',
  'url',
  'textarea',
  'select',
  'checkbox',
  'date',
  'time',
  'datetime',
  'range',
  'password',
] as const;
export const FormFieldType = z.enum(FORM_FIELD_TYPES);
export type FormFieldType = z.infer<typeof FormFieldType>;

/** A select option: a plain string (value and label alike) or `{ value, label }`. */
export const FormFieldOption = z.union([z.string(), z.looseObject({ value: z.string(), label: z.string() })]);
export type FormFieldOption = z.infer<typeof FormFieldOption>;

/** One field of a form. Unknown keys are kept (the dashboard reads e.g. `description` of checkboxes). */
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
    defaultValue: z.union([z.string(), z.number(), z.boolean()]).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    step: z.number().positive().optional(),
    unit: z.string().optional(),
    description: z.string().optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === 'select' && (field.options ?? []).length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'a select field needs at least one option',
        path: ['options'],
      });
    }
    if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
      ctx.addIssue({
        code: 'custom',
        message: `max (${field.max}) must not be less than min (${field.min})`,
        path: ['max'],
      });
    }
  });
export type FormField = z.infer<typeof FormField>;

/** The value an option stands for in a response. */
export function optionValue(option: FormFieldOption): string {
  return typeof option === 'string' ? option : option.value;
}

/** The label an option is shown with. */
export function optionLabel(option: FormFieldOption): string {
  return typeof option === 'string' ? option : option.label;
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
