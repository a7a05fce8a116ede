import type { z } from '@placet/core/contract';
import type { WireInput } from './routes.js';

/**
 * Typed reviews: a review is sent as the contract's `ReviewInput` (`{ type, payload, expiresInSeconds,
 * assignees, policy, … }`); a builder also records, in its type only, the response a human's answer has,
 * so that `ask()` returns it typed. Builders are plain functions that return plain objects: nothing is
 * checked here, the server checks the payload with the review type's own schema (400
 * `INVALID_REVIEW_PAYLOAD` with the path of each problem).
 */

declare const RESPONSE: unique symbol;

/** The `review` of a message, as the server takes it (`ReviewInput` of the contract). */
export type ReviewRequest = WireInput<'ReviewInput'>;

/**
 * A review with payload `P` whose answer has type `R` (a phantom: nothing is added on the wire). It is a
 * {@link ReviewRequest}: send it as the `review` of any message.
 */
export type TypedReview<R, P extends object = Record<string, unknown>> = Omit<ReviewRequest, 'payload'> & {
  readonly payload: P;
  readonly [RESPONSE]?: R;
};

/** Any human response, when the review's type does not say more. */
export type ReviewResponse = Record<string, unknown>;

/** The response type of a review: `R` of a {@link TypedReview}, else any JSON object. */
export type ResponseOf<V> = V extends { readonly [RESPONSE]?: infer R }
  ? unknown extends R
    ? ReviewResponse
    : R
  : ReviewResponse;

/** What a review may carry besides its type and payload (expiry, assignees, policy, …), with a typed default response. */
export type ReviewExtras<R = ReviewResponse> = Omit<ReviewRequest, 'type' | 'payload' | 'onTimeout'> & {
  /** `expire` (the default), or the response the review completes with when nobody decided by the expiry. */
  onTimeout?: 'expire' | { response: R };
};

function build<R, P extends object>(
  type: string,
  payload: P,
  extras: ReviewExtras<R> | undefined,
): TypedReview<R, P> {
  return { ...extras, type, payload } as TypedReview<R, P>;
}

/** A review of any type with the response type you name: `review<{ stars: number }>('rating', { max: 5 })`. */
export function review<R = ReviewResponse, P extends Record<string, unknown> = Record<string, unknown>>(
  type: string,
  payload: P = {} as P,
  extras?: ReviewExtras<R>,
): TypedReview<R, P> {
  return build(type, payload, extras);
}

/** The schemas a review type declares once (`defineReviewSchemas` of `@placet/core/browser`). */
export interface ReviewTypeSchemas<P, R> {
  readonly type: string;
  readonly payload: z.ZodType<P>;
  readonly response: (payload: P) => z.ZodType<R>;
}

/**
 * A builder for a review type from its own schemas — a plugin's `schema.ts` (`approvalSchemas` of
 * `@placet/plugin-approval`, a third party's `ratingSchemas`): the payload and the response are typed by
 * the plugin's zod schemas.
 */
export function reviewType<P extends object, R>(
  schemas: ReviewTypeSchemas<P, R>,
): (payload: P, extras?: ReviewExtras<R>) => TypedReview<R, P> {
  return (payload, extras) => build(schemas.type, payload, extras);
}

// --- The built-in review types ---------------------------------------------------------------------
// Their payloads follow the plugins' schemas (plugins/*/src/schema.ts), and `test/review-builders.test.ts`
// checks each against them: a payload built here parses with the plugin's schema, and an answer typed
// here is one the plugin's response schema describes. The answer types are narrower than the plugins'
// (the option ids of *this* payload), which only a builder that sees the payload can give.

/** One button of an approval. */
export interface ApprovalOption {
  readonly id: string;
  readonly label: string;
  readonly style?: 'primary' | 'danger' | 'secondary' | 'ghost';
  readonly [key: string]: unknown;
}

/** The payload of an approval: pick one of `options`, optionally with a comment. */
export interface ApprovalRequest<O extends readonly ApprovalOption[] = readonly ApprovalOption[]> {
  readonly options: O;
  readonly allowComment?: boolean;
  readonly dismissLabel?: string;
  readonly [key: string]: unknown;
}

/** The answer to an approval: the id of the chosen option. */
export interface ApprovalAnswer<Id extends string = string> {
  selectedOption: Id;
  comment?: string;
}

/** An approval: `approval({ options: [{ id: 'deploy', label: 'Deploy' }, …] })`; the answer's `selectedOption` is one of the ids. */
export function approval<const O extends readonly [ApprovalOption, ...ApprovalOption[]]>(
  payload: ApprovalRequest<O>,
  extras?: ReviewExtras<ApprovalAnswer<O[number]['id']>>,
): TypedReview<ApprovalAnswer<O[number]['id']>, ApprovalRequest<O>> {
  return build('approval', payload, extras);
}

/** One choosable item of a selection. */
export interface SelectionItem {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly [key: string]: unknown;
}

/** The payload of a selection: one (`single`) or several (`multi`) of `items`. */
export interface SelectionRequest<I extends readonly SelectionItem[] = readonly SelectionItem[]> {
  readonly mode: 'single' | 'multi';
  readonly items: I;
  readonly submitLabel?: string;
  readonly dismissLabel?: string;
  readonly [key: string]: unknown;
}

