import { fileURLToPath } from 'node:url';
import { definePlugin, PluginRegistry } from '@placet/core/plugin';
import { describeReviewType } from '@placet/test-utils';
import { describe, expect, it } from 'vitest';
import { rating, ratingReviewType, ratingSchemas, summarizeRating } from './index.js';

const registry = new PluginRegistry([rating()]);
const LABELS = ['Terrible', 'Poor', 'Okay', 'Good', 'Excellent'];
const five = { max: 5, labels: LABELS };

describeReviewType(ratingReviewType, {
  valid: [
    // No default is written into the stored payload: the agent reads back what it sent.
    {
      name: 'an empty payload (5 stars)',
      payload: {},
      responses: { 'the default max': { stars: 5 } },
    },
    {
      name: 'max and labels',
      payload: five,
      responses: {
        'one star': { stars: 1 },
        'max stars': { stars: 5 },
        'a comment': { stars: 4, comment: 'Quick and friendly' },
        'an empty comment': { stars: 3, comment: '' },
        'the longest comment': { stars: 2, comment: 'x'.repeat(2000) },
      },
    },
    { name: 'the smallest max', payload: { max: 2, labels: ['No', 'Yes'] } },
    { name: 'the largest max, no labels', payload: { max: 10 }, responses: { 'ten of ten': { stars: 10 } } },
    { name: 'five labels without max', payload: { labels: LABELS } },
    { name: 'a dismissLabel', payload: { dismissLabel: 'Skip' } },
    {
      name: 'max, labels and a dismissLabel',
      payload: { ...five, dismissLabel: 'Skip' },
      responses: { 'a dismissal': { _dismissed: true } },
    },
    {
      name: 'unknown keys',
      payload: { ...five, question: 'How was the answer?', context: { ticket: 42 } },
    },
  ],
  invalid: {
    payloads: [
      { name: 'max 1', payload: { max: 1 }, paths: ['review.payload.max'] },
      { name: 'max 11', payload: { max: 11 }, paths: ['review.payload.max'] },
      { name: 'a fractional max', payload: { max: 4.5 }, paths: ['review.payload.max'] },
      { name: 'a string max', payload: { max: '5' }, paths: ['review.payload.max'] },
      {
        name: 'fewer labels than max',
        payload: { max: 4, labels: LABELS },
        paths: ['review.payload.labels'],
      },
      {
        name: 'more labels than the default 5',
        payload: { labels: [...LABELS, 'Wow'] },
        paths: ['review.payload.labels'],
      },
      {
        name: 'more labels than max, saying how many it expected',
        payload: { max: 3, labels: LABELS },
        paths: ['review.payload.labels'],
        messages: ['expected 3 labels, one per star, got 5'],
      },
      {
        name: 'an empty label',
        payload: { max: 2, labels: ['Bad', ''] },
        paths: ['review.payload.labels.1'],
      },
      { name: 'labels that are not a list', payload: { labels: 'Good' }, paths: ['review.payload.labels'] },
      {
        name: 'a non-string dismissLabel',
        payload: { dismissLabel: 1 },
        paths: ['review.payload.dismissLabel'],
      },
    ],
    responses: [
      ...[
        { name: 'stars above max', payload: five, response: { stars: 6 }, message: 'at most 5 stars' },
        {
          name: 'stars above a small max',
          payload: { max: 3 },
          response: { stars: 4 },
          message: 'at most 3 stars',
        },
        {
          name: 'stars above the default max',
          payload: {},
          response: { stars: 6 },
          message: 'at most 5 stars',
        },
        {
          name: 'zero stars',
          payload: five,
          response: { stars: 0 },
          message: 'choose a rating from 1 to 5 stars',
        },
        {
          name: 'negative stars',
          payload: five,
          response: { stars: -1 },
          message: 'choose a rating from 1 to 5 stars',
        },
        {
          name: 'half a star',
          payload: five,
          response: { stars: 3.5 },
          message: 'stars must be a whole number',
        },
        {
          name: 'stars as a string',
          payload: five,
          response: { stars: '4' },
          message: 'stars must be a whole number',
        },
        { name: 'no stars', payload: five, response: {}, message: 'choose a rating from 1 to 5 stars' },
        {
          name: 'a comment only',
          payload: five,
          response: { comment: 'great' },
          message: 'choose a rating from 1 to 5 stars',
        },
      ].map(({ message, ...refused }) => ({ ...refused, paths: ['response.stars'], messages: [message] })),
      {
        name: 'a comment too long',
        payload: five,
        response: { stars: 4, comment: 'x'.repeat(2001) },
        paths: ['response.comment'],
      },
      {
        name: 'a non-string comment',
        payload: five,
        response: { stars: 4, comment: 5 },
        paths: ['response.comment'],
      },
      { name: 'an unknown key', payload: five, response: { stars: 4, label: 'Good' }, paths: ['response'] },
      { name: 'not an object', payload: five, response: 4, paths: ['response'] },
      {
        name: 'a dismissal without dismissLabel',
        payload: five,
        response: { _dismissed: true },
        paths: ['response._dismissed'],
      },
      {
        name: 'a dismissal with a blank dismissLabel',
        payload: { dismissLabel: '  ' },
        response: { _dismissed: true },
        paths: ['response._dismissed'],
      },
    ],
  },
});

