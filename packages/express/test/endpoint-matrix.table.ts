import type { AgentPrincipal, Placet, UserPrincipal } from '@placet/core';
import {
  AckResult,
  Attachment,
  Channel,
  DeleteResult,
  IterationChain,
  Message,
  MessagePage,
  PluginManifest,
  ReceiptJwks,
  ReviewReceipt,
  StatusEvent,
  StatusHistoryEntry,
  WaitResult,
} from '@placet/core/contract';
import { verifyReceipt } from '@placet/core/receipts';
import { expect } from 'vitest';

/**
 * The endpoint matrix: one entry per operation of the `/api/v1` router, each with its success case and
 * its refusals (401 without or with a bad key, 404 for another owner's ids, 400 with issue paths for an
 * invalid body or query). A case that does not apply is a string: the reason why. The runner is
 * `endpoint-matrix.test.ts`; it also fails when the router has a route without an entry here or in
 * `endpoint-matrix.human.ts` (the human endpoints, which also have a 403 for an agent key and a member
 * case).
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One owner of resources, with a channel made for the current case alone. */
export interface Actor {
  userId: string;
  key: string;
  /** The principal of `key` (not channel-scoped). */
  agent: AgentPrincipal;
  /** The owner as a human. */
  human: UserPrincipal;
  channelId: string;
}

/** Ids and values a case's `setup` made (message ids, stream ids, …). */
export type Vars = Record<string, string>;

export interface Req {
  /** Values of the path template's `:params`. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** A JSON body. */
  body?: unknown;
  /** A multipart body, fields in this order (a `file` part is a Blob with a name). */
  form?: [name: string, value: string | { blob: Blob; filename: string }][];
  /** Abort the request after this long (default 5 s), so that a hang fails fast. */
  abortAfterMs?: number;
}

