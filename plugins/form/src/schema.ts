import { defineReviewSchemas, z } from '@placet/core/browser';
import { fieldValueSchema } from './field-value.js';
import { FormPayload } from './form-field.js';

// The form response schemas, shared by the server (index.ts) and the browser UI (ui.ts): like
// form-field.ts and field-value.ts they import only `@placet/core/browser`, so the UI bundle does not
// pull in the engine.

/**
 * Any form answer, independent of a payload (for documentation): values keyed by field name, a list of
 * option values for a multiselect.
 */
export const FormResponse = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]),
);
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

/**
 * The `form` review type's schemas, declared once: the server definition (index.ts) spreads them and the
 * `placet-form` element (ui.ts) validates with them, so both refuse exactly the same answers.
 */
export const formSchemas = defineReviewSchemas<FormPayload, FormResponse>({
  type: 'form',
  payload: FormPayload,
  response: formResponseFor,
  responseSchema: FormResponse,
});
