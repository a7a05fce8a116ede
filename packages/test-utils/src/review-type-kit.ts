/**
 * The review-type test kit: a review type's accepted and refused payloads and responses as data, checked
 * the way the engine checks them. `describeReviewType(definition, cases)` registers one vitest test per
 * case; each goes through `PluginRegistry.parsePayload` / `parseResponse`, the same calls the engine
 * makes for `POST /messages` and `POST /reviews/:id/respond`, and asserts the outcome exactly: an
 * accepted payload or response comes back unchanged, a refused one throws `INVALID_REVIEW_PAYLOAD` or
 * `INVALID_REVIEW_RESPONSE` (400) with exactly the issue paths (and, when given, messages) of the case.
 */
import { definePlugin, isPlacetError, PluginRegistry, type ReviewTypeDefinition } from '@placet/core/plugin';
import { describe, expect, it } from 'vitest';

/** A payload the type accepts, and answers it accepts to that payload. */
export interface AcceptedCase {
  /** Names the case in test titles. Default: the payload as short JSON. */
  name?: string;
  /** Must parse and come back unchanged (no defaults written into what the agent reads back). */
  payload: unknown;
  /**
   * Answers to `payload` that must parse and come back unchanged, `{ _dismissed: true }` included: a list
   * (titled by their JSON), or an object that names each one (`{ 'the longest comment': { … } }`).
   */
  responses?: readonly unknown[] | Readonly<Record<string, unknown>>;
}

/** What a refused payload or response must report. */
export interface RefusalExpectation {
  /**
   * The exact issue paths, in order, as the HTTP API reports them: `review.payload.…` for a payload,
   * `response.…` for a response (`response` alone for the whole answer).
   */
  paths: readonly string[];
  /** The exact issue messages, in order, when they matter (the browser shows them to the human). */
  messages?: readonly string[];
}

/** A payload the type refuses with `INVALID_REVIEW_PAYLOAD`. */
export interface RefusedPayloadCase extends RefusalExpectation {
  name?: string;
  payload: unknown;
}

/** A response the type refuses with `INVALID_REVIEW_RESPONSE` for a payload it accepts. */
export interface RefusedResponseCase extends RefusalExpectation {
  name?: string;
  /** Must be a payload the type accepts: the engine only checks answers to a stored, valid payload. */
  payload: unknown;
  response: unknown;
}

/** The cases of {@link describeReviewType}. */
export interface ReviewTypeCases {
  /** Payloads the type accepts, each with answers it accepts to that payload. */
  valid?: readonly AcceptedCase[];
  invalid?: {
    payloads?: readonly RefusedPayloadCase[];
    responses?: readonly RefusedResponseCase[];
  };
}

export interface DescribeReviewTypeOptions {
  /** The title of the `describe` block. Default: `review type "<type>"`. */
  name?: string;
}

/** What {@link placetErrorOf} reports of a PlacetError. */
export interface PlacetErrorReport {
  code: string;
  status: number;
  /** The paths of `error.issues`, in order. */
  paths: string[];
  /** The messages of `error.issues`, in order. */
  messages: string[];
}

/**
 * The code, status, issue paths and messages of the PlacetError that `fn` throws. Fails when `fn` returns,
 * and rethrows anything that is not a PlacetError.
 */
export function placetErrorOf(fn: () => unknown): PlacetErrorReport {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    if (!isPlacetError(error)) throw error;
    const issues = error.issues ?? [];
    return {
      code: error.code,
      status: error.status,
      paths: issues.map((issue) => issue.path),
      messages: issues.map((issue) => issue.message),
    };
  }
  throw new Error(`expected a PlacetError, but the call returned ${label(result, 200)}`);
}

/** The registry a review type's cases run against: the engine's own, with only this type registered. */
export function reviewTypeRegistry<Payload, Response>(
  definition: ReviewTypeDefinition<Payload, Response>,
): PluginRegistry {
  return new PluginRegistry([
    definePlugin({ name: definition.type, version: '0.0.0', reviewTypes: [definition] }),
  ]);
}

/** Asserts that the registry accepts `payload` for `type` and returns it unchanged; returns what it stored. */
export function expectPayloadAccepted(registry: PluginRegistry, type: string, payload: unknown): unknown {
  const stored = registry.parsePayload(type, payload);
  expect(stored, 'the parsed payload (what the agent reads back)').toEqual(payload);
  return stored;
}

/** Asserts that the registry accepts `response` to `payload` and returns it unchanged. */
export function expectResponseAccepted(
  registry: PluginRegistry,
  type: string,
  payload: unknown,
  response: unknown,
): void {
  const stored = storedPayload(registry, type, payload);
  expect(registry.parseResponse(type, stored, response), 'the parsed response').toEqual(response);
}

/** Asserts that the registry refuses the payload of `refused` with `INVALID_REVIEW_PAYLOAD` as it expects. */
export function expectPayloadRefused(
  registry: PluginRegistry,
  type: string,
  refused: RefusedPayloadCase,
): void {
  const error = placetErrorOf(() => registry.parsePayload(type, refused.payload));
  expectRefusal(error, 'INVALID_REVIEW_PAYLOAD', refused);
}

