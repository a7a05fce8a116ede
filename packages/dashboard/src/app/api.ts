import type { DashboardConfig } from './config.js';
import type {
  Attachment,
  AuditPage,
  Channel,
  Message,
  MessagePage,
  PluginManifest,
  StatusHistoryEntry,
  User,
} from './types.js';

/** An error answer of the API: `{ statusCode, code, message, issues }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined>;

/** What an answer may carry besides the response. */
export interface RespondExtra {
  reviewHash?: string;
  edits?: Record<string, unknown>;
}

/**
 * The dashboard's HTTP client. Same-origin requests with the session cookie; every request that changes
 * state carries `X-Requested-With` (the server's CSRF check). A 401 is reported to `onUnauthorized`.
 */
export class Api {
  onUnauthorized: () => void = () => {};

  constructor(readonly config: DashboardConfig) {}

  async request<T>(method: string, url: string, body?: unknown, query?: Query): Promise<T> {
    const target = new URL(url, location.origin);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) target.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (method !== 'GET') headers['X-Requested-With'] = 'placet-dashboard';
    // A FormData body is multipart: the browser writes its Content-Type with the boundary.
    const form = body instanceof FormData;
    if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
    const res = await fetch(target, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: form ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const data = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const e = (data ?? {}) as {
        code?: string;
        message?: string;
        issues?: { path: string; message: string }[];
      };
      if (res.status === 401) this.onUnauthorized();
      throw new ApiError(
        res.status,
        e.code ?? 'HTTP_ERROR',
        e.message ?? `${res.status} ${res.statusText}`,
        e.issues,
      );
    }
    return data as T;
  }

  private v1 = (path: string) => `${this.config.apiBase}${path}`;

  me = () => this.request<{ user: User; limits?: { fileBytes: number } }>('GET', this.v1('/me'));
  #fileBytes: Promise<number | undefined> | undefined;
  /** The largest file the server accepts (from `GET /me`), or undefined when it does not say. */
  uploadLimit = (): Promise<number | undefined> => {
    this.#fileBytes ??= this.me().then(
      (me) => me.limits?.fileBytes,
      () => {
        this.#fileBytes = undefined; // Asked again next time (an outage).
        return undefined;
      },
    );
    return this.#fileBytes;
  };
  agents = () => this.request<Channel[]>('GET', this.v1('/agents'));
  agent = (id: string) => this.request<Channel>('GET', this.v1(`/agents/${encodeURIComponent(id)}`));
  statusHistory = (id: string) =>
    this.request<StatusHistoryEntry[]>('GET', this.v1(`/agents/${encodeURIComponent(id)}/status-history`));
  markRead = (id: string) => this.request<unknown>('POST', this.v1(`/agents/${encodeURIComponent(id)}/read`));
  messages = (channel: string, cursor?: string, limit = 25) =>
    this.request<MessagePage>('GET', this.v1('/messages'), undefined, { channel, cursor, limit });
  /** A human message: text and/or files stored before (`attachmentIds`), once per `clientId`. */
  send = (channelId: string, text: string, clientId: string, attachmentIds: string[] = []) =>
    this.request<Message>('POST', this.v1('/messages'), {
      channelId,
      ...(text ? { text } : {}),
      ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
      clientId,
    });
  /**
   * Stores a file to attach to a message later (`POST /files/store`, multipart: `channelId` first, then
   * `file`). XMLHttpRequest, for `onProgress` (0…1) of the upload; `signal` aborts it.
   */
  storeFile = (
    channelId: string,
    file: File,
    options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
  ) =>
    new Promise<Attachment>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', new URL(this.v1('/files/store'), location.origin));
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('X-Requested-With', 'placet-dashboard');
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) options.onProgress?.(e.loaded / e.total);
      };
      xhr.onload = () => {
        const data = (xhr.responseText ? safeJson(xhr.responseText) : undefined) as
          | (Attachment & { code?: string; message?: string })
          | undefined;
        if (xhr.status >= 200 && xhr.status < 300 && data) return resolve(data);
        if (xhr.status === 401) this.onUnauthorized();
        reject(
          new ApiError(
            xhr.status,
            data?.code ?? 'HTTP_ERROR',
            data?.message ?? `${xhr.status} ${xhr.statusText}`,
          ),
        );
      };
      xhr.onerror = () => reject(new TypeError('Failed to fetch'));
      xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
      options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      const body = new FormData();
      body.append('channelId', channelId);
      body.append('file', file, file.name);
      xhr.send(body);
    });
  /** A channel's files, newest first, a page at a time (`nextCursor` from the `Link: rel="next"` header). */
  files = async (
    channel: string,
    cursor?: string,
  ): Promise<{ items: Attachment[]; nextCursor: string | null }> => {
    const target = new URL(this.v1('/files'), location.origin);
    target.searchParams.set('channel', channel);
    if (cursor) target.searchParams.set('cursor', cursor);
    const res = await fetch(target, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    const data = safeJson(await res.text()) as Attachment[] | { code?: string; message?: string } | undefined;
    if (!res.ok || !Array.isArray(data)) {
      if (res.status === 401) this.onUnauthorized();
      const e = (data ?? {}) as { code?: string; message?: string };
      throw new ApiError(res.status, e.code ?? 'HTTP_ERROR', e.message ?? `${res.status} ${res.statusText}`);
    }
    const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('Link') ?? '')?.[1];
    return {
      items: data,
      nextCursor: next ? new URL(next, location.origin).searchParams.get('cursor') : null,
    };
  };
  /**
   * Answers a review. `reviewHash` (what the human was shown) makes the server refuse the answer with
   * 409 `REVIEW_CHANGED` when the agent changed the review since; `edits` are a proposal's changed fields.
   */
  respond = (messageId: string, response: Record<string, unknown>, extra: RespondExtra = {}) =>
    this.request<Message>('POST', this.v1(`/reviews/${encodeURIComponent(messageId)}/respond`), {
      response,
      ...(extra.reviewHash !== undefined ? { reviewHash: extra.reviewHash } : {}),
      ...(extra.edits !== undefined ? { edits: extra.edits } : {}),
    });
  plugins = () => this.request<PluginManifest[]>('GET', this.v1('/plugins'));
  /**
   * Pending (or other) reviews across agents: `{ count, unread }`. `scope: 'assigned'`: those of any owner
   * that name the caller (`excludeOwn: 'true'`: not those of the caller's own channels).
   */
  reviewCount = (
    query: {
      scope?: 'mine' | 'assigned';
      status?: string;
      channel?: string;
      type?: string;
      excludeOwn?: 'true';
    } = {},
  ) => this.request<{ count: number; unread: number }>('GET', this.v1('/reviews/count'), undefined, query);
  /** The inbox: messages carrying reviews, newest first, and which of them the caller has read. */
  inbox = (query: {
    scope?: 'mine' | 'assigned';
    status?: string;
    channel?: string;
    type?: string;
    /** Case-insensitive part of the reviews' text. */
    search?: string;
    order?: 'newest' | 'oldest';
    cursor?: string;
    limit?: number;
  }) => this.request<MessagePage & { readIds: string[] }>('GET', this.v1('/reviews'), undefined, query);
  /**
   * One review's message (a deep link to a review that is not in the inbox's current page, or a review
   * reloaded after the agent changed it). `channel`: its channel, when known (the route asks for it).
   */
  review = (messageId: string, channel?: string) =>
    this.request<Message>('GET', this.v1(`/reviews/${encodeURIComponent(messageId)}`), undefined, {
      channel,
    });
  /** Marks every review matching the inbox filters read (both scopes when none is given). */
  markInboxRead = (filters: {
    scope?: 'mine' | 'assigned';
    status?: string;
    channel?: string;
    type?: string;
    search?: string;
  }) => this.request<{ marked: number }>('POST', this.v1('/reviews/read'), filters);
  markReviewRead = (messageId: string) =>
    this.request<{ read: true; readAt: string }>(
      'POST',
      this.v1(`/reviews/${encodeURIComponent(messageId)}/read`),
    );
  /** A page of one review's audit entries, oldest first (`after`: the last `seq` already read). */
  reviewAudit = (messageId: string, after = 0) =>
    this.request<AuditPage>(
      'GET',
      this.v1(`/reviews/${encodeURIComponent(messageId)}/audit`),
      undefined,
      after ? { after } : {},
    );
  fileUrl = (fileId: string) => this.v1(`/files/${encodeURIComponent(fileId)}/download`);

  // The example server's sign-in (absent when the host authenticates people itself).
  private auth = (path: string) => `${this.config.authBase}${path}`;
  login = (email: string, password: string) =>
    this.request<{ user: User }>('POST', this.auth('/login'), { email, password });
  logout = () => this.request<unknown>('POST', this.auth('/logout'), {});
  changePassword = (currentPassword: string, newPassword: string) =>
    this.request<unknown>('POST', this.auth('/change-password'), { currentPassword, newPassword });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A sentence for a request that failed: the server's own message when it answered, else what happened
 * and what to do (never the browser's "Failed to fetch"). `what` names what was loading ("The messages").
 */
export function failureMessage(error: unknown, what: string): string {
  if (error instanceof ApiError) return error.message;
  return `${what} could not be loaded: you are offline or the server is unreachable. Try again when the connection is back.`;
}
