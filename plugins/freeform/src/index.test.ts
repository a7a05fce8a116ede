import { fileURLToPath } from 'node:url';
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewType, placetErrorOf } from '@placet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FREEFORM_MAX_BYTES,
  FreeformResponse,
  freeform,
  freeformReviewType,
  freeformSchemas,
} from './index.js';

const registry = new PluginRegistry([freeform()]);

/** An object whose JSON serialisation is exactly `bytes` bytes long. */
function jsonOfSize(bytes: number, char = 'x'): Record<string, string> {
  const overhead = JSON.stringify({ d: '' }).length;
  const perChar = Buffer.byteLength(char, 'utf8');
  const value = { d: char.repeat(Math.floor((bytes - overhead) / perChar)) };
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') !== bytes)
    throw new Error(`no JSON of ${bytes} bytes`);
  return value;
}

describeReviewType(freeformReviewType, {
  valid: [
    {
      name: 'an empty object',
      payload: {},
      responses: { 'a response of exactly 64 KiB': jsonOfSize(64 * 1024) },
    },
    {
      name: 'a plugin payload',
      payload: { plugin: 'poll', question: 'Lunch?', choices: ['pizza', 'sushi'] },
      responses: {
        'an empty object': {},
        'any keys': { choice: 'sushi', votes: 3, detail: { ok: true } },
        'a _dismissed false flag': { _dismissed: false },
      },
    },
    {
      name: 'nested data and a dismiss label',
      payload: { a: { b: [1, null, { c: true }] }, dismissLabel: 'Skip' },
      responses: [{ _dismissed: true }],
    },
    { name: 'exactly 64 KiB', payload: jsonOfSize(64 * 1024) },
  ],
  invalid: {
    payloads: [
      { name: 'one byte over 64 KiB', payload: jsonOfSize(64 * 1024 + 1), paths: ['review.payload'] },
      { name: 'a non-string plugin', payload: { plugin: 42 }, paths: ['review.payload.plugin'] },
      {
        name: 'a non-string dismissLabel',
        payload: { dismissLabel: false },
        paths: ['review.payload.dismissLabel'],
      },
      { name: 'an array', payload: [1, 2], paths: ['review.payload'] },
      { name: 'a string', payload: 'hello', paths: ['review.payload'] },
      { name: 'a payload that is not JSON (a bigint)', payload: { big: 1n }, paths: ['review.payload'] },
    ],
    responses: [
      { name: 'an array', payload: {}, response: ['sushi'], paths: ['response'] },
      { name: 'a string', payload: {}, response: 'sushi', paths: ['response'] },
      { name: 'null', payload: {}, response: null, paths: ['response'] },
      { name: 'one byte over 64 KiB', payload: {}, response: jsonOfSize(64 * 1024 + 1), paths: ['response'] },
      {
        name: 'a dismissal without dismissLabel',
        payload: { plugin: 'poll' },
        response: { _dismissed: true },
        paths: ['response._dismissed'],
      },
    ],
  },
});

// The maxBytes option of the plugin factory limits payloads and responses, in bytes of UTF-8.
const [limited] = freeform({ maxBytes: 100 }).reviewTypes;
describeReviewType(
  limited!,
  {
    valid: [
      { name: 'exactly 100 bytes', payload: jsonOfSize(100) },
      { name: '100 bytes of é', payload: jsonOfSize(100, 'é') },
      { name: 'an empty object', payload: {}, responses: { 'exactly 100 bytes': jsonOfSize(100) } },
    ],
    invalid: {
      payloads: [
        { name: '101 bytes', payload: jsonOfSize(101), paths: ['review.payload'] },
        { name: '102 bytes in 47 characters of é', payload: jsonOfSize(102, 'é'), paths: ['review.payload'] },
      ],
      responses: [{ name: '101 bytes', payload: {}, response: jsonOfSize(101), paths: ['response'] }],
    },
  },
  { name: 'review type "freeform" of freeform({ maxBytes: 100 })' },
);

describe('freeform options', () => {
  it('limits payloads and responses to 64 KiB by default', () => {
    expect(DEFAULT_FREEFORM_MAX_BYTES).toBe(65536);
  });

  it.each([
    { options: { maxBytes: 0 }, path: 'freeform.maxBytes' },
    { options: { maxBytes: 1.5 }, path: 'freeform.maxBytes' },
    { options: { maxBytes: 'a lot' }, path: 'freeform.maxBytes' },
    { options: { maxbytes: 10 }, path: 'freeform' },
  ])('refuses the options $options with INVALID_OPTIONS', ({ options, path }) => {
    // @ts-expect-error invalid options on purpose
    expect(placetErrorOf(() => freeform(options))).toMatchObject({ code: 'INVALID_OPTIONS', paths: [path] });
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
    // One declaration of the schemas (with the limit as a parameter): the browser's default one and the
    // server's share their type and documented response schema.
    expect(freeformSchemas()).toMatchObject({ type: 'freeform', responseSchema: FreeformResponse });
    expect(freeformReviewType).toMatchObject({ type: 'freeform', responseSchema: FreeformResponse });
    expect(type?.ui).toEqual({
      element: 'placet-freeform',
      module: fileURLToPath(new URL('../dist/ui.js', import.meta.url)),
    });
  });
});
