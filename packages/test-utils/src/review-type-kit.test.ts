import { defineReviewSchemas } from '@placet/core/browser';
import { defineReviewType, z } from '@placet/core/plugin';
import { describe, expect, it } from 'vitest';
import {
  describeReviewType,
  expectPayloadAccepted,
  expectPayloadRefused,
  expectResponseAccepted,
  expectResponseRefused,
  placetErrorOf,
  reviewTypeRegistry,
} from './review-type-kit.js';

// A small review type, declared the way the plugins declare theirs: the schemas once, then the server
// definition spread from them.
const VotePayload = z.looseObject({
  choices: z.array(z.string().min(1)).min(1),
  dismissLabel: z.string().optional(),
});
type VotePayload = z.infer<typeof VotePayload>;
const voteSchemas = defineReviewSchemas({
  type: 'vote',
  payload: VotePayload,
  response: (payload: VotePayload) =>
    z.strictObject({ choice: z.enum(payload.choices as [string, ...string[]], { error: 'not a choice' }) }),
});
const vote = defineReviewType({ ...voteSchemas, summarize: (response) => `Voted ${response.choice}` });
const registry = reviewTypeRegistry(vote);
const ab = { choices: ['a', 'b'] };

describeReviewType(vote, {
  valid: [
    { name: 'two choices', payload: ab, responses: [{ choice: 'a' }, { choice: 'b' }] },
    { payload: { choices: ['x'], dismissLabel: 'Skip', extra: 1 }, responses: [{ _dismissed: true }] },
  ],
  invalid: {
    payloads: [
      { name: 'no choices', payload: { choices: [] }, paths: ['review.payload.choices'] },
      { payload: { choices: ['', 'b'] }, paths: ['review.payload.choices.0'] },
      { name: 'no payload', payload: undefined, paths: ['review.payload.choices'] },
    ],
    responses: [
      { payload: ab, response: { choice: 'c' }, paths: ['response.choice'], messages: ['not a choice'] },
      { name: 'an unknown key', payload: ab, response: { choice: 'a', why: 1 }, paths: ['response'] },
      {
        name: 'a dismissal without dismissLabel',
        payload: ab,
        response: { _dismissed: true },
        paths: ['response._dismissed'],
      },
    ],
  },
});

describe('the review-type kit', () => {
  it('fails a payload that is changed by parsing or refused', () => {
    const padded = defineReviewType({
      ...voteSchemas,
      type: 'padded',
      payload: VotePayload.transform((p) => ({ ...p, added: true })),
    });
    const changed = reviewTypeRegistry(padded);
    expect(() => expectPayloadAccepted(changed, 'padded', ab)).toThrow(/parsed payload/);
    expect(() => expectPayloadAccepted(registry, 'vote', { choices: [] })).toThrow(
      /review\.payload\.choices/,
    );
  });

  it('fails a refused payload whose paths, messages or outcome differ', () => {
    expect(() => expectPayloadRefused(registry, 'vote', { payload: ab, paths: ['review.payload'] })).toThrow(
      /expected a PlacetError, but the call returned/,
    );
    expect(() =>
      expectPayloadRefused(registry, 'vote', { payload: { choices: [] }, paths: ['review.payload.other'] }),
    ).toThrow();
    expect(() =>
      expectPayloadRefused(registry, 'vote', {
        payload: { choices: [] },
        paths: ['review.payload.choices'],
        messages: ['another message'],
      }),
    ).toThrow(/issue messages/);
  });

  it('fails a response that is accepted, refused elsewhere, or sent to a refused payload', () => {
    expect(() => expectResponseAccepted(registry, 'vote', ab, { choice: 'c' })).toThrow();
    expect(() =>
      expectResponseRefused(registry, 'vote', {
        payload: ab,
        response: { choice: 'a' },
        paths: ['response'],
      }),
    ).toThrow(/expected a PlacetError/);
    expect(() =>
      expectResponseRefused(registry, 'vote', {
        payload: ab,
        response: { choice: 'c' },
        paths: ['response'],
      }),
    ).toThrow();
    expect(() =>
      expectResponseRefused(registry, 'vote', {
        payload: { choices: [] },
        response: {},
        paths: ['response'],
      }),
    ).toThrow(/the payload of this case is refused \(INVALID_REVIEW_PAYLOAD at review\.payload\.choices\)/);
  });

  it('refuses to register no cases, or a refusal without paths', () => {
    expect(() => describeReviewType(vote, {})).toThrow(/no cases/);
    expect(() => describeReviewType(vote, { invalid: { payloads: [{ payload: {}, paths: [] }] } })).toThrow(
      /lists no paths/,
    );
  });

  it('placetErrorOf reports code, status, paths and messages, and rethrows other errors', () => {
    expect(placetErrorOf(() => registry.parseResponse('vote', ab, { choice: 'c' }))).toEqual({
      code: 'INVALID_REVIEW_RESPONSE',
      status: 400,
      paths: ['response.choice'],
      messages: ['not a choice'],
    });
    const boom = new TypeError('boom');
    expect(() =>
      placetErrorOf(() => {
        throw boom;
      }),
    ).toThrow(boom);
    expect(() => placetErrorOf(() => 1n)).toThrow('expected a PlacetError, but the call returned 1');
  });

  it('defineReviewSchemas returns its argument after the checks defineReviewType makes', () => {
    expect(defineReviewSchemas(voteSchemas)).toBe(voteSchemas);
    expect(vote).toMatchObject(voteSchemas);
    expect(placetErrorOf(() => defineReviewSchemas({ ...voteSchemas, type: 'Vote!' })).code).toBe(
      'INVALID_PLUGIN',
    );
    // @ts-expect-error a response schema instead of a function of the payload
    expect(placetErrorOf(() => defineReviewSchemas({ ...voteSchemas, response: z.object({}) })).code).toBe(
      'INVALID_PLUGIN',
    );
  });
});