export interface Res {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A success case: the status, and what the body must be. */
export interface SuccessCase {
  status: number;
  /** A known bug: the test is expected to fail (`it.fails`) until it is fixed. */
  bug?: string;
  check?: (res: Res, vars: Vars, actor: Actor, placet: Placet) => void | Promise<void>;
}

/** The `foreign` case sends `request(vars, actor)` built from the second owner's resources with the first owner's credentials. */
export interface ForeignCase {
  /** A known bug: the test is expected to fail (`it.fails`) until it is fixed. */
  bug?: string;
}

/**
 * The `member` case: a user with role `member` (made by the first owner, with a channel and a key of
 * their own) sends `request(vars, owner, member)` — by default the success request, so the owner's ids.
 * 403 (owner only) and 404 (the owner's channel or id) are checked as error bodies; any other status is
 * the member's own view, checked by `check`. The answer never names the owner or the owner's ids.
 */
export interface MemberCase {
  status: number;
  request?: (vars: Vars, owner: Actor, member: Actor) => Req;
  check?: (res: Res, vars: Vars, owner: Actor, member: Actor, placet: Placet) => void | Promise<void>;
  bug?: string;
}

export interface InvalidCase {
  request: (vars: Vars, actor: Actor) => Req;
  /** A path that must be among `issues[].path` of the 400. */
  path: string;
  bug?: string;
}

/** A case that does not apply, as the reason why. */
export type NotApplicable = string;

export interface Entry {
  method: Method;
  /** The route path under `/api/v1`, as registered on the router. */
  path: string;
  /** Who makes the success request: an agent (API key), the owner as a human, or nobody (a public endpoint). */
  caller: 'agent' | 'human' | 'public';
  /** Makes what the case needs, for `actor` (the first owner, or the second one for `foreign`). Runs per case. */
  setup?: (placet: Placet, actor: Actor) => Promise<Vars>;
  request: (vars: Vars, actor: Actor) => Req;
  success: SuccessCase;
  /** `true`: no key, an unknown `hp_` key and a malformed key each give a 401. */
  unauthorized: true | NotApplicable;
  foreign: ForeignCase | NotApplicable;
  invalid: InvalidCase | NotApplicable;
  /**
   * Human endpoints only (required there): `true` when the owner's own API key (`x-api-key`) gets a
   * 403 `FORBIDDEN` — the route exists, the principal is the wrong kind. An agent endpoint leaves it out.
   */
  agentKey?: true | NotApplicable;
  /** What a member user gets (required for human endpoints; optional elsewhere). */
  member?: MemberCase | NotApplicable;
  /**
   * The resources are the server's, not an owner's (users): why the success answer may name the second
   * owner and why an id-taking route has no foreign 404.
   */
  serverWide?: NotApplicable;
  /** After a refused request (401, foreign 404): the case's resources are as `setup` left them. */
  intact?: (placet: Placet, vars: Vars, actor: Actor) => Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Setup helpers (through the engine: fast, and independent of the endpoint under test).

export const approvalReview = {
  type: 'approval',
  payload: {
    options: [
      { id: 'approve', label: 'Approve', style: 'primary' },
      { id: 'reject', label: 'Reject', style: 'danger' },
    ],
  },
  expiresInSeconds: 3600,
};

let sequence = 0;
/** A value unique in this run (stream ids, names). */
export const unique = (prefix: string) => `${prefix}-${++sequence}-${Math.random().toString(36).slice(2, 8)}`;

export async function textMessage(placet: Placet, actor: Actor): Promise<Vars> {
  const message = await placet.messages.create(actor.agent, {
    channelId: actor.channelId,
    text: 'Build done',
  });
  return { messageId: message.id };
}

export async function reviewMessage(placet: Placet, actor: Actor): Promise<Vars> {
  const message = await placet.messages.create(actor.agent, {
    channelId: actor.channelId,
    text: 'Deploy to production?',
    review: approvalReview,
  });
  return { messageId: message.id };
}

export async function answeredReview(placet: Placet, actor: Actor): Promise<Vars> {
  const { messageId } = await reviewMessage(placet, actor);
  await placet.reviews.respond(actor.human, messageId!, { response: { selectedOption: 'approve' } });
  return { messageId: messageId! };
}

async function storedText(placet: Placet, actor: Actor): Promise<Vars> {
  const file = await placet.files.storeText(actor.agent, {
    channelId: actor.channelId,
    content: 'hello, file',
    filename: 'notes.txt',
    mimeType: 'text/plain',
  });
  return { fileId: file.id };
}

async function otherChannel(placet: Placet, actor: Actor): Promise<Vars> {
  const parent = await placet.channels.create(actor.agent, { name: unique('parent') });
  return { parentId: parent.id };
}

/** The message still exists, unchanged in delivery. */
const messageIntact = async (placet: Placet, vars: Vars, actor: Actor) => {
  const message = await placet.messages.get(actor.agent, vars.messageId!);
  expect(message.deliveryStatus).toBe('sent');
};

const channelIntact = async (placet: Placet, _vars: Vars, actor: Actor) => {
  const channel = await placet.channels.get(actor.agent, actor.channelId);
  expect(channel).toMatchObject({
    id: actor.channelId,
    tag: null,
    webhookUrl: null,
    isSubagent: false,
    status: 'offline',
  });
  expect(channel.name).toMatch(/^case-/);
};

export const noMessages = async (placet: Placet, _vars: Vars, actor: Actor) => {
  const page = await placet.messages.list(actor.agent, { channel: actor.channelId });
  expect(page.data).toEqual([]);
};

const noFiles = async (placet: Placet, _vars: Vars, actor: Actor) => {
  expect((await placet.files.list(actor.agent, actor.channelId, { limit: 100 })).items).toEqual([]);
};

const fileForm = (channelId: string | undefined): Req['form'] => [
  ...(channelId !== undefined ? [['channelId', channelId] as ['channelId', string]] : []),
  ['file', { blob: new Blob(['col\n1\n'], { type: 'text/csv' }), filename: 'data.csv' }],
];

export const body = (res: Res) => res.body as Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------

export const MATRIX: readonly Entry[] = [
  {
    method: 'GET',
    path: '/openapi.json',
    caller: 'public',
    request: () => ({}),
    success: {
      status: 200,
      check: (res) => expect(res.body).toMatchObject({ openapi: '3.1.0', servers: [{ url: '/api/v1' }] }),
    },
    unauthorized: 'Public: the API description is served without any key, which the success case shows.',
    foreign: 'Public and stateless: it takes no id or channel.',
    invalid: 'Takes no input: there is nothing to validate.',
  },
  // Messages
  {
    method: 'POST',
    path: '/messages',
    caller: 'agent',
    request: (_v, a) => ({ body: { channelId: a.channelId, text: 'Build done', status: 'success' } }),
    success: {
      status: 201,
      check: (res, _v, a) => {
        expect(Message.parse(res.body)).toMatchObject({
          channelId: a.channelId,
          text: 'Build done',
          status: 'success',
          senderType: 'agent',
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ body: { channelId: a.channelId, status: 'purple' } }), path: 'status' },
    // A member writing into the owner's channel (as a human: a user message).
    member: { status: 404 },
    intact: noMessages,
  },
  {
    method: 'GET',
    path: '/messages',
    caller: 'agent',
    setup: textMessage,
    request: (_v, a) => ({ query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: (res, v) => {
        const page = MessagePage.parse(res.body);
        expect(page.data.map((m) => m.id)).toEqual([v.messageId]);
        expect(page.nextCursor).toBeNull();
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ query: { channel: a.channelId, limit: 'many' } }), path: 'limit' },
    member: { status: 404 },
  },
  {
    method: 'GET',
    path: '/messages/iterations/:id',
    caller: 'agent',
    setup: async (placet, actor) => {
      const { messageId } = await answeredReview(placet, actor);
      const next = await placet.messages.create(actor.agent, {
        channelId: actor.channelId,
        text: 'Second try',
        iterationOf: messageId,
      });
      return { messageId: messageId!, nextId: next.id };
    },
    request: (v, a) => ({ params: { id: v.nextId! }, query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: (res, v) => {
        const chain = IterationChain.parse(res.body);
        expect(chain.groupId).toBe(v.messageId);
        expect(chain.iterations.map((m) => [m.id, m.iteration])).toEqual([
          [v.messageId, 1],
          [v.nextId, 2],
        ]);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (v) => ({ params: { id: v.nextId! } }), path: 'channel' },
  },
  {
    method: 'PATCH',
    path: '/messages/streams/:streamId',
    caller: 'agent',
    setup: async (placet, actor) => {
      const streamId = unique('stream');
      const draft = await placet.messages.create(actor.agent, {
        channelId: actor.channelId,
        text: 'Thinking',
        streamId,
        streamState: 'streaming',
      });
      return { streamId, messageId: draft.id };
    },
    request: (v, a) => ({
      params: { streamId: v.streamId! },
      body: { channelId: a.channelId, text: 'Thinking… done', complete: true },
    }),
    success: {
      status: 200,
      check: (res, v) => {
        expect(Message.parse(res.body)).toMatchObject({
          id: v.messageId,
          text: 'Thinking… done',
          streamState: 'complete',
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: (v, a) => ({ params: { streamId: v.streamId! }, body: { channelId: a.channelId, text: 5 } }),
      path: 'text',
    },
    intact: async (placet, v, a) => {
      expect(await placet.messages.get(a.agent, v.messageId!)).toMatchObject({
        text: 'Thinking',
        streamState: 'streaming',
      });
    },
  },
  {
    method: 'POST',
    path: '/messages/streams/:streamId/status',
    caller: 'agent',
    setup: async () => ({ streamId: unique('stream') }),
    request: (v, a) => ({
      params: { streamId: v.streamId! },
      body: { channelId: a.channelId, text: 'Reading files', toolHint: true },
    }),
    success: {
      status: 201,
      check: (res, v, a) => {
        expect(StatusEvent.parse(res.body)).toMatchObject({
          channelId: a.channelId,
          streamId: v.streamId,
          text: 'Reading files',
          toolHint: true,
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: (v, a) => ({ params: { streamId: v.streamId! }, body: { channelId: a.channelId } }),
      path: 'text',
    },
  },
  {
    method: 'GET',
    path: '/messages/:id',
    caller: 'agent',
    setup: textMessage,
    request: (v, a) => ({ params: { id: v.messageId! }, query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: (res, v, a) => {
        expect(Message.parse(res.body)).toMatchObject({
          id: v.messageId,
          channelId: a.channelId,
          text: 'Build done',
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (v) => ({ params: { id: v.messageId! } }), path: 'channel' },
  },
  {
    method: 'DELETE',
    path: '/messages/:id',
    caller: 'agent',
    setup: textMessage,
    request: (v, a) => ({ params: { id: v.messageId! }, query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        expect(DeleteResult.parse(res.body)).toEqual({ deleted: true });
        await expect(placet.messages.get(a.agent, v.messageId!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (v) => ({ params: { id: v.messageId! } }), path: 'channel' },
    intact: messageIntact,
  },
  {
    method: 'POST',
    path: '/messages/:id/ack',
    caller: 'agent',
    setup: textMessage,
    request: (v, a) => ({ params: { id: v.messageId! }, query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        expect(AckResult.parse(res.body)).toEqual({ acknowledged: true });
        expect((await placet.messages.get(a.agent, v.messageId!)).deliveryStatus).toBe('agent_received');
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (v) => ({ params: { id: v.messageId! } }), path: 'channel' },
    intact: messageIntact,
  },

  // Reviews
  {
    method: 'GET',
    path: '/reviews/pending',
    caller: 'agent',
    setup: reviewMessage,
    request: (_v, a) => ({ query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: (res, v, a) => {
        expect(Array.isArray(res.body)).toBe(true);
        const messages = Message.array().parse(res.body);
        expect(messages.map((m) => m.id)).toEqual([v.messageId]);
        expect(messages[0]).toMatchObject({ channelId: a.channelId, review: { status: 'pending' } });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid:
      'The only query, `channel`, is optional (absent = all channels); an unknown one is the foreign 404.',
  },
  {
    method: 'GET',
    path: '/reviews/:id',
    caller: 'agent',
    setup: reviewMessage,
    request: (v, a) => ({ params: { id: v.messageId! }, query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: (res, v) => {
        expect(Message.parse(res.body)).toMatchObject({
          id: v.messageId,
          review: { type: 'approval', status: 'pending' },
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (v) => ({ params: { id: v.messageId! } }), path: 'channel' },
  },
  {
    method: 'GET',
    path: '/reviews/:id/wait',
    caller: 'agent',
    setup: answeredReview,
    request: (v, a) => ({ params: { id: v.messageId! }, query: { channel: a.channelId, timeout: '1000' } }),
    success: {
      status: 200,
      check: (res, v) => {
        expect(WaitResult.parse(res.body)).toMatchObject({
          status: 'completed',
          message: {
            id: v.messageId,
            review: { status: 'completed', response: { selectedOption: 'approve' } },
          },
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: (v) => ({ params: { id: v.messageId! }, query: { timeout: '50' }, abortAfterMs: 2000 }),
      path: 'channel',
    },
  },
  {
    method: 'GET',
    path: '/reviews/:id/receipt',
    caller: 'agent',
    setup: answeredReview,
    request: (v, a) => ({ params: { id: v.messageId! }, query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        const { receipt, reviewHash, kid } = ReviewReceipt.strict().parse(res.body);
        const jwks = await placet.receipts.jwks();
        expect(jwks.keys.map((k) => k.kid)).toContain(kid);
        expect(await verifyReceipt(receipt, jwks, { reviewId: v.messageId!, reviewHash })).toMatchObject({
          decision: 'approve',
          response: { selectedOption: 'approve' },
          answeredBy: a.userId,
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (v) => ({ params: { id: v.messageId! } }), path: 'channel' },
    // A member asking, as a human, for the receipt of the owner's review.
    member: { status: 404 },
  },
  {
    method: 'POST',
    path: '/reviews/:id/respond',
    caller: 'human',
    setup: reviewMessage,
    request: (v) => ({ params: { id: v.messageId! }, body: { response: { selectedOption: 'approve' } } }),
    success: {
      status: 200,
      check: (res, v, a) => {
        expect(Message.parse(res.body)).toMatchObject({
          id: v.messageId,
          review: { status: 'completed', response: { selectedOption: 'approve' }, respondedBy: a.userId },
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: (v) => ({ params: { id: v.messageId! }, body: { response: 'approve' } }),
      path: 'response',
    },
    agentKey: true,
    member: { status: 404 },
    intact: async (placet, v, a) => {
      expect((await placet.reviews.get(a.agent, v.messageId!)).review?.status).toBe('pending');
    },
  },

  // Agents (channels)
  {
    method: 'GET',
    path: '/agents',
    caller: 'agent',
    request: () => ({}),
    success: {
      status: 200,
      check: async (res, _v, a, placet) => {
        const ids = Channel.array()
          .parse(res.body)
          .map((c) => c.id);
        expect(ids).toContain(a.channelId);
        // Only the caller's channels: every id is one the owner can read.
        for (const id of ids) await expect(placet.channels.get(a.agent, id)).resolves.toMatchObject({ id });
      },
    },
    unauthorized: true,
    foreign:
      'Takes no id or channel; the success case checks that only the caller’s channels are listed (the runner also checks the second owner’s channel is absent).',
    invalid: 'No body and no query.',
    member: {
      // A member as a human: their own channels only (with the human view's activity), never the owner's.
      status: 200,
      check: async (res, _v, owner, member, placet) => {
        const channels = Channel.array().parse(res.body);
        const ids = channels.map((c) => c.id);
        expect(ids).toContain(member.channelId);
        expect(ids).not.toContain(owner.channelId);
        for (const id of ids)
          await expect(placet.channels.get(member.agent, id)).resolves.toMatchObject({ id });
        for (const channel of res.body as Record<string, unknown>[]) {
          expect(channel).toMatchObject({ unreadCount: expect.any(Number) });
          expect(channel).toHaveProperty('lastMessage');
          expect(channel).toHaveProperty('lastMessageAt');
        }
      },
    },
  },
  {
    method: 'POST',
    path: '/agents',
    caller: 'agent',
    request: () => ({ body: { name: 'new-bot', description: 'Builds things', tag: 'ci' } }),
    success: {
      status: 201,
      check: async (res, _v, a, placet) => {
        const channel = Channel.parse(res.body);
        expect(channel).toMatchObject({
          name: 'new-bot',
          description: 'Builds things',
          tag: 'ci',
          status: 'offline',
        });
        await expect(placet.channels.get(a.agent, channel.id)).resolves.toMatchObject({ id: channel.id });
      },
    },
    unauthorized: true,
    foreign: 'Creates a channel of the caller; it takes no id or channel of anyone.',
    invalid: { request: () => ({ body: { name: '' } }), path: 'name' },
  },
  {
    method: 'GET',
    path: '/agents/:id',
    caller: 'agent',
    request: (_v, a) => ({ params: { id: a.channelId } }),
    success: {
      status: 200,
      check: (res, _v, a) => void expect(Channel.parse(res.body).id).toBe(a.channelId),
    },
    unauthorized: true,
    foreign: {},
    invalid: 'No body and no query.',
  },
  {
    method: 'GET',
    path: '/agents/:id/status-history',
    caller: 'agent',
    setup: async (placet, a) => {
      await placet.status.ping(a.agent, { agentId: a.channelId, status: 'busy', message: 'deploying' });
      return {};
    },
    request: (_v, a) => ({ params: { id: a.channelId }, query: { limit: '10' } }),
    success: {
      status: 200,
      check: (res) =>
        void expect(StatusHistoryEntry.array().parse(res.body)[0]).toMatchObject({
          status: 'busy',
          message: 'deploying',
        }),
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ params: { id: a.channelId }, query: { limit: '0' } }), path: 'limit' },
  },
  {
    method: 'PATCH',
    path: '/agents/:id',
    caller: 'agent',
    request: (_v, a) => ({ params: { id: a.channelId }, body: { name: 'renamed', tag: 'prod' } }),
    success: {
      status: 200,
      check: (res, _v, a) =>
        void expect(Channel.parse(res.body)).toMatchObject({ id: a.channelId, name: 'renamed', tag: 'prod' }),
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ params: { id: a.channelId }, body: { name: '' } }), path: 'name' },
    intact: channelIntact,
  },
  {
    method: 'DELETE',
    path: '/agents/:id',
    caller: 'agent',
    setup: textMessage,
    request: (_v, a) => ({ params: { id: a.channelId } }),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        expect(DeleteResult.parse(res.body)).toEqual({ deleted: true });
        await expect(placet.channels.get(a.agent, a.channelId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(placet.messages.get(a.agent, v.messageId!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: 'No body and no query.',
    intact: async (placet, v, a) => {
      await channelIntact(placet, v, a);
      await messageIntact(placet, v, a);
    },
  },
  {
    method: 'POST',
    path: '/agents/setWebhook',
    caller: 'agent',
    request: (_v, a) => ({
      body: {
        channelId: a.channelId,
        url: 'https://hooks.example.com/placet',
        headers: { 'x-token': 'secret' },
      },
    }),
    success: {
      status: 200,
      check: (res, _v, a) => {
        expect(Channel.parse(res.body)).toMatchObject({
          id: a.channelId,
          webhookUrl: 'https://hooks.example.com/placet',
          webhookHeaders: { 'x-token': '***' },
          hasSigningSecret: true,
        });
        expect(body(res).webhookSecret).toEqual(expect.any(String));
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ body: { channelId: a.channelId, url: 'notaurl' } }), path: 'url' },
    intact: channelIntact,
  },
  {
    method: 'POST',
    path: '/agents/deleteWebhook',
    caller: 'agent',
    setup: async (placet, actor) => {
      await placet.webhooks.setWebhook(actor.agent, {
        channelId: actor.channelId,
        url: 'https://hooks.example.com/placet',
      });
      return {};
    },
    request: (_v, a) => ({ body: { channelId: a.channelId } }),
    success: {
      status: 200,
      check: (res, _v, a) =>
        void expect(Channel.parse(res.body)).toMatchObject({
          id: a.channelId,
          webhookUrl: null,
          webhookHeaders: null,
        }),
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: () => ({ body: { channelId: '' } }), path: 'channelId' },
    intact: async (placet, _v, a) => {
      expect((await placet.channels.get(a.agent, a.channelId)).webhookUrl).toBe(
        'https://hooks.example.com/placet',
      );
    },
  },
  {
    method: 'POST',
    path: '/agents/setTag',
    caller: 'agent',
    request: (_v, a) => ({ body: { channelId: a.channelId, tag: 'prod' } }),
    success: {
      status: 200,
      check: (res, _v, a) =>
        void expect(Channel.parse(res.body)).toMatchObject({ id: a.channelId, tag: 'prod' }),
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ body: { channelId: a.channelId, tag: 't'.repeat(65) } }), path: 'tag' },
    intact: channelIntact,
  },
  {
    method: 'POST',
    path: '/agents/setSubagent',
    caller: 'agent',
    setup: otherChannel,
    request: (v, a) => ({ body: { channelId: a.channelId, isSubagent: true, parentChannelId: v.parentId } }),
    success: {
      status: 200,
      check: (res, v, a) =>
        void expect(Channel.parse(res.body)).toMatchObject({
          id: a.channelId,
          isSubagent: true,
          parentAgentId: v.parentId,
        }),
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: (_v, a) => ({ body: { channelId: a.channelId, isSubagent: true } }),
      path: 'parentChannelId',
    },
    intact: channelIntact,
  },
  {
    method: 'POST',
    path: '/agents/setManagement',
    caller: 'agent',
    request: (_v, a) => ({
      body: { channelId: a.channelId, url: 'https://runtime.example.com', apiKey: 'runtime-key' },
    }),
    success: {
      // Validated, then refused: the server does not support agent management.
      status: 501,
      check: (res) => {
        expect(res.body).toMatchObject({ statusCode: 501, code: 'NOT_IMPLEMENTED' });
        expect(body(res).message).toMatch(/not supported/i);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: (_v, a) => ({ body: { channelId: a.channelId, url: 'notaurl', apiKey: 'runtime-key' } }),
      path: 'url',
    },
    intact: channelIntact,
  },
  {
    method: 'POST',
    path: '/agents/:id/webhook-secret/rotate',
    caller: 'agent',
    setup: async (placet, actor) => {
      const channel = await placet.webhooks.setWebhook(actor.agent, {
        channelId: actor.channelId,
        url: 'https://hooks.example.com/placet',
      });
      return { secret: channel.webhookSecret ?? '' };
    },
    request: (_v, a) => ({ params: { id: a.channelId } }),
    success: {
      status: 200,
      check: (res, v) => {
        expect(Object.keys(body(res))).toEqual(['webhookSecret']);
        expect(body(res).webhookSecret).toEqual(expect.any(String));
        expect(body(res).webhookSecret).not.toBe(v.secret);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: 'No body and no query.',
  },
  {
    method: 'PUT',
    path: '/agents/:id/commands',
    caller: 'agent',
    request: (_v, a) => ({
      params: { id: a.channelId },
      body: { commands: [{ command: 'deploy', description: 'Deploy a branch', acceptsArgs: true }] },
    }),
    success: {
      status: 200,
      check: (res, _v, a) =>
        void expect(Channel.parse(res.body)).toMatchObject({
          id: a.channelId,
          commands: [{ command: 'deploy', description: 'Deploy a branch', acceptsArgs: true }],
        }),
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: (_v, a) => ({ params: { id: a.channelId }, body: { commands: [{}] } }),
      path: 'commands.0.command',
    },
    intact: async (placet, _v, a) => {
      expect((await placet.channels.get(a.agent, a.channelId)).commands).toBeNull();
    },
  },

  // Status
  {
    method: 'POST',
    path: '/status/ping',
    caller: 'agent',
    request: (_v, a) => ({ body: { agentId: a.channelId, status: 'busy', message: 'Indexing' } }),
    success: {
      status: 201,
      check: (res, _v, a) =>
        void expect(Channel.parse(res.body)).toMatchObject({
          id: a.channelId,
          status: 'busy',
          statusMessage: 'Indexing',
        }),
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ body: { agentId: a.channelId, status: 'sleeping' } }), path: 'status' },
    intact: channelIntact,
  },

  // Receipts
  {
    method: 'GET',
    path: '/receipts/jwks.json',
    caller: 'public',
    setup: answeredReview,
    request: () => ({}),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        expect(res.headers.get('cache-control')).toBe('public, max-age=60');
        const jwks = ReceiptJwks.parse(res.body);
        expect(jwks.keys.length).toBeGreaterThan(0);
        // Public keys only: no private member of any kind, ever.
        for (const key of (res.body as { keys: Record<string, unknown>[] }).keys) {
          expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
          expect(key).not.toHaveProperty('d');
        }
        const { receipt } = await placet.receipts.get(a.agent, v.messageId!);
        await expect(verifyReceipt(receipt, jwks)).resolves.toMatchObject({ reviewId: v.messageId });
      },
    },
    unauthorized: 'Public: the receipt-verifying public keys are served without any key (the success case).',
    foreign: 'Public and server-wide: the keys are the server’s, it takes no id or channel.',
    invalid: 'Takes no input: there is nothing to validate.',
  },

  // Plugins
  {
    method: 'GET',
    path: '/plugins',
    caller: 'agent',
    request: () => ({}),
    success: {
      status: 200,
      check: (res) => {
        const names = PluginManifest.array()
          .parse(res.body)
          .map((p) => p.name);
        expect(names).toEqual(
          expect.arrayContaining(['approval', 'selection', 'form', 'text-input', 'freeform']),
        );
      },
    },
    unauthorized: true,
    foreign: 'Plugins are server-wide, not owned: there is no other owner’s id to ask for.',
    invalid: 'No body and no query.',
  },
  {
    method: 'GET',
    path: '/plugins/:name',
    caller: 'agent',
    request: () => ({ params: { name: 'approval' } }),
    success: {
      status: 200,
      check: (res) => void expect(PluginManifest.parse(res.body).name).toBe('approval'),
    },
    unauthorized: true,
    foreign: 'Plugins are server-wide, not owned: `:name` is a plugin name, never another owner’s id.',
    invalid: 'No body and no query (an unknown name is a 404, not a 400).',
  },
  {
    method: 'GET',
    path: '/plugins/:name/ui/:type',
    caller: 'public',
    request: () => ({ params: { name: 'approval', type: 'approval' } }),
    success: {
      status: 200,
      check: (res) => {
        expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
        // An ES module that defines its element: through the shared `@placet/core/browser` (the dashboard
        // maps that bare name to one module for every widget), or by itself.
        expect(String(res.body)).toMatch(/defineElement|customElements\.define/);
      },
    },
    unauthorized: 'Public: a UI module is code the dashboard imports, not data; the success case shows it.',
    foreign: 'Plugins are server-wide, not owned: the path names a plugin and a type, never an id.',
    invalid: 'No body and no query (an unknown plugin or type is a 404).',
  },

  // Files
  {
    method: 'GET',
    path: '/files',
    caller: 'agent',
    setup: storedText,
    request: (_v, a) => ({ query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: (res, v) => {
        expect(Array.isArray(res.body)).toBe(true);
        expect(
          Attachment.array()
            .parse(res.body)
            .map((f) => f.id),
        ).toEqual([v.fileId]);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: () => ({}),
      path: 'channel',
    },
  },
  {
    method: 'POST',
    path: '/files/upload',
    caller: 'agent',
    request: (_v, a) => ({ form: fileForm(a.channelId) }),
    success: {
      status: 201,
      check: async (res, _v, a, placet) => {
        const file = Attachment.parse(res.body);
        expect(file).toMatchObject({
          channelId: a.channelId,
          filename: 'data.csv',
          mimeType: 'text/csv',
          size: 6,
        });
        expect(file.messageId).toEqual(expect.any(String));
        const message = await placet.messages.get(a.agent, file.messageId!);
        expect(message.attachments.map((f) => f.id)).toEqual([file.id]);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: () => ({ form: fileForm(undefined) }), path: 'channelId' },
    intact: async (placet, v, a) => {
      await noFiles(placet, v, a);
      await noMessages(placet, v, a);
    },
  },
  {
    method: 'POST',
    path: '/files/store',
    caller: 'agent',
    request: (_v, a) => ({ form: fileForm(a.channelId) }),
    success: {
      status: 201,
      check: (res, _v, a) =>
        void expect(Attachment.parse(res.body)).toMatchObject({
          channelId: a.channelId,
          messageId: null,
          filename: 'data.csv',
          size: 6,
        }),
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: () => ({ form: fileForm(undefined) }), path: 'channelId' },
    intact: noFiles,
  },
  {
    method: 'POST',
    path: '/files/store-text',
    caller: 'agent',
    request: (_v, a) => ({ body: { channelId: a.channelId, content: '# Notes\n' } }),
    success: {
      status: 201,
      check: (res, _v, a) =>
        void expect(Attachment.parse(res.body)).toMatchObject({
          channelId: a.channelId,
          messageId: null,
          filename: 'content.md',
          mimeType: 'text/markdown',
          size: 8,
        }),
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ body: { channelId: a.channelId } }), path: 'content' },
    intact: noFiles,
  },
  {
    method: 'GET',
    path: '/files/:id/download',
    caller: 'agent',
    setup: storedText,
    request: (v) => ({ params: { id: v.fileId! } }),
    success: {
      status: 200,
      check: (res) => {
        expect(res.body).toBe('hello, file');
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: 'No body and no query (a bad Range header is a 416 or ignored, never a 400).',
  },

  // OAuth relay
  {
    method: 'GET',
    path: '/oauth/callback',
    caller: 'public',
    request: () => ({ query: { code: 'abc', state: 'xyz' } }),
    success: {
      status: 501,
      check: (res) => {
        expect(res.body).toMatchObject({ statusCode: 501, code: 'NOT_IMPLEMENTED' });
        expect(body(res).message).toMatch(/not supported/i);
      },
    },
    unauthorized:
      'Public (as in the original): it answers 501 without any key, which the success case shows.',
    foreign: 'Public and stateless here: it takes no id or channel.',
    invalid: 'Unsupported (501) whatever the query; nothing is validated.',
  },
];