/**
 * Asserts that the registry accepts the payload of `refused`, then refuses its response with
 * `INVALID_REVIEW_RESPONSE` as it expects.
 */
export function expectResponseRefused(
  registry: PluginRegistry,
  type: string,
  refused: RefusedResponseCase,
): void {
  const stored = storedPayload(registry, type, refused.payload);
  const error = placetErrorOf(() => registry.parseResponse(type, stored, refused.response));
  expectRefusal(error, 'INVALID_REVIEW_RESPONSE', refused);
}

/**
 * Registers a `describe` block with one test per case of `cases`, run against a {@link PluginRegistry} that
 * holds `definition` alone:
 *
 * - each `valid` payload is accepted unchanged, and each of its `responses` is accepted unchanged as an
 *   answer to it;
 * - each `invalid.payloads` case is refused with `INVALID_REVIEW_PAYLOAD` (400) and exactly its `paths`
 *   (and `messages`);
 * - each `invalid.responses` case has a payload that is accepted, and a response refused with
 *   `INVALID_REVIEW_RESPONSE` (400) and exactly its `paths` (and `messages`).
 *
 * ```ts
 * describeReviewType(ratingReviewType, {
 *   valid: [{ name: 'max 3', payload: { max: 3 }, responses: [{ stars: 1 }, { stars: 3, comment: 'ok' }] }],
 *   invalid: {
 *     payloads: [{ name: 'max 11', payload: { max: 11 }, paths: ['review.payload.max'] }],
 *     responses: [{ name: 'too many stars', payload: { max: 3 }, response: { stars: 4 }, paths: ['response.stars'] }],
 *   },
 * });
 * ```
 */
export function describeReviewType<Payload, Response>(
  definition: ReviewTypeDefinition<Payload, Response>,
  cases: ReviewTypeCases,
  options: DescribeReviewTypeOptions = {},
): void {
  const { type } = definition;
  const valid = cases.valid ?? [];
  const payloads = cases.invalid?.payloads ?? [];
  const responses = cases.invalid?.responses ?? [];
  if (valid.length + payloads.length + responses.length === 0) {
    throw new Error(`describeReviewType(${type}): no cases`);
  }
  for (const refused of [...payloads, ...responses]) {
    if (refused.paths.length === 0) {
      throw new Error(`describeReviewType(${type}): the refused case ${caseName(refused)} lists no paths`);
    }
  }
  const registry = reviewTypeRegistry(definition);

  describe(options.name ?? `review type "${type}"`, () => {
    if (valid.length > 0) {
      describe('accepts payloads, unchanged', () => {
        for (const accepted of valid) {
          it(caseName(accepted), () => {
            expectPayloadAccepted(registry, type, accepted.payload);
          });
        }
      });
    }
    if (valid.some((accepted) => namedResponses(accepted).length > 0)) {
      describe('accepts responses, unchanged', () => {
        for (const accepted of valid) {
          for (const [name, response] of namedResponses(accepted)) {
            it(`${name} to ${caseName(accepted)}`, () => {
              expectResponseAccepted(registry, type, accepted.payload, response);
            });
          }
        }
      });
    }
    if (payloads.length > 0) {
      describe('refuses payloads with INVALID_REVIEW_PAYLOAD', () => {
        for (const refused of payloads) {
          it(`${caseName(refused)} at ${refused.paths.join(', ')}`, () => {
            expectPayloadRefused(registry, type, refused);
          });
        }
      });
    }
    if (responses.length > 0) {
      describe('refuses responses with INVALID_REVIEW_RESPONSE', () => {
        for (const refused of responses) {
          const name = refused.name ?? `${label(refused.response)} to ${label(refused.payload)}`;
          it(`${name} at ${refused.paths.join(', ')}`, () => {
            expectResponseRefused(registry, type, refused);
          });
        }
      });
    }
  });
}

function storedPayload(registry: PluginRegistry, type: string, payload: unknown): unknown {
  try {
    return registry.parsePayload(type, payload);
  } catch (error) {
    if (!isPlacetError(error)) throw error;
    const paths = (error.issues ?? []).map((issue) => issue.path).join(', ');
    throw new Error(
      `the payload of this case is refused (${error.code} at ${paths}): a response is only ever checked against an accepted payload`,
    );
  }
}

function expectRefusal(error: PlacetErrorReport, code: string, expected: RefusalExpectation): void {
  const actual = { code: error.code, status: error.status, paths: error.paths };
  expect(actual).toEqual({ code, status: 400, paths: [...expected.paths] });
  if (expected.messages) expect(error.messages, 'the issue messages').toEqual([...expected.messages]);
}

/** The accepted responses of a case with their titles. */
function namedResponses({ responses = [] }: AcceptedCase): [string, unknown][] {
  return Array.isArray(responses)
    ? responses.map((response) => [label(response), response])
    : Object.entries(responses);
}

function caseName(value: { name?: string; payload: unknown }): string {
  return value.name ?? label(value.payload);
}

/** `value` as short JSON for a test title (values that JSON cannot show, like a bigint, as a string). */
function label(value: unknown, max = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
