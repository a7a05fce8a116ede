import { fileURLToPath } from 'node:url';
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewType } from '@placet/test-utils';
import { describe, expect, it } from 'vitest';
import { selection, selectionReviewType, selectionSchemas } from './index.js';

const registry = new PluginRegistry([selection()]);
const items = [
  { id: 'a', label: 'Alpha', description: 'first' },
  { id: 'b', label: 'Beta' },
  { id: 'c', label: 'Gamma' },
];
const single = { mode: 'single', items };
const multi = { mode: 'multi', items };

describeReviewType(selectionReviewType, {
  valid: [
    { name: 'single mode', payload: single, responses: [{ selectedIds: ['b'] }] },
    {
      name: 'multi mode',
      payload: multi,
      responses: [{ selectedIds: ['c'] }, { selectedIds: ['c', 'a', 'b'] }],
    },
    {
      name: 'multi mode with labels',
      payload: { ...multi, submitLabel: 'Go', dismissLabel: 'Skip' },
      responses: [{ _dismissed: true }],
    },
    {
      name: 'single mode with a dismissLabel',
      payload: { ...single, dismissLabel: 'None' },
      responses: [{ _dismissed: true }],
    },
    { name: 'one item', payload: { mode: 'single', items: [{ id: 'x', label: 'X' }] } },
    {
      name: 'unknown keys, at the top and in items',
      payload: { mode: 'multi', items: [{ id: 'a', label: 'A', image: 'a.png' }], question: 'Which?' },
    },
  ],
  invalid: {
    payloads: [
      { name: 'no mode', payload: { items }, paths: ['review.payload.mode'] },
      { name: 'an unknown mode', payload: { mode: 'many', items }, paths: ['review.payload.mode'] },
      { name: 'no items', payload: { mode: 'single', items: [] }, paths: ['review.payload.items'] },
      { name: 'missing items', payload: { mode: 'single' }, paths: ['review.payload.items'] },
      {
        name: 'an empty id',
        payload: { mode: 'multi', items: [{ id: '', label: 'A' }] },
        paths: ['review.payload.items.0.id'],
      },
      {
        name: 'an empty label',
        payload: { mode: 'multi', items: [...items, { id: 'd', label: '' }] },
        paths: ['review.payload.items.3.label'],
      },
      {
        name: 'a non-string description',
        payload: { mode: 'multi', items: [{ id: 'a', label: 'A', description: 5 }] },
        paths: ['review.payload.items.0.description'],
      },
      {
        name: 'duplicate item ids',
        payload: { mode: 'multi', items: [...items, { id: 'b', label: 'Beta again' }] },
        paths: ['review.payload.items.3.id'],
      },
      {
        name: 'a non-string submitLabel',
        payload: { ...single, submitLabel: true },
        paths: ['review.payload.submitLabel'],
      },
      {
        name: 'a non-string dismissLabel',
        payload: { ...single, dismissLabel: {} },
        paths: ['review.payload.dismissLabel'],
      },
    ],
    responses: [
      {
        name: 'an empty list',
        payload: multi,
        response: { selectedIds: [] },
        paths: ['response.selectedIds'],
      },
      {
        name: 'an empty list in single mode',
        payload: single,
        response: { selectedIds: [] },
        paths: ['response.selectedIds'],
      },
      {
        name: 'two ids in single mode',
        payload: single,
        response: { selectedIds: ['a', 'b'] },
        paths: ['response.selectedIds'],
      },
      {
        name: 'an unknown id',
        payload: multi,
        response: { selectedIds: ['a', 'z'] },
        paths: ['response.selectedIds.1'],
      },
      {
        name: 'a label instead of an id',
        payload: single,
        response: { selectedIds: ['Alpha'] },
        paths: ['response.selectedIds.0'],
      },
      {
        name: 'a duplicate id',
        payload: multi,
        response: { selectedIds: ['a', 'b', 'a'] },
        paths: ['response.selectedIds.2'],
      },
      { name: 'a missing list', payload: multi, response: {}, paths: ['response.selectedIds'] },
      {
        name: 'a string instead of a list',
        payload: single,
        response: { selectedIds: 'a' },
        paths: ['response.selectedIds'],
      },
      {
        name: 'an unknown key',
        payload: multi,
        response: { selectedIds: ['a'], note: 'x' },
        paths: ['response'],
      },
      {
        name: 'a dismissal without dismissLabel',
        payload: single,
        response: { _dismissed: true },
        paths: ['response._dismissed'],
      },
      {
        name: 'a dismissal with a blank dismissLabel',
        payload: { ...single, dismissLabel: ' ' },
        response: { _dismissed: true },
        paths: ['response._dismissed'],
      },
    ],
  },
});

describe('selection plugin', () => {
  it.each([
    { response: { selectedIds: ['a'] }, summary: 'Selected: Alpha' },
    { response: { selectedIds: ['c', 'b'] }, summary: 'Selected: Gamma, Beta' },
  ])('summarizes $response as "$summary"', ({ response, summary }) => {
    expect(registry.summarize('selection', multi, response)).toBe(summary);
  });

  it('publishes JSON Schemas and no inputSchema', () => {
    const manifest = registry.manifest('selection');
    expect(manifest).toMatchObject({ name: 'selection', version: '0.1.0' });
    expect(manifest).not.toHaveProperty('inputSchema');
    const [type] = manifest?.reviewTypes ?? [];
    expect(type?.payloadSchema).toMatchObject({
      type: 'object',
      properties: { mode: { enum: ['single', 'multi'] } },
      required: ['mode', 'items'],
    });
    expect(type?.responseSchema).toMatchObject({
      properties: { selectedIds: { type: 'array', items: { type: 'string' }, minItems: 1 } },
    });
    expect(registry.jsonSchemas('selection', single).response).toMatchObject({
      properties: { selectedIds: { items: { enum: ['a', 'b', 'c'] }, minItems: 1, maxItems: 1 } },
    });
  });

  it('declares exactly one review type, named after the plugin, with its browser ui', () => {
    expect(selection().reviewTypes).toEqual([selectionReviewType]);
    // One declaration of the schemas: the server definition is spread from what the element validates with.
    expect(selectionReviewType).toMatchObject(selectionSchemas);
    expect(selectionReviewType.type).toBe('selection');
    expect(selectionReviewType.ui).toEqual({
      element: 'placet-selection',
      module: fileURLToPath(new URL('../dist/ui.js', import.meta.url)),
    });
  });
});

describe('quick answers (what notifiers offer as one-click buttons)', () => {
  it('one per item in single mode, each a valid answer; none in multi mode', () => {
    expect(registry.quickAnswers('selection', single)).toEqual([
      { id: 'a', label: 'Alpha', response: { selectedIds: ['a'] }, description: 'first' },
      { id: 'b', label: 'Beta', response: { selectedIds: ['b'] } },
      { id: 'c', label: 'Gamma', response: { selectedIds: ['c'] } },
    ]);
    for (const answer of registry.quickAnswers('selection', single))
      expect(registry.parseResponse('selection', single, answer.response)).toEqual(answer.response);
    expect(registry.quickAnswers('selection', multi)).toEqual([]);
  });
});
