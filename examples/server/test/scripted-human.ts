import { setTimeout as delay } from 'node:timers/promises';

/** Signs in through `POST /api/auth/login`; returns the `Cookie` header value of the session. */
export async function signIn(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  const cookie = sessionCookie(res);
  if (!cookie) throw new Error(`login set no access_token cookie: ${res.headers.getSetCookie().join(' | ')}`);
  return cookie;
}

/** `access_token=…` from a response's Set-Cookie headers, if it sets a non-empty one. */
export function sessionCookie(res: Response): string | undefined {
  for (const header of res.headers.getSetCookie()) {
    const pair = header.split(';')[0]!.trim();
    if (pair.startsWith('access_token=') && pair.length > 'access_token='.length) return pair;
  }
  return undefined;
}

interface PendingReview {
  type: string;
  payload: Record<string, unknown>;
  status: string;
}

type Row = Record<string, unknown>;
const rows = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : []);

/** The value a human would enter in one form field: the first option, the lowest allowed number, … */
function fieldValue(field: Row): unknown {
  switch (field.type) {
    case 'select': {
      const first = (field.options as unknown[] | undefined)?.[0];
      return typeof first === 'string' ? first : (first as Row | undefined)?.value;
    }
    case 'number':
    case 'range': {
      const min = typeof field.min === 'number' ? field.min : 1;
      return typeof field.max === 'number' ? Math.min(min, field.max) : min;
    }
    case 'multiselect': {
      const first = (field.options as unknown[] | undefined)?.[0];
      return [typeof first === 'string' ? first : (first as Row | undefined)?.value];
    }
    case 'checkbox':
      return true;
    case 'email':
      return 'human@example.com';
    case 'url':
      return 'https://example.com/';
    case 'date':
      return '2030-01-31';
    case 'time':
      return '12:30';
    case 'datetime':
      return '2030-01-31T12:30';
    default:
      return 'ok';
  }
}

/** A valid answer for a review of the built-in types, as the dashboard would send it. */
export function answerFor(review: PendingReview): Record<string, unknown> {
  const { payload } = review;
  switch (review.type) {
    case 'approval':
      return { selectedOption: rows(payload.options)[0]?.id };
    case 'selection':
      return { selectedIds: [rows(payload.items)[0]?.id] };
    case 'form':
      return Object.fromEntries(rows(payload.fields).map((field) => [field.name, fieldValue(field)]));
    case 'text-input':
      return { text: 'ok' };
    case 'freeform':
      return { answer: 'ok' };
    default:
      throw new Error(`the scripted human cannot answer a review of type "${review.type}"`);
  }
}

export interface Answer {
  messageId: string;
  type: string;
  response: Record<string, unknown>;
}

export interface ScriptedHuman {
  answered: Answer[];
  errors: string[];
  stop(): Promise<void>;
}

/**
 * A human in a loop: lists the channel's pending reviews with the session cookie and answers each once
 * through `POST /api/v1/reviews/:id/respond` (cookie + X-Requested-With). Errors are collected, not thrown.
 */
export function startScriptedHuman(options: {
  url: string;
  cookie: string;
  channelId: string;
  intervalMs?: number;
}): ScriptedHuman {
  const { url, cookie, channelId } = options;
  const answered: Answer[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  let stopped = false;

  async function round() {
    const res = await fetch(`${url}/api/v1/reviews/pending?channel=${encodeURIComponent(channelId)}`, {
      headers: { Cookie: cookie },
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 200)
      throw new Error(`GET /reviews/pending answered ${res.status}: ${await res.text()}`);
    for (const message of (await res.json()) as { id: string; review: PendingReview | null }[]) {
      if (message.review?.status !== 'pending' || seen.has(message.id)) continue;
      seen.add(message.id);
      const response = answerFor(message.review);
      const answer = await fetch(`${url}/api/v1/reviews/${encodeURIComponent(message.id)}/respond`, {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Requested-With': 'scripted-human' },
        body: JSON.stringify({ response }),
        signal: AbortSignal.timeout(10_000),
      });
      if (answer.status !== 200) {
        errors.push(`respond to ${message.id} answered ${answer.status}: ${await answer.text()}`);
        continue;
      }
      answered.push({ messageId: message.id, type: message.review.type, response });
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await round();
      } catch (error) {
        errors.push(String(error));
      }
      if (!stopped) await delay(options.intervalMs ?? 150);
    }
  })();

  return {
    answered,
    errors,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
