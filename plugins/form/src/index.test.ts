import { readFileSync } from 'node:fs';
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
          ...(type === 'select' || type === 'multiselect' ? { options: ['a'] } : {}),
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
          {
            name: 'tags',
            type: 'multiselect',
            label: 'Tags',
            required: true,
            options: ['a', { value: 'b', label: 'B' }, 'c'],
            defaultValue: ['c', 'a'],
            min: 1,
            max: 2,
            description: 'pick some',
          },
          {
            name: 'bio',
            type: 'textarea',
            label: 'Bio',
            minLength: 0,
            maxLength: 500,
            defaultValue: 'Hi',
          },
        ],
      },
    },
    {
      name: 'a multiselect with min 0, an empty default and as many as its options',
      payload: {
        fields: [
          {
            name: 'm',
            type: 'multiselect',
            label: 'M',
            options: ['a', 'b'],
            min: 0,
            max: 0,
            defaultValue: [],
          },
          { name: 'n', type: 'multiselect', label: 'N', options: ['a', 'b'], min: 2 },
        ],
      },
    },
    {
      name: 'length rules on every string-valued type, equal minLength and maxLength',
      payload: {
        fields: (['text', 'textarea', 'password', 'email', 'url'] as const).map((type) => ({
          name: type,
          type,
          label: type,
          minLength: 8,
          maxLength: 8,
        })),
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
        name: 'a multiselect without options',
        payload: field({ type: 'multiselect' }),
        paths: ['review.payload.fields.1.options'],
      },
      {
        name: 'a multiselect with empty options',
        payload: field({ type: 'multiselect', options: [] }),
        paths: ['review.payload.fields.1.options'],
      },
      {
        name: 'a negative and a fractional count of a multiselect',
        payload: field({ type: 'multiselect', options: ['a', 'b'], min: -1, max: 1.5 }),
        paths: ['review.payload.fields.1.min', 'review.payload.fields.1.max'],
      },
      {
        name: 'a multiselect min above its number of options',
        payload: field({ type: 'multiselect', options: ['a', 'b'], min: 3 }),
        paths: ['review.payload.fields.1.min'],
      },
      {
        name: 'a multiselect min above its max',
        payload: field({ type: 'multiselect', options: ['a', 'b'], min: 2, max: 1 }),
        paths: ['review.payload.fields.1.max'],
      },
      {
        name: 'a multiselect default that is not a list',
        payload: field({ type: 'multiselect', options: ['a'], defaultValue: 'a' }),
        paths: ['review.payload.fields.1.defaultValue'],
      },
      {
        name: 'a multiselect default with a value that is no option, and one listed twice',
        payload: field({
          type: 'multiselect',
          options: ['a', { value: 'b', label: 'B' }],
          defaultValue: ['a', 'B', 'a'],
        }),
        paths: ['review.payload.fields.1.defaultValue.1', 'review.payload.fields.1.defaultValue.2'],
      },
      {
        name: 'a multiselect default with a number in it',
        payload: field({ type: 'multiselect', options: ['a'], defaultValue: ['a', 1] }),
        paths: ['review.payload.fields.1.defaultValue'],
      },
      {
        name: 'a list default on a select',
        payload: field({ type: 'select', options: ['a'], defaultValue: ['a'] }),
        paths: ['review.payload.fields.1.defaultValue'],
      },
      {
        name: 'a list default on a text field',
        payload: field({ type: 'text', defaultValue: [] }),
        paths: ['review.payload.fields.1.defaultValue'],
      },
      {
        name: 'a negative minLength and a fractional maxLength',
        payload: field({ type: 'text', minLength: -1, maxLength: 2.5 }),
        paths: ['review.payload.fields.1.minLength', 'review.payload.fields.1.maxLength'],
      },
      {
        name: 'a string maxLength',
        payload: field({ type: 'textarea', maxLength: '10' }),
        paths: ['review.payload.fields.1.maxLength'],
      },
      {
        name: 'minLength above maxLength',
        payload: field({ type: 'email', minLength: 5, maxLength: 4 }),
        paths: ['review.payload.fields.1.maxLength'],
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
      { name: 'tags', type: 'multiselect', label: 'Tags', options: ['x', { value: 'p', label: 'Pro' }] },
    ],
  };

  it.each([
    {
      response: { name: 'Ada', secret: 'hunter2', age: 36, tier: 'p', ok: true, note: null },
      summary: 'Submitted: Name: Ada, Password: ***, Age: 36 years, Tier: Pro, Agree: yes',
    },
    {
      response: { name: 'Ada\nLovelace', ok: false, note: '', tags: [] },
      summary: 'Submitted: Name: Ada Lovelace, Agree: no',
    },
    {
      response: { name: 'Ada', tags: ['p', 'x'] },
      summary: 'Submitted: Name: Ada, Tags: Pro, x',
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
      additionalProperties: {
        anyOf: [
          { type: 'string' },
          { type: 'number' },
          { type: 'boolean' },
          { type: 'array', items: { type: 'string' } },
          { type: 'null' },
        ],
      },
    });
    expect(registry.jsonSchemas('form', payload).response).toMatchObject({
      properties: { name: { type: 'string' }, age: { type: ['number', 'null'] } },
      required: ['name'],
      additionalProperties: { not: {} },
    });
  });

  it('describes a multiselect answer as a list of distinct options, and the length rules', () => {
    const asked = {
      fields: [
        {
          name: 'tags',
          type: 'multiselect',
          label: 'T',
          required: true,
          options: ['a', { value: 'b', label: 'B' }],
          max: 2,
        },
        { name: 'more', type: 'multiselect', label: 'M', options: ['a', 'b', 'c'], min: 2 },
        { name: 'any', type: 'multiselect', label: 'A', options: ['a'] },
        { name: 'code', type: 'text', label: 'C', required: true, minLength: 2, maxLength: 6 },
        { name: 'note', type: 'textarea', label: 'N', minLength: 3 },
        { name: 'mail', type: 'email', label: 'E', required: true, maxLength: 50 },
        { name: 'day', type: 'date', label: 'D', minLength: 3 }, // ignored: not free text
      ],
    };
    const items = (values: string[]) => ({ type: 'string', enum: values });
    expect(registry.jsonSchemas('form', asked).response).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        tags: { type: 'array', items: items(['a', 'b']), uniqueItems: true, minItems: 1, maxItems: 2 },
        // Optional: `[]` (nothing chosen) is an answer too.
        more: {
          anyOf: [
            {
              type: 'array',
              items: items(['a', 'b', 'c']),
              uniqueItems: true,
              anyOf: [{ maxItems: 0 }, { minItems: 2 }],
            },
            { type: 'null' },
          ],
        },
        any: { anyOf: [{ type: 'array', items: items(['a']), uniqueItems: true }, { type: 'null' }] },
        code: { type: 'string', minLength: 2, maxLength: 6 },
        note: { anyOf: [{ type: 'string', anyOf: [{ maxLength: 0 }, { minLength: 3 }] }, { type: 'null' }] },
        mail: { type: 'string', format: 'email', maxLength: 50 },
        day: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
      },
      required: ['tags', 'code', 'mail'],
      additionalProperties: { not: {} },
    });
  });

  it('describes the answers of the other field types as before', () => {
    const asked = {
      fields: [
        { name: 'a', type: 'text', label: 'A', required: true, min: 3 },
        { name: 'b', type: 'textarea', label: 'B' },
        { name: 'c', type: 'password', label: 'C' },
        { name: 'd', type: 'number', label: 'D', min: 1, max: 5, step: 1 },
        { name: 'e', type: 'range', label: 'E', required: true },
        { name: 'f', type: 'email', label: 'F' },
        { name: 'g', type: 'url', label: 'G', required: true },
        { name: 'h', type: 'select', label: 'H', options: ['x', { value: 'y', label: 'Y' }] },
        { name: 'i', type: 'select', label: 'I', required: true, options: ['x'] },
        { name: 'j', type: 'checkbox', label: 'J' },
        { name: 'k', type: 'date', label: 'K' },
        { name: 'l', type: 'time', label: 'L', required: true },
        { name: 'm', type: 'datetime', label: 'M' },
      ],
    };
    expect(registry.jsonSchemas('form', asked).response).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        a: { type: 'string' },
        b: { type: ['string', 'null'] },
        c: { type: ['string', 'null'] },
        d: { anyOf: [{ type: 'number', minimum: 1, maximum: 5 }, { type: 'null' }] },
        e: { type: 'number' },
        f: { anyOf: [{ type: 'string', format: 'email' }, { type: 'null' }] },
        g: { type: 'string', format: 'uri' },
        h: { type: ['string', 'null'] },
        i: { type: 'string', enum: ['x'] },
        j: { type: ['boolean', 'null'] },
        k: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
        l: { type: 'string' },
        m: { type: ['string', 'null'] },
      },
      required: ['a', 'e', 'g', 'i', 'l'],
      additionalProperties: { not: {} },
    });
  });

  it('accepts the example of its README, and the answer it shows', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map(([, json]) => JSON.parse(json ?? ''));
    const [request, answer] = blocks;
    const payload = registry.parsePayload('form', request.review.payload);
    expect(registry.parseResponse('form', payload, answer)).toEqual(answer);
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
