import { fileURLToPath } from 'node:url';
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewType } from '@placet/test-utils';
import { describe, expect, it } from 'vitest';
import { textInput, textInputReviewType, textInputSchemas } from './index.js';

const registry = new PluginRegistry([textInput()]);

describeReviewType(textInputReviewType, {
  valid: [
    {
      name: 'an empty payload',
      payload: {},
      responses: [{ text: 'hello' }, { text: '  hi  ' }, { text: 'ok' }],
    },
    {
      name: 'every option',
      payload: {
        placeholder: 'Why?',
        prefill: 'Because',
        markdown: true,
        minLength: 3,
        maxLength: 10,
        submitLabel: 'Send',
        dismissLabel: 'Skip',
      },
    },
    { name: 'equal bounds', payload: { minLength: 4, maxLength: 4 } },
    { name: 'unknown keys', payload: { question: 'Why?', rows: 4 } },
    { name: 'a minLength', payload: { minLength: 3 }, responses: [{ text: 'abc' }] },
    { name: 'a maxLength', payload: { maxLength: 3 }, responses: [{ text: 'abc' }] },
    { name: 'markdown', payload: { markdown: true }, responses: [{ text: '# Title\n\n- item' }] },
    { name: 'a dismissLabel', payload: { dismissLabel: 'No' }, responses: [{ _dismissed: true }] },
  ],
  invalid: {
    payloads: [
      { name: 'a zero minLength', payload: { minLength: 0 }, paths: ['review.payload.minLength'] },
      { name: 'a fractional maxLength', payload: { maxLength: 2.5 }, paths: ['review.payload.maxLength'] },
      { name: 'a negative maxLength', payload: { maxLength: -1 }, paths: ['review.payload.maxLength'] },
      {
        name: 'minLength above maxLength',
        payload: { minLength: 5, maxLength: 4 },
        paths: ['review.payload.maxLength'],
      },
      { name: 'a non-boolean markdown', payload: { markdown: 'yes' }, paths: ['review.payload.markdown'] },
      { name: 'a non-string prefill', payload: { prefill: 1 }, paths: ['review.payload.prefill'] },
      {
        name: 'several problems',
        payload: { placeholder: 1, submitLabel: 2, dismissLabel: 3 },
        paths: ['review.payload.placeholder', 'review.payload.submitLabel', 'review.payload.dismissLabel'],
      },
    ],
    responses: [
      { name: 'an empty text', payload: {}, response: { text: '' }, paths: ['response.text'] },
      { name: 'a blank text', payload: {}, response: { text: ' \n\t ' }, paths: ['response.text'] },
      {
        name: 'a text shorter than minLength',
        payload: { minLength: 3 },
        response: { text: 'ab' },
        paths: ['response.text'],
      },
      {
        name: 'padding counted towards minLength',
        payload: { minLength: 3 },
        response: { text: ' ab ' },
        paths: ['response.text'],
      },
      {
        name: 'a text longer than maxLength',
        payload: { maxLength: 3 },
        response: { text: 'abcd' },
        paths: ['response.text'],
      },
      { name: 'a missing text', payload: {}, response: {}, paths: ['response.text'] },
      { name: 'a number', payload: {}, response: { text: 42 }, paths: ['response.text'] },
      { name: 'an unknown key', payload: {}, response: { text: 'ok', mood: 'happy' }, paths: ['response'] },
      {
        name: 'a dismissal without dismissLabel',
        payload: {},
        response: { _dismissed: true },
        paths: ['response._dismissed'],
      },
    ],
  },
});

describe('text-input plugin', () => {
  it.each([
    { text: 'Looks good', summary: 'Replied: Looks good' },
    { text: 'line one\n\nline two', summary: 'Replied: line one line two' },
    { text: 'y'.repeat(300), summary: `Replied: ${'y'.repeat(99)}…` },
  ])('summarizes $text', ({ text, summary }) => {
    expect(registry.summarize('text-input', {}, { text })).toBe(summary);
  });

  it('publishes JSON Schemas and no inputSchema', () => {
    const manifest = registry.manifest('text-input');
    expect(manifest).toMatchObject({ name: 'text-input', version: '0.1.0' });
    expect(manifest).not.toHaveProperty('inputSchema');
    const [type] = manifest?.reviewTypes ?? [];
    expect(type?.payloadSchema).toMatchObject({
      type: 'object',
      properties: { minLength: { type: 'integer', exclusiveMinimum: 0 } },
    });
    expect(type?.responseSchema).toMatchObject({
      properties: { text: { type: 'string', minLength: 1 } },
      required: ['text'],
      additionalProperties: false,
    });
    expect(registry.jsonSchemas('text-input', { minLength: 2, maxLength: 9 }).response).toMatchObject({
      properties: { text: { minLength: 2, maxLength: 9 } },
    });
  });

  it('declares exactly one review type, named after the plugin, with its browser ui', () => {
    expect(textInput().reviewTypes).toEqual([textInputReviewType]);
    // One declaration of the schemas: the server definition is spread from what the element validates with.
    expect(textInputReviewType).toMatchObject(textInputSchemas);
    expect(textInputReviewType.type).toBe('text-input');
    expect(textInputReviewType.ui).toEqual({
      element: 'placet-text-input',
      module: fileURLToPath(new URL('../dist/ui.js', import.meta.url)),
    });
  });
});