/** The answer to a selection: the chosen item ids (exactly one in `single` mode). */
export interface SelectionAnswer<Id extends string = string> {
  selectedIds: Id[];
}

export function selection<const I extends readonly [SelectionItem, ...SelectionItem[]]>(
  payload: SelectionRequest<I>,
  extras?: ReviewExtras<SelectionAnswer<I[number]['id']>>,
): TypedReview<SelectionAnswer<I[number]['id']>, SelectionRequest<I>> {
  return build('selection', payload, extras);
}

/** The payload of a text input: a free text answer, optionally bounded in length. */
export interface TextInputRequest {
  readonly placeholder?: string;
  readonly prefill?: string;
  readonly markdown?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly submitLabel?: string;
  readonly dismissLabel?: string;
  readonly [key: string]: unknown;
}

export interface TextInputAnswer {
  text: string;
}

export function textInput(
  payload: TextInputRequest = {},
  extras?: ReviewExtras<TextInputAnswer>,
): TypedReview<TextInputAnswer, TextInputRequest> {
  return build('text-input', payload, extras);
}

/** The thirteen field types of a form. */
export type FormFieldType =
  | 'text'
  | 'number'
  | 'email'
  | 'url'
  | 'textarea'
  | 'select'
  | 'multiselect'
  | 'checkbox'
  | 'date'
  | 'time'
  | 'datetime'
  | 'range'
  | 'password';

/** A select or multiselect option: a plain string (value and label alike) or `{ value, label }`. */
export type FormFieldOption = string | { readonly value: string; readonly label: string };

/**
 * One field of a form. `options`: the choices of a `select` or `multiselect`; `min`/`max`: the bounds of a
 * `number` or `range`, or how many options a `multiselect` takes; `minLength`/`maxLength`: the length of a
 * non-empty `text`, `textarea`, `password`, `email` or `url` answer; `defaultValue`: a list of option values
 * for a `multiselect`.
 */
export interface FormField {
  readonly name: string;
  readonly type: FormFieldType;
  readonly label: string;
  readonly required?: boolean;
  readonly placeholder?: string;
  readonly options?: readonly FormFieldOption[];
  readonly defaultValue?: string | number | boolean | readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly unit?: string;
  readonly description?: string;
  readonly [key: string]: unknown;
}

export interface FormRequest<F extends readonly FormField[] = readonly FormField[]> {
  readonly fields: F;
  readonly submitLabel?: string;
  readonly dismissLabel?: string;
  readonly [key: string]: unknown;
}

type OptionValue<O> = O extends string
  ? O
  : O extends { readonly value: infer V extends string }
    ? V
    : string;
/** The answer of a field of type `T` (distributed over a union of types) with options `F['options']`. */
type ValueOfType<T, F> = T extends 'number' | 'range'
  ? number
  : T extends 'checkbox'
    ? boolean
    : T extends 'select' | 'multiselect'
      ? F extends { readonly options: readonly (infer O)[] }
        ? T extends 'select'
          ? OptionValue<O>
          : OptionValue<O>[]
        : T extends 'select'
          ? string
          : string[]
      : string;
/**
 * The value of one field in an answer: a number, a boolean, one of a select's values, a list of a
 * multiselect's values, or a string. A field whose type is not one literal (a `FormField` built at run
 * time) may have the value of any of its types.
 */
export type FormFieldValue<F> = F extends { readonly type: infer T } ? ValueOfType<T, F> : never;
type IsRequired<F> = F extends { readonly required: true } ? true : false;
type Flatten<T> = { [K in keyof T]: T[K] } & {};

/**
 * The answer to a form, by field name: required fields always have a value; optional ones may be
 * absent or `null` (a string-valued one also `''`, an empty input; a multiselect `[]`, nothing chosen).
 */
export type FormAnswer<F extends readonly FormField[]> = Flatten<
  { [X in F[number] as IsRequired<X> extends true ? X['name'] : never]: FormFieldValue<X> } & {
    [X in F[number] as IsRequired<X> extends true ? never : X['name']]?:
      | FormFieldValue<X>
      | null
      | (FormFieldValue<X> extends string ? '' : never);
  }
>;

export function form<const F extends readonly [FormField, ...FormField[]]>(
  payload: FormRequest<F>,
  extras?: ReviewExtras<FormAnswer<F>>,
): TypedReview<FormAnswer<F>, FormRequest<F>> {
  return build('form', payload, extras);
}

/** A freeform review: any JSON payload (conventionally `{ plugin: '<renderer>', … }`), any JSON answer. */
/** The payload of a freeform review: any JSON object. */
export interface FreeformRequest {
  readonly plugin?: string;
  readonly dismissLabel?: string;
  readonly [key: string]: unknown;
}

export function freeform<R extends ReviewResponse = ReviewResponse>(
  payload: FreeformRequest = {},
  extras?: ReviewExtras<R>,
): TypedReview<R, FreeformRequest> {
  return build('freeform', payload, extras);
}
