import { errorFor, type PlacetClientError, type PlacetErrorIssue } from './errors.js';
import { parseRetryAfter, type RetryPolicy, retryDelay } from './retry.js';
import type { FileInput, RouteSpec } from './routes.js';

/** When a failed request is tried again: never, up to the policy's attempts, or until it succeeds or aborts. */
export type RetryMode = 'never' | 'safe' | 'forever';

export interface SendOptions {
  signal?: AbortSignal | undefined;
  retry?: RetryMode;
  /** Gives up on one attempt after this long without an answer (a dead connection): `NETWORK_ERROR`. */
  attemptTimeoutMs?: number;
  headers?: Record<string, string>;
}

/** What a route is sent with: path parameters, query, and a JSON body or multipart fields and a file. */
export interface SendInput {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  fields?: Record<string, unknown>;
  file?: FileInput;
  filename?: string;
}

export interface TransportConfig {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch: typeof fetch;
  readonly headers: Readonly<Record<string, string>>;
  readonly retry: RetryPolicy;
}

/** The HTTP layer: URLs, the API key, error bodies to typed errors, and retries of transient failures. */
export class Transport {
  constructor(readonly config: TransportConfig) {}

  /** The URL of `path` (with `:params` filled in) and `query` under the API's base URL. */
  url(path: string, params: Record<string, string> = {}, query: Record<string, unknown> = {}): string {
    const filled = path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined || value === '')
        throw new TypeError(`Missing path parameter "${name}" of ${path}`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
    const qs = search.toString();
    return `${this.config.baseUrl}${filled}${qs ? `?${qs}` : ''}`;
  }

  /** Sends `route` and answers its successful `Response`; throws a {@link PlacetClientError} otherwise. */
  async send(route: RouteSpec, input: SendInput = {}, options: SendOptions = {}): Promise<Response> {
    const url = this.url(route.path, input.params, input.query);
    const label = `${route.method.toUpperCase()} ${route.path}`;
    const policy = this.config.retry;
    const mode = options.retry ?? 'never';
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(route, url, label, input, options);
      if (!(outcome instanceof Error)) return outcome;
      const retriable =
        outcome.transient && (mode === 'forever' || (mode === 'safe' && attempt < policy.attempts));
      if (!retriable) throw outcome;
      const delayMs = retryDelay(policy, attempt, outcome.retryAfterSeconds);
      policy.onRetry?.({
        request: label,
        attempt,
        delayMs,
        code: String(outcome.code),
        status: outcome.status,
      });
      await policy.sleep(delayMs, options.signal);
    }
  }

  /** Sends and parses a JSON answer. */
  async json<T>(route: RouteSpec, input: SendInput = {}, options: SendOptions = {}): Promise<T> {
    const response = await this.send(route, input, options);
    return (await readJson(response, `${route.method.toUpperCase()} ${route.path}`)) as T;
  }

  /** One try: the `Response` when it succeeded, else the error (thrown at once when `signal` aborted). */
  async #attempt(
    route: RouteSpec,
    url: string,
    label: string,
    input: SendInput,
    options: SendOptions,
  ): Promise<Response | PlacetClientError> {
    const { signal, attemptTimeoutMs } = options;
    signal?.throwIfAborted();
    const watchdog = attemptTimeoutMs === undefined ? undefined : new AbortController();
    const timer = watchdog && setTimeout(() => watchdog.abort(), attemptTimeoutMs);
    const linked = linkSignals([signal, watchdog?.signal]);
    try {
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...this.config.headers,
        ...options.headers,
        'x-api-key': this.config.apiKey,
      };
      let body: BodyInit | undefined;
      if (input.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(input.body);
      } else if (input.file !== undefined) {
        body = formData(input.fields ?? {}, input.file, input.filename);
      }
      const response = await this.config.fetch(url, {
        method: route.method.toUpperCase(),
        headers,
        ...(body === undefined ? {} : { body }),
        ...(linked.signal ? { signal: linked.signal } : {}),
      });
      if (response.ok) return response;
      return await errorOf(response, label);
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      const timedOut = watchdog?.signal.aborted === true;
      const why = timedOut ? `no answer within ${attemptTimeoutMs} ms` : describe(cause);
      return errorFor(`${label}: the server could not be reached (${why})`, {
        status: 0,
        code: 'NETWORK_ERROR',
        request: label,
        cause,
      });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      linked.dispose();
    }
  }
}

/** The JSON of a successful answer, or `INVALID_RESPONSE`. */
export async function readJson(response: Response, label: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw errorFor(
      `${label}: the answer is not JSON (${response.headers.get('content-type') ?? 'no type'})`,
      {
        status: response.status,
        code: 'INVALID_RESPONSE',
        request: label,
        cause,
      },
    );
  }
}

/** The typed error of a failed answer: the server's error body when it sent one, else by status. */
async function errorOf(response: Response, label: string): Promise<PlacetClientError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  let body: { code?: unknown; message?: unknown; issues?: unknown } | undefined;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = undefined;
  }
  const status = response.status;
  const init = { status, request: label, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  if (body && typeof body.code === 'string') {
    const issues = Array.isArray(body.issues) ? (body.issues as PlacetErrorIssue[]) : [];
    const message = typeof body.message === 'string' ? body.message : response.statusText;
    return errorFor(`${label}: ${message}`, { ...init, code: body.code, issues });
  }
  // Not Placet's error body: a proxy, a load balancer, a host's own page.
  const code =
    status === 503
      ? 'SERVICE_UNAVAILABLE'
      : status === 429
        ? 'RATE_LIMITED'
        : status >= 500
          ? 'BAD_GATEWAY'
          : 'INVALID_RESPONSE';
  return errorFor(`${label}: HTTP ${status} ${response.statusText}`.trim(), { ...init, code });
}

function describe(cause: unknown): string {
  const inner = (cause as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (inner && typeof inner.code === 'string') return inner.code;
  return cause instanceof Error ? cause.message : String(cause);
}

function formData(fields: Record<string, unknown>, file: FileInput, filename: string | undefined): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined && value !== null) form.append(key, String(value));
  const blob = file instanceof Blob ? file : new Blob([file as BlobPart]);
  const named = typeof File !== 'undefined' && file instanceof File ? file.name : undefined;
  form.append('file', blob, filename ?? named ?? 'file');
  return form;
}

/** One signal that aborts when any of `signals` does (AbortSignal.any, with cleanup, for older runtimes). */
export function linkSignals(signals: readonly (AbortSignal | undefined)[]): {
  signal: AbortSignal | undefined;
  dispose(): void;
} {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return { signal: present[0], dispose: () => {} };
  const controller = new AbortController();
  const listeners: (() => void)[] = [];
  for (const signal of present) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    listeners.push(() => signal.removeEventListener('abort', onAbort));
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const off of listeners) off();
    },
  };
}
