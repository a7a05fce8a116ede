import type { Placet, UserPrincipal } from '@placet/core';
import type { TimerHandle } from '@placet/core/adapter';
import type { Message } from '@placet/core/contract';

type JsonObject = Record<string, unknown>;

/** What a fake human sees of a review: its type and the payload the plugin accepted. */
export interface FakeReview {
  readonly type: string;
  readonly payload: JsonObject;
}

/** What a script decides to do with one review. Build one with {@link answers}. */
export type FakeAnswer =
  | {
      readonly kind: 'respond';
      /** Builds the response from the review; a throw is recorded in `errors`. */
      readonly build: (review: FakeReview) => JsonObject;
      readonly feedback?: string;
    }
  | { readonly kind: 'after'; readonly ms: number; readonly answer: FakeAnswer }
  | { readonly kind: 'never' };

/** Decides how to answer one pending review; `undefined` means "never". */
export type FakeScript = (review: FakeReview, message: Message) => FakeAnswer | undefined;

export interface FakeHumanOptions {
  /** Who answers; the fake human listens to this user's channels. */
  user: UserPrincipal;
  /** Only reviews in these channels (default: every channel of the user). */
  channelIds?: readonly string[];
  /** Default: {@link defaultFakeScript}. */
  script?: FakeScript;
}

/** An answer the engine accepted; `response` is the stored one. */
export interface FakeAnswered {
  readonly messageId: string;
  readonly type: string;
  readonly response: JsonObject;
}

/** A failure while answering (a 409 from a lost race, an invalid answer, a script that threw). */
export interface FakeHumanError {
  readonly messageId: string;
  readonly error: unknown;
}

export interface FakeHuman {
  /** Ids of the messages with a pending review this fake human received, in order. */
  readonly seen: readonly string[];
  /** Accepted answers, in the order they were accepted (answers run concurrently: not `seen`'s order). */
  readonly answered: readonly FakeAnswered[];
  /** Errors are recorded here and never thrown into the event hub. */
  readonly errors: readonly FakeHumanError[];
  /**
   * Resolves once the event hub has dispatched every event committed so far and every answer started
   * has settled. Answers scheduled with `after(ms)` start only when the clock reaches them. Rejects if
   * the hub does not catch up within `timeoutMs` (e.g. the Placet instance was not started).
   */
  idle(timeoutMs?: number): Promise<void>;
  /** Stops listening and cancels scheduled answers; answers already sent still settle. Idempotent. */
  stop(): void;
}

const APPROVE = /(?<![a-z])(approve[ds]?|yes|ok|okay|accept(ed)?|confirm(ed)?|allow(ed)?)(?![a-z])/i;
const REJECT = /(?<![a-z])(reject(ed)?|no|deny|denied|decline[ds]?)(?![a-z])/i;

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

interface Choice {
  id: string;
  label?: unknown;
}

/** The `{ id, label }` entries of `payload[key]`; throws when there are none. */
function choices(review: FakeReview, key: 'options' | 'items'): [Choice, ...Choice[]] {
  const list = review.payload[key];
  const found = (Array.isArray(list) ? list : []).filter(
    (entry): entry is Choice => isRecord(entry) && typeof entry.id === 'string',
  );
  if (found.length === 0) throw new Error(`fake human: the ${review.type} review has no payload.${key}`);
  return found as [Choice, ...Choice[]];
}

function looksLike(choice: Choice, pattern: RegExp): boolean {
  return pattern.test(choice.id) || (typeof choice.label === 'string' && pattern.test(choice.label));
}

/** A valid number for a number or range field: `min`, else 0, else the largest step not above `max`. */
function numberFor(field: JsonObject): number {
  const min = num(field.min);
  const max = num(field.max);
  const step = num(field.step);
  const value = min ?? 0;
  if (max === undefined || value <= max) return value;
  return step && step > 0 ? Math.floor(max / step) * step : max;
}

/** The first `min` (at least one) option values of a multiselect. */
function choicesFor(field: JsonObject): string[] {
  const values = (Array.isArray(field.options) ? field.options : []).map((option: unknown) =>
    isRecord(option) ? option.value : option,
  );
  return values.filter((v): v is string => typeof v === 'string').slice(0, Math.max(1, num(field.min) ?? 1));
}

