import { fileURLToPath } from 'node:url';
import { isPlacetError, PluginRegistry } from '@placet/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FREEFORM_MAX_BYTES, freeform, freeformReviewType } from './index.js';

const registry = new PluginRegistry([freeform()]);
const small = new PluginRegistry([freeform({ maxBytes: 100 })]);

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

/** An object whose JSON serialisation is exactly `bytes` bytes long. */
function jsonOfSize(bytes: number, char = 'x'): Record<string, string> {
  const overhead = JSON.stringify({ d: '' }).length;
  const perChar = Buffer.byteLength(char, 'utf8');
  const value = { d: char.repeat(Math.floor((bytes - overhead) / perChar)) };
  expect(Buffer.byteLength(JSON.stringify(value), 'utf8')).toBe(bytes);
  return value;
}

describe('freeform payload', () => {
  it.each([
    { name: 'an empty object', payload: {} },
    {
      name: 'a plugin payload',
      payload: { plugin: 'poll', question: 'Lunch?', choices: ['pizza', 'sushi'] },
    },
    {
      name: 'nested data and a dismiss label',
      payload: { a: { b: [1, null, { c: true }] }, dismissLabel: 'Skip' },
    },
    { name: 'exactly 64 KiB', payload: jsonOfSize(64 * 1024) },
  ])('accepts $name, keeping every key', ({ payload }) => {
    expect(registry.parsePayload('freeform', payload)).toEqual(payload);
  });

  it.each([
    { name: 'one byte over 64 KiB', payload: jsonOfSize(64 * 1024 + 1), paths: ['review.payload'] },
    { name: 'a non-string plugin', payload: { plugin: 42 }, paths: ['review.payload.plugin'] },
    {
      name: 'a non-string dismissLabel',
      payload: { dismissLabel: false },
      paths: ['review.payload.dismissLabel'],
    },
    { name: 'an array', payload: [1, 2], paths: ['review.payload'] },
    { name: 'a string', payload: 'hello', paths: ['review.payload'] },
  ])('rejects $name', ({ payload, paths }) => {
    expect(failure(() => registry.parsePayload('freeform', payload))).toEqual({
      code: 'INVALID_REVIEW_PAYLOAD',
      paths,
    });
  });

  it('counts bytes of UTF-8, not characters', () => {
    expect(small.parsePayload('freeform', jsonOfSize(100, 'é'))).toBeTruthy();
    expect(failure(() => small.parsePayload('freeform', jsonOfSize(102, 'é'))).paths).toEqual([
      'review.payload',
    ]);
  });

  it('rejects a payload that is not JSON', () => {
    expect(failure(() => registry.parsePayload('freeform', { big: 1n })).paths).toEqual(['review.payload']);
  });

  it('applies the maxBytes option', () => {
    expect(small.parsePayload('freeform', jsonOfSize(100))).toBeTruthy();
    expect(failure(() => small.parsePayload('freeform', jsonOfSize(101))).code).toBe(
      'INVALID_REVIEW_PAYLOAD',
    );
    expect(DEFAULT_FREEFORM_MAX_BYTES).toBe(65536);
  });

  it.each([
    { options: { maxBytes: 0 }, path: 'freeform.maxBytes' },
    { options: { maxBytes: 1.5 }, path: 'freeform.maxBytes' },
    { options: { maxBytes: 'a lot' }, path: 'freeform.maxBytes' },
    { options: { maxbytes: 10 }, path: 'freeform' },
  ])('refuses the options $options with INVALID_OPTIONS', ({ options, path }) => {
    // @ts-expect-error invalid options on purpose
    expect(failure(() => freeform(options))).toEqual({ code: 'INVALID_OPTIONS', paths: [path] });
  });
});

describe('freeform response', () => {
  it.each([
    { name: 'an empty object', response: {} },
    { name: 'any keys', response: { choice: 'sushi', votes: 3, detail: { ok: true } } },
    { name: 'a _dismissed false flag', response: { _dismissed: false } },
  ])('accepts $name', ({ response }) => {
    expect(registry.parseResponse('freeform', { plugin: 'poll' }, response)).toEqual(response);
  });

  it.each([
    { name: 'an array', response: ['sushi'] },
    { name: 'a string', response: 'sushi' },
    { name: 'null', response: null },
  ])('rejects $name', ({ response }) => {
    expect(failure(() => registry.parseResponse('freeform', {}, response))).toEqual({
      code: 'INVALID_REVIEW_RESPONSE',
      paths: ['response'],
    });
  });

  it('limits the response size with the same option', () => {
    expect(small.parseResponse('freeform', {}, jsonOfSize(100))).toBeTruthy();
    expect(failure(() => small.parseResponse('freeform', {}, jsonOfSize(101)))).toEqual({
      code: 'INVALID_REVIEW_RESPONSE',
      paths: ['response'],
    });
    expect(registry.parseResponse('freeform', {}, jsonOfSize(64 * 1024))).toBeTruthy();
    expect(failure(() => registry.parseResponse('freeform', {}, jsonOfSize(64 * 1024 + 1))).code).toBe(
      'INVALID_REVIEW_RESPONSE',
    );
  });

  it('accepts { _dismissed: true } only when the payload has a dismissLabel', () => {
    expect(registry.parseResponse('freeform', { dismissLabel: 'Close' }, { _dismissed: true })).toEqual({
      _dismissed: true,
    });
    expect(
      failure(() => registry.parseResponse('freeform', { plugin: 'poll' }, { _dismissed: true })),
    ).toEqual({
      code: 'INVALID_REVIEW_RESPONSE',
      paths: ['response._dismissed'],
    });
  });
});

describe('freeform plugin', () => {
  it.each([
    {
      payload: { plugin: 'poll' },
      response: { choice: 'sushi' },
      summary: 'Responded (plugin poll): {"choice":"sushi"}',
    },
    { payload: {}, response: { n: 1 }, summary: 'Responded: {"n":1}' },
  ])('summarizes $response as "$summary"', ({ payload, response, summary }) => {
    expect(registry.summarize('freeform', payload, response)).toBe(summary);
  });

  it('keeps a summary of a large response on one short line', () => {
    const summary = registry.summarize('freeform', {}, { text: 'a\nb '.repeat(1000) });
    expect(summary.length).toBeLessThanOrEqual(120);
    expect(summary).not.toContain('\n');
  });

  it('publishes JSON Schemas and no inputSchema', () => {
    const manifest = registry.manifest('freeform');
    expect(manifest).toMatchObject({ name: 'freeform', version: '0.1.0' });
    expect(manifest).not.toHaveProperty('inputSchema');
    const [type] = manifest?.reviewTypes ?? [];
    expect(type?.payloadSchema).toMatchObject({ type: 'object', properties: { plugin: { type: 'string' } } });
    expect(type?.payloadSchema).not.toHaveProperty('additionalProperties', false);
    expect(type?.responseSchema).toMatchObject({ type: 'object', propertyNames: { type: 'string' } });
  });

  it('declares exactly one review type, named after the plugin, with its browser ui', () => {
    const [type, ...rest] = freeform().reviewTypes;
    expect(rest).toEqual([]);
    expect(type?.type).toBe('freeform');
    expect(freeformReviewType.type).toBe('freeform');
    expect(type?.ui).toEqual({
      element: 'placet-freeform',
      module: fileURLToPath(new URL('../dist/ui.js', import.meta.url)),
    });
  });
});