describe('rating dismissal', () => {
  it('is offered only when the payload has a non-blank dismissLabel', () => {
    expect(registry.isDismissible('rating', { dismissLabel: 'Skip' })).toBe(true);
    expect(registry.isDismissible('rating', { dismissLabel: '  ' })).toBe(false);
    expect(registry.isDismissible('rating', five)).toBe(false);
  });
});

describe('rating summary', () => {
  it.each([
    { payload: five, response: { stars: 4 }, summary: 'Rated 4/5' },
    { payload: { max: 10 }, response: { stars: 7 }, summary: 'Rated 7/10' },
    { payload: {}, response: { stars: 1, comment: 'Too slow' }, summary: 'Rated 1/5 (comment: Too slow)' },
    { payload: five, response: { stars: 5, comment: '  \n ' }, summary: 'Rated 5/5' },
    {
      payload: five,
      response: { stars: 3, comment: 'line one\n\nline   two' },
      summary: 'Rated 3/5 (comment: line one line two)',
    },
  ])('summarizes $response as "$summary"', ({ payload, response, summary }) => {
    expect(registry.summarize('rating', payload, response)).toBe(summary);
  });

  it('shortens a long comment to one line', () => {
    const summary = summarizeRating({ stars: 2, comment: 'word '.repeat(100) }, five);
    expect(summary).toMatch(/^Rated 2\/5 \(comment: (word ){15}.*…\)$/);
    expect(summary.length).toBeLessThanOrEqual('Rated 2/5 (comment: )'.length + 80);
  });

  it('summarizes a dismissal as Dismissed', () => {
    expect(registry.summarize('rating', { dismissLabel: 'Skip' }, { _dismissed: true })).toBe('Dismissed');
  });
});

describe('rating plugin', () => {
  it('is a valid plugin with one review type, named after the plugin, and its browser ui', () => {
    const plugin = rating();
    expect(definePlugin(plugin)).toBe(plugin);
    expect(plugin).toMatchObject({ name: 'rating', version: '0.1.0', displayName: 'Rating' });
    expect(plugin.reviewTypes).toEqual([ratingReviewType]);
    // One declaration of the schemas: the server definition is spread from what the element validates with.
    expect(ratingReviewType).toMatchObject(ratingSchemas);
    expect(ratingReviewType.ui).toEqual({
      element: 'placet-rating',
      module: fileURLToPath(new URL('../dist/ui.js', import.meta.url)),
    });
  });

  it('publishes JSON Schemas of the payload and of the response, in general and for a payload', () => {
    const manifest = registry.manifest('rating');
    expect(manifest).toMatchObject({ name: 'rating', version: '0.1.0' });
    const [type] = manifest?.reviewTypes ?? [];
    expect(type?.ui).toEqual({ element: 'placet-rating' });
    expect(type?.payloadSchema).toMatchObject({
      type: 'object',
      properties: {
        max: { type: 'integer', minimum: 2, maximum: 10 },
        labels: { type: 'array', items: { type: 'string', minLength: 1 } },
        dismissLabel: { type: 'string' },
      },
    });
    expect(type?.payloadSchema).not.toHaveProperty('required');
    expect(type?.responseSchema).toMatchObject({
      properties: {
        stars: { type: 'integer', minimum: 1, maximum: 10 },
        comment: { type: 'string', maxLength: 2000 },
      },
      required: ['stars'],
      additionalProperties: false,
    });
    expect(registry.jsonSchemas('rating', { max: 3 }).response).toMatchObject({
      properties: { stars: { type: 'integer', minimum: 1, maximum: 3 } },
    });
  });

  it('refuses a second registration of the same type', () => {
    expect(() => new PluginRegistry([rating(), rating()])).toThrow(/registered twice/);
  });
});