/** A text answer of at least `minLength` characters (and at most `maxLength`). */
function textFor(field: JsonObject): string {
  const min = num(field.minLength) ?? 0;
  const text = 'test'.padEnd(min, 't');
  const max = num(field.maxLength);
  return max === undefined ? text : text.slice(0, max);
}

function fieldValue(field: JsonObject): string | number | boolean | string[] {
  const preset = field.defaultValue;
  if (
    typeof preset === 'string' ||
    typeof preset === 'number' ||
    typeof preset === 'boolean' ||
    (Array.isArray(preset) && field.type === 'multiselect')
  ) {
    return preset as string | number | boolean | string[];
  }
  switch (field.type) {
    case 'multiselect':
      return choicesFor(field);
    case 'number':
    case 'range':
      return numberFor(field);
    case 'email':
      return 'human@example.test';
    case 'url':
      return 'https://example.test';
    case 'select': {
      const first: unknown = Array.isArray(field.options) ? field.options[0] : undefined;
      if (typeof first === 'string') return first;
      if (isRecord(first) && typeof first.value === 'string') return first.value;
      throw new Error(`fake human: select field "${String(field.name)}" has no options`);
    }
    case 'checkbox':
      return field.required === true;
    case 'date':
      return '2026-01-01';
    case 'time':
      return '12:00';
    case 'datetime':
      return '2026-01-01T12:00';
    default:
      return textFor(field);
  }
}

function respond(
  response: JsonObject | ((review: FakeReview) => JsonObject),
  options: { feedback?: string } = {},
): FakeAnswer {
  const build = typeof response === 'function' ? response : () => response;
  return options.feedback === undefined
    ? { kind: 'respond', build }
    : { kind: 'respond', build, feedback: options.feedback };
}

/** Builders of {@link FakeAnswer}s. Each reads the payload when the review arrives. */
export const answers = {
  /** Approval: `optionId`, else the first option that looks like approve/yes/ok, else the first. */
  approve(optionId?: string): FakeAnswer {
    return respond((review) => {
      if (optionId !== undefined) return { selectedOption: optionId };
      const options = choices(review, 'options');
      const chosen =
        options.find((o) => looksLike(o, APPROVE) && !looksLike(o, REJECT)) ??
        options.find((o) => looksLike(o, APPROVE)) ??
        options[0];
      return { selectedOption: chosen.id };
    });
  },
  /** Approval: `optionId`, else the first option that looks like reject/no/deny, else the last. */
  reject(optionId?: string): FakeAnswer {
    return respond((review) => {
      if (optionId !== undefined) return { selectedOption: optionId };
      const options = choices(review, 'options');
      const chosen = options.find((o) => looksLike(o, REJECT)) ?? options[options.length - 1] ?? options[0];
      return { selectedOption: chosen.id };
    });
  },
  /** Selection: the given item ids, else the first item. */
  pick(...ids: string[]): FakeAnswer {
    return respond((review) => ({ selectedIds: ids.length > 0 ? ids : [choices(review, 'items')[0].id] }));
  },
  /** Form: a valid value for every field (its `defaultValue` when set), then `values` on top. */
  fill(values: Record<string, string | number | boolean | null> = {}): FakeAnswer {
    return respond((review) => {
      const fields = Array.isArray(review.payload.fields) ? review.payload.fields.filter(isRecord) : [];
      if (fields.length === 0) throw new Error(`fake human: the ${review.type} review has no payload.fields`);
      const built: JsonObject = {};
      for (const field of fields) if (typeof field.name === 'string') built[field.name] = fieldValue(field);
      return { ...built, ...values };
    });
  },
  /** Text input: `value` as given, else `OK` padded with dots to `minLength` (cut to `maxLength`). */
  text(value?: string): FakeAnswer {
    return respond((review) => {
      if (value !== undefined) return { text: value };
      const min = num(review.payload.minLength) ?? 1;
      const max = num(review.payload.maxLength);
      const text = 'OK'.padEnd(min, '.');
      return { text: max === undefined ? text : text.slice(0, max) };
    });
  },
  /** A raw response (or a function of the review), optionally with feedback. */
  respond,
  /** `{ _dismissed: true }`: accepted only when the payload has a `dismissLabel`. */
  dismiss(): FakeAnswer {
    return respond({ _dismissed: true });
  },
  /** `answer` once `ms` have passed on the Placet clock (a FakeClock in tests). */
  after(ms: number, answer: FakeAnswer): FakeAnswer {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`answers.after: invalid delay ${ms}`);
    return { kind: 'after', ms, answer };
  },
  /** Leaves the review pending. */
  never(): FakeAnswer {
    return { kind: 'never' };
  },
} as const;

