import { fileURLToPath } from 'node:url';
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewType } from '@placet/test-utils';
import { describe, expect, it } from 'vitest';
import { approval, approvalReviewType, approvalSchemas } from './index.js';

const registry = new PluginRegistry([approval()]);
const options = [
  { id: 'yes', label: 'Deploy', style: 'primary' },
  { id: 'no', label: 'Reject', style: 'danger' },
];
const plain = { options };
const commentable = { options, allowComment: true };

describeReviewType(approvalReviewType, {
  valid: [
    { name: 'one option', payload: { options: [{ id: 'ok', label: 'OK' }] } },
    {
      name: 'every style',
      payload: {
        options: ['primary', 'danger', 'secondary', 'ghost'].map((style) => ({
          id: style,
          label: style,
          style,
        })),
      },
    },
    {
      name: 'comments and a dismiss label',
      payload: { options, allowComment: true, dismissLabel: 'Later' },
      responses: [{ _dismissed: true }],
    },
    {
      name: 'unknown keys, at the top and in options',
      payload: { options: [{ id: 'a', label: 'A', icon: 'rocket' }], title: 'Ship it?', meta: { run: 7 } },
    },
    { name: 'options without allowComment', payload: plain, responses: [{ selectedOption: 'no' }] },
    {
      name: 'options with allowComment',
      payload: commentable,
      responses: [
        { selectedOption: 'yes', comment: 'ship it' },
        { selectedOption: 'yes' },
        { selectedOption: 'yes', comment: '' },
      ],
    },
  ],
  invalid: {
    payloads: [
      { name: 'no payload', payload: undefined, paths: ['review.payload.options'] },
      { name: 'no options', payload: { options: [] }, paths: ['review.payload.options'] },
      {
        name: 'an empty id',
        payload: { options: [{ id: '', label: 'A' }] },
        paths: ['review.payload.options.0.id'],
      },
      {
        name: 'a missing label',
        payload: { options: [{ id: 'a' }] },
        paths: ['review.payload.options.0.label'],
      },
      {
        name: 'an empty label',
        payload: { options: [{ id: 'a', label: '' }] },
        paths: ['review.payload.options.0.label'],
      },
      {
        name: 'an unknown style',
        payload: { options: [{ id: 'a', label: 'A', style: 'loud' }] },
        paths: ['review.payload.options.0.style'],
      },
      {
        name: 'duplicate option ids',
        payload: { options: [...options, { id: 'yes', label: 'Again' }] },
        paths: ['review.payload.options.2.id'],
      },
      {
        name: 'a non-boolean allowComment',
        payload: { options, allowComment: 'yes' },
        paths: ['review.payload.allowComment'],
      },
      {
        name: 'a non-string dismissLabel',
        payload: { options, dismissLabel: 1 },
        paths: ['review.payload.dismissLabel'],
      },
      { name: 'an array', payload: [options], paths: ['review.payload'] },
    ],
    responses: [
      {
        name: 'an id that is not an option',
        payload: plain,
        response: { selectedOption: 'maybe' },
        paths: ['response.selectedOption'],
      },
      { name: 'a missing selection', payload: plain, response: {}, paths: ['response.selectedOption'] },
      {
        name: 'a label instead of an id',
        payload: plain,
        response: { selectedOption: 'Deploy' },
        paths: ['response.selectedOption'],
      },
      {
        name: 'a comment without allowComment',
        payload: plain,
        response: { selectedOption: 'yes', comment: 'hi' },
        paths: ['response.comment'],
      },
      {
        name: 'a comment with allowComment false',
        payload: { options, allowComment: false },
        response: { selectedOption: 'yes', comment: 'hi' },
        paths: ['response.comment'],
      },
      {
        name: 'a non-string comment',
        payload: commentable,
        response: { selectedOption: 'yes', comment: 3 },
        paths: ['response.comment'],
      },
      {
        name: 'an unknown key',
        payload: plain,
        response: { selectedOption: 'yes', extra: true },
        paths: ['response'],
      },
      { name: 'a string', payload: plain, response: 'yes', paths: ['response'] },
      {
        name: 'a dismissal without dismissLabel',
        payload: plain,
        response: { _dismissed: true },
        paths: ['response._dismissed'],
      },
    ],
  },
});

describe('approval plugin', () => {
  it.each([
    { response: { selectedOption: 'yes' }, summary: 'Chose: Deploy' },
    {
      response: { selectedOption: 'no', comment: 'not\ntoday' },
      summary: 'Chose: Reject (comment: not today)',
    },
  ])('summarizes $response as "$summary"', ({ response, summary }) => {
    expect(registry.summarize('approval', { options, allowComment: true }, response)).toBe(summary);
  });

  it('shortens a long comment to one line', () => {
    const summary = registry.summarize(
      'approval',
      { options },
      { selectedOption: 'yes', comment: 'x'.repeat(500) },
    );
    expect(summary.length).toBeLessThan(200);
    expect(summary.endsWith('…)')).toBe(true);
  });

  it('publishes JSON Schemas and no inputSchema', () => {
    const manifest = registry.manifest('approval');
    expect(manifest).toMatchObject({ name: 'approval', version: '0.1.0', displayName: 'Approval' });
    expect(manifest).not.toHaveProperty('inputSchema');
    const [type] = manifest?.reviewTypes ?? [];
    expect(type?.type).toBe('approval');
    expect(type?.payloadSchema).toMatchObject({ type: 'object', required: ['options'] });
    expect(type?.responseSchema).toMatchObject({
      type: 'object',
      properties: { selectedOption: { type: 'string' }, comment: { type: 'string' } },
      additionalProperties: false,
    });
    expect(registry.jsonSchemas('approval', { options }).response).toMatchObject({
      properties: { selectedOption: { enum: ['yes', 'no'] } },
    });
  });

  it('declares exactly one review type, named after the plugin, with its browser ui', () => {
    expect(approval().reviewTypes).toEqual([approvalReviewType]);
    // One declaration of the schemas: the server definition is spread from what the element validates with.
    expect(approvalReviewType).toMatchObject(approvalSchemas);
    expect(approvalReviewType.ui).toEqual({
      element: 'placet-approval',
      module: fileURLToPath(new URL('../dist/ui.js', import.meta.url)),
    });
  });
});

describe('quick answers (what notifiers offer as one-click buttons)', () => {
  it('one per option with its tone, each a valid answer, also when comments are allowed', () => {
    expect(registry.quickAnswers('approval', plain)).toEqual([
      { id: 'yes', label: 'Deploy', response: { selectedOption: 'yes' }, tone: 'primary' },
      { id: 'no', label: 'Reject', response: { selectedOption: 'no' }, tone: 'danger' },
    ]);
    const commented = { options: [...options, { id: 'later', label: 'Later' }], allowComment: true };
    const answers = registry.quickAnswers('approval', commented);
    expect(answers.map((a) => [a.id, a.tone])).toEqual([
      ['yes', 'primary'],
      ['no', 'danger'],
      ['later', 'secondary'],
    ]);
    for (const answer of answers)
      expect(registry.parseResponse('approval', commented, answer.response)).toEqual(answer.response);
  });
});
