import { fileURLToPath } from 'node:url';
import { isPlacetError, PluginRegistry } from '@placet/core';
import { describe, expect, it } from 'vitest';
import { textInput, textInputReviewType } from './index.js';

const registry = new PluginRegistry([textInput()]);

/** The code and issue paths of the PlacetError `fn` throws; fails the test when it does not throw one. */
function failure(fn: () => unknown): { code: string; paths: string[] } {
  try {
    fn();
  } catch (error) {
    if (!isPlacetError(error)) throw error;
    return { code: error.code, paths: (error.issues ?? []).map((issue) => issue.path) };
  }
  throw new Error('expected a PlacetError, but the call succeeded');
}

describe('text-input payload', () => {
  it.each([
    { name: 'an empty payload', payload: {} },
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
  ])('accepts $name', ({ payload }) => {
    expect(registry.parsePayload('text-input', payload)).toEqual(payload);
  });

  it.each([
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
  ])('rejects $name', ({ payload, paths }) => {
    expect(failure(() => registry.parsePayload('text-input', payload))).toEqual({
      code: 'INVALID_REVIEW_PAYLOAD',
      paths,
    });
  });

  it('keeps unknown keys', () => {
    expect(registry.parsePayload('text-input', { question: 'Why?', rows: 4 })).toEqual({
      question: 'Why?',
      rows: 4,
    });
  });
});

describe('text-input response', () => {
  it.each([
    { name: 'some text', payload: {}, text: 'hello' },
    { name: 'text with padding', payload: {}, text: '  hi  ' },
    { name: 'text of exactly minLength', payload: { minLength: 3 }, text: 'abc' },
    { name: 'text of exactly maxLength', payload: { maxLength: 3 }, text: 'abc' },
    { name: 'multi-line markdown', payload: { markdown: true }, text: '# Title\n\n- item' },
  ])('accepts $name', ({ payload, text }) => {
    expect(registry.parseResponse('text-input', payload, { text })).toEqual({ text });
  });

  it.each([
    { name: 'an empty text', payload: {}, response: { text: '' } },
    { name: 'a blank text', payload: {}, response: { text: ' \n\t ' } },
    { name: 'a text shorter than minLength', payload: { minLength: 3 }, response: { text: 'ab' } },
    { name: 'padding counted towards minLength', payload: { minLength: 3 }, response: { text: ' ab ' } },
    { name: 'a text longer than maxLength', payload: { maxLength: 3 }, response: { text: 'abcd' } },
    { name: 'a missing text', payload: {}, response: {} },
    { name: 'a number', payload: {}, response: { text: 42 } },
  ])('rejects $name at response.text', ({ payload, response }) => {
    expect(failure(() => registry.parseResponse('text-input', payload, response))).toEqual({
      code: 'INVALID_REVIEW_RESPONSE',
      paths: ['response.text'],
    });
  });

  it('rejects unknown keys', () => {
    expect(failure(() => registry.parseResponse('text-input', {}, { text: 'ok', mood: 'happy' }))).toEqual({
      code: 'INVALID_REVIEW_RESPONSE',
      paths: ['response'],
    });
  });

  it('accepts { _dismissed: true } only when the payload has a dismissLabel', () => {
    expect(registry.parseResponse('text-input', { dismissLabel: 'No' }, { _dismissed: true })).toEqual({
      _dismissed: true,
    });
    expect(failure(() => registry.parseResponse('text-input', {}, { _dismissed: true }))).toEqual({
      code: 'INVALID_REVIEW_RESPONSE',
      paths: ['response._dismissed'],
    });
  });
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
    expect(textInputReviewType.type).toBe('text-input');
    expect(textInputReviewType.ui).toEqual({
      element: 'placet-text-input',
      module: fileURLToPath(new URL('../dist/ui.js', import.meta.url)),
    });
  });
});