/** Answers each built-in review type validly; other types are left pending. */
export const defaultFakeScript: FakeScript = (review) => {
  switch (review.type) {
    case 'approval':
      return answers.approve();
    case 'selection':
      return answers.pick();
    case 'form':
      return answers.fill();
    case 'text-input':
      return answers.text();
    case 'freeform':
      return answers.respond({ ok: true });
    default:
      return answers.never();
  }
};

function pause(turn: number): Promise<void> {
  return new Promise((resolve) => (turn < 20 ? setImmediate(resolve) : setTimeout(resolve, 5)));
}

/**
 * Attaches a scripted human to `placet`: every new message with a pending review (of `user`'s channels,
 * or of `channelIds`) is answered as `script` decides, through `placet.reviews.respond`.
 */
export function attachFakeHuman(placet: Placet, options: FakeHumanOptions): FakeHuman {
  const { user, channelIds, script = defaultFakeScript } = options;
  const clock = placet.options.clock;
  const seen: string[] = [];
  const answered: FakeAnswered[] = [];
  const errors: FakeHumanError[] = [];
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<TimerHandle>();
  let stopped = false;

  async function send(answer: FakeAnswer & { kind: 'respond' }, review: FakeReview, messageId: string) {
    try {
      const response = answer.build(review);
      const body = answer.feedback === undefined ? { response } : { response, feedback: answer.feedback };
      const message = await placet.reviews.respond(user, messageId, body);
      answered.push({ messageId, type: review.type, response: message.review?.response ?? response });
    } catch (error) {
      errors.push({ messageId, error });
    }
  }

  function carryOut(answer: FakeAnswer | undefined, review: FakeReview, messageId: string): void {
    if (stopped || answer === undefined || answer.kind === 'never') return;
    if (answer.kind === 'after') {
      const handle = clock.setTimer(() => {
        timers.delete(handle);
        carryOut(answer.answer, review, messageId);
      }, answer.ms);
      timers.add(handle);
      return;
    }
    const task: Promise<void> = send(answer, review, messageId).finally(() => inFlight.delete(task));
    inFlight.add(task);
  }

  const unsubscribe = placet.events.subscribe(
    { ownerId: user.userId, ...(channelIds ? { channelIds } : {}) },
    (event) => {
      if (stopped || event.type !== 'message:created') return;
      const message = event.payload as Message;
      if (message.review?.status !== 'pending') return;
      seen.push(message.id);
      const review: FakeReview = { type: message.review.type, payload: message.review.payload };
      let answer: FakeAnswer | undefined;
      try {
        answer = script(review, message);
      } catch (error) {
        errors.push({ messageId: message.id, error });
        return;
      }
      carryOut(answer, review, message.id);
    },
  );

  return {
    seen,
    answered,
    errors,
    async idle(timeoutMs = 5000) {
      if (!stopped) {
        const deadline = Date.now() + timeoutMs;
        const committed = await placet.options.store.events.lastSeq();
        for (let turn = 0; placet.events.lastSeq() < committed; turn++) {
          if (Date.now() >= deadline) {
            throw new Error(`fake human: the event hub did not catch up within ${timeoutMs} ms`);
          }
          await pause(turn);
        }
      }
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      for (const handle of timers) clock.clearTimer(handle);
      timers.clear();
    },
  };
}
