import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  issueMessage,
  OFFLINE_MESSAGE,
  sendFailureMessage,
  serverIssueMessage,
  TIMEOUT_MESSAGE,
} from './browser-messages.js';

/** The message of the only issue of `value` under `schema`, worded by `issueMessage` as an error map. */
function worded(schema: z.ZodType, value: unknown): string | undefined {
  const issues = schema.safeParse(value, { error: issueMessage }).error?.issues ?? [];
  expect(issues).toHaveLength(1);
  return issues[0]?.message;
}

/** The only issue of `value` under `schema` as a server would send it: final, with no `input`. */
function finalIssue(schema: z.ZodType, value: unknown) {
  const [issue, ...more] = schema.safeParse(value).error?.issues ?? [];
  expect(more).toEqual([]);
  return { ...issue!, path: issue!.path.join('.') };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('issueMessage: zod issues in plain sentences', () => {
  it('words lengths and ranges instead of zod’s defaults', () => {
    expect(worded(z.number().lte(10), 11)).toBe('Must be at most 10');
    expect(worded(z.number().gte(1), 0)).toBe('Must be at least 1');
    expect(worded(z.number().positive(), 0)).toBe('Must be more than 0');
    expect(worded(z.number().lt(5), 5)).toBe('Must be less than 5');
    expect(worded(z.string().min(3), 'ab')).toBe('Must be at least 3 characters');
    expect(worded(z.string().max(1), 'ab')).toBe('Must be at most 1 character');
    expect(worded(z.string().length(4), 'ab')).toBe('Must be exactly 4 characters');
    // Nothing typed at all is simply missing.
    expect(worded(z.string().min(1), '')).toBe('Required');
  });

  it('words the bounds of a list as choices', () => {
    expect(worded(z.array(z.string()).min(1), [])).toBe('Choose at least 1 option');
    expect(worded(z.array(z.string()).max(2), ['a', 'b', 'c'])).toBe('Choose at most 2 options');
    expect(worded(z.array(z.string()).length(1), [])).toBe('Choose exactly 1 option');
  });

  it('says what a value must be, what it is when that helps, and "Required" when it is missing', () => {
    expect(worded(z.record(z.string(), z.unknown()), [1, 2])).toBe('Must be an object, not a list');
    expect(worded(z.number(), 'x')).toBe('Must be a number, not text');
    expect(worded(z.int(), 1.5)).toBe('Must be a whole number');
    expect(worded(z.string(), 5)).toBe('Must be text, not a number');
    expect(worded(z.object({ name: z.string() }), {})).toBe('Required');
    expect(worded(z.string(), null)).toBe('Required');
    expect(worded(z.object({ no: z.never().optional() }), { no: 1 })).toBe('Not allowed here');
  });

  it('words choices, formats, multiples and unknown keys', () => {
    expect(worded(z.enum(['low', 'high']), 'mid')).toBe('Must be "low" or "high"');
    expect(worded(z.enum(['a', 'b', 'c']), 'x')).toBe('Must be "a", "b" or "c"');
    expect(worded(z.literal('yes'), 'no')).toBe('Must be "yes"');
    expect(worded(z.enum(['a', 'b', 'c', 'd', 'e', 'f']), 'x')).toBe('Must be one of the accepted values');
    expect(worded(z.email(), 'nope')).toBe('Must be a valid email address');
    expect(worded(z.url(), 'nope')).toBe('Must be a valid URL');
    expect(worded(z.string().startsWith('ab'), 'x')).toBe('Must start with "ab"');
    expect(worded(z.string().regex(/^a/), 'b')).toBe('Does not have the expected format');
    expect(worded(z.number().multipleOf(3), 4)).toBe('Must be a multiple of 3');
    expect(worded(z.strictObject({}), { zz: 1, yy: 2 })).toBe('Unexpected fields "zz" and "yy"');
    expect(worded(z.union([z.string(), z.number()]), true)).toBe('This value is not accepted');
  });

  it('keeps the words a schema’s author chose, for custom issues and for checks given a message', () => {
    expect(worded(z.number().max(3, { error: 'at most 3 stars' }), 4)).toBe('at most 3 stars');
    expect(
      worded(
        z.string().refine(() => false, { error: 'the text is blank' }),
        ' ',
      ),
    ).toBe('the text is blank');
    expect(issueMessage({ code: 'custom' })).toBeUndefined();
  });

  it('gives up, rather than print "undefined", on details it does not have', () => {
    expect(issueMessage({ code: 'too_big' })).toBeUndefined();
    expect(issueMessage({ code: 'too_small', origin: 'string', minimum: 'three' })).toBeUndefined();
    expect(issueMessage({ code: 'invalid_type', expected: 'symbol' })).toBeUndefined();
    expect(issueMessage({ code: 'not_a_zod_code' })).toBeUndefined();
    expect(issueMessage({})).toBeUndefined();
  });
});

describe('serverIssueMessage', () => {
  it('words an issue carrying a zod code and its details, keeping its path beside it', () => {
    const issue = finalIssue(z.object({ stars: z.number().lte(10) }), { stars: 11 });
    expect(issue.message).toBe('Too big: expected number to be <=10'); // what zod says by default
    expect(serverIssueMessage(issue)).toBe('Must be at most 10');
    expect(issue.path).toBe('stars');
  });

  it('shows an issue without a code, or with one it cannot word, as sent', () => {
    expect(serverIssueMessage({ message: 'Too big: expected number to be <=10' })).toBe(
      'Too big: expected number to be <=10',
    );
    expect(serverIssueMessage({ code: 'custom', message: 'the text is blank' })).toBe('the text is blank');
    expect(serverIssueMessage({ code: 'too_big', message: 'too many' })).toBe('too many');
  });
});

describe('sendFailureMessage', () => {
  it('turns fetch’s own failure to reach a server into a sentence', async () => {
    const port = await closedPort();
    const error = await fetch(`http://127.0.0.1:${port}/`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(sendFailureMessage(error)).toBe(OFFLINE_MESSAGE);
    // Browsers word it differently; the type decides.
    expect(sendFailureMessage(new TypeError('Failed to fetch'))).toBe(
      'Could not send: you are offline or the server is unreachable. Try again.',
    );
  });

  it('says a deadline passed, and leaves anything else to the caller', () => {
    expect(sendFailureMessage(new DOMException('The operation timed out.', 'TimeoutError'))).toBe(
      TIMEOUT_MESSAGE,
    );
    expect(sendFailureMessage(new Error('REVIEW_CHANGED'))).toBeUndefined();
    expect(sendFailureMessage('Failed to fetch')).toBeUndefined();
    expect(sendFailureMessage(null)).toBeUndefined();
  });
});
