import { fileURLToPath } from 'node:url';
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewType } from '@placet/test-utils';
import { describe, expect, it } from 'vitest';
import { FORM_FIELD_TYPES, form, formReviewType, formSchemas } from './index.js';

const registry = new PluginRegistry([form()]);

const text = { name: 'name', type: 'text', label: 'Name' };
const field = (extra: Record<string, unknown>) => ({
  fields: [text, { name: 'x', type: 'number', label: 'X', ...extra }],
});

describeReviewType(formReviewType, {
  valid: [
    { name: 'one text field', payload: { fields: [text] } },
    {
      name: 'every field type',
      payload: {
        fields: FORM_FIELD_TYPES.map((type) => ({
          name: `f_${type}`,
          type,
          label: type,
          ...(type === 'select' ? { options: ['a'] } : {}),
        })),
        submitLabel: 'Send',
        dismissLabel: 'Cancel',
      },
    },
    {
      name: 'every field property',
      payload: {
        fields: [
          {
            name: 'size',
            type: 'range',
            label: 'Size',
            required: true,
            placeholder: '…',
            defaultValue: 5,
            min: 0,
            max: 10,
            step: 0.5,
            unit: 'm',
            description: 'how big',
          },
          {
            name: 'tier',
            type: 'select',
            label: 'Tier',
            options: ['free', { value: 'pro', label: 'Pro' }],
            defaultValue: 'pro',
          },
          { name: 'ok', type: 'checkbox', label: 'OK', defaultValue: false },
        ],
      },
    },
    {
      name: 'equal min and max',
      payload: { fields: [{ name: 'n', type: 'number', label: 'N', min: 3, max: 3 }] },
    },
    {
      name: 'unknown keys, at the top and in fields',
      payload: { fields: [{ ...text, autocomplete: 'name', width: 2 }], title: 'Who are you?' },
    },
  ],
  invalid: {
    payloads: [
      { name: 'no fields', payload: { fields: [] }, paths: ['review.payload.fields'] },
      { name: 'a missing fields list', payload: { submitLabel: 'Go' }, paths: ['review.payload.fields'] },
      {
        name: 'an unknown field type',
        payload: field({ type: 'color' }),
        paths: ['review.payload.fields.1.type'],
      },
      { name: 'an empty name', payload: field({ name: '' }), paths: ['review.payload.fields.1.name'] },
      {
        name: 'the name __proto__',
        payload: field({ name: '__proto__' }),
        paths: ['review.payload.fields.1.name'],
      },
      { name: 'an empty label', payload: field({ label: '' }), paths: ['review.payload.fields.1.label'] },
      { name: 'a duplicate name', payload: field({ name: 'name' }), paths: ['review.payload.fields.1.name'] },
      {
        name: 'a select without options',
        payload: field({ type: 'select' }),
        paths: ['review.payload.fields.1.options'],
      },
      {
        name: 'a select with empty options',
        payload: field({ type: 'select', options: [] }),
        paths: ['review.payload.fields.1.options'],
      },
      {
        name: 'a malformed option',
        payload: field({ type: 'select', options: ['a', { value: 'b' }] }),
        paths: ['review.payload.fields.1.options.1'],
      },
      { name: 'a zero step', payload: field({ step: 0 }), paths: ['review.payload.fields.1.step'] },
      { name: 'a negative step', payload: field({ step: -1 }), paths: ['review.payload.fields.1.step'] },
      { name: 'min above max', payload: field({ min: 5, max: 1 }), paths: ['review.payload.fields.1.max'] },
      {
        name: 'an object defaultValue',
        payload: field({ defaultValue: {} }),
        paths: ['review.payload.fields.1.defaultValue'],
      },
      {
        name: 'a non-boolean required',
        payload: field({ required: 'yes' }),
        paths: ['review.payload.fields.1.required'],
      },
      {
        name: 'two bad fields',
        payload: {
          fields: [
            { name: 'a', type: 'text' },
            { type: 'text', label: 'B' },
          ],
        },
        paths: ['review.payload.fields.0.label', 'review.payload.fields.1.name'],
      },
    ],
  },
});

describe('form plugin', () => {
  const payload = {
    fields: [
      { name: 'name', type: 'text', label: 'Name', required: true },
      { name: 'secret', type: 'password', label: 'Password' },
      { name: 'age', type: 'number', label: 'Age', unit: 'years' },
      { name: 'tier', type: 'select', label: 'Tier', options: [{ value: 'p', label: 'Pro' }] },
      { name: 'ok', type: 'checkbox', label: 'Agree' },
      { name: 'note', type: 'textarea', label: 'Note' },
    ],
  };

  it.each([
    {
      response: { name: 'Ada', secret: 'hunter2', age: 36, tier: 'p', ok: true, note: null },
      summary: 'Submitted: Name: Ada, Password: ***, Age: 36 years, Tier: Pro, Agree: yes',
    },
    {
      response: { name: 'Ada\nLovelace', ok: false, note: '' },
      summary: 'Submitted: Name: Ada Lovelace, Agree: no',
    },
  ])('summarizes $response as "$summary"', ({ response, summary }) => {
    expect(registry.summarize('form', payload, response)).toBe(summary);
  });

  it('never puts a password into a summary', () => {
    expect(registry.summarize('form', payload, { name: 'A', secret: 'hunter2' })).not.toContain('hunter2');
  });

  it('publishes JSON Schemas and no inputSchema', () => {
    const manifest = registry.manifest('form');
    expect(manifest).toMatchObject({ name: 'form', version: '0.1.0' });
    expect(manifest).not.toHaveProperty('inputSchema');
    const [type] = manifest?.reviewTypes ?? [];
    expect(type?.payloadSchema).toMatchObject({
      type: 'object',
      properties: {
        fields: {
          type: 'array',
          minItems: 1,
          items: { properties: { type: { enum: [...FORM_FIELD_TYPES] } } },
        },
      },
    });
    expect(type?.responseSchema).toMatchObject({
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    });
    expect(registry.jsonSchemas('form', payload).response).toMatchObject({
      properties: { name: { type: 'string' }, age: { type: ['number', 'null'] } },
      required: ['name'],
      additionalProperties: { not: {} },
    });
  });

  it('declares exactly one review type, named after the plugin, with its browser ui', () => {
    expect(form().reviewTypes).toEqual([formReviewType]);
    // One declaration of the schemas: the server definition is spread from what the element validates with.
    expect(formReviewType).toMatchObject(formSchemas);
    expect(formReviewType.type).toBe('form');
    expect(formReviewType.ui).toEqual({
      element: 'placet-form',
      module: fileURLToPath(new URL('../dist/ui.js', import.meta.url)),
    });
  });
});
