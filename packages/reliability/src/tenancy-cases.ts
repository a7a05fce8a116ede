/**
 * The tenancy matrix: one entry per operation of the OpenAPI document, keyed `METHOD /path` exactly as
 * the document spells it (`GET /agents/{id}`). The runner (`test/tenancy.rel.ts`) fails when an operation
 * of the document has no entry here, or an entry names no operation — adding a route means adding a row.
 *
 * Each entry lists one or more requests ("variants") built from the FIRST owner's ids (the victim: a
 * channel, its parent, a text message, a pending and an answered review, an iteration, a stream, a file,
 * a delivery, API keys, the user) and, for the mixed variants, the attacker's own channel. Every variant
 * is sent by three attackers:
 *   - `foreignKey`:   a second owner's API key,
 *   - `foreignOwner`: that second owner signed in as a human,
 *   - `member`:       a second user (role `member`) signed in as a human.
 * By default an attacker gets 404 (another tenant's ids do not exist for them), and an API key gets 403 on
 * an operation the document opens to signed-in humans only (a role rule). An entry overrides the default
 * where the operation is not owner-scoped (public, server-wide users, the caller's own lists), always with
 * the reason. Whatever the status, the answer must carry none of the victim's ids and values that the
 * request did not itself contain, and the victim's data must be unchanged afterwards.
 *
 * `control`: the same request with the victim's own credentials, sent after the attacks, must succeed
 * (the document's success status unless given) — proof that each refusal came from tenancy, not from a
 * malformed request. A string is the reason a variant has no control.
 */

export type Attacker = 'foreignKey' | 'foreignOwner' | 'member';
export const ATTACKERS: readonly Attacker[] = ['foreignKey', 'foreignOwner', 'member'];

/** The victim's resources, made fresh for every entry. */
export interface VictimIds {
  userId: string;
  email: string;
  /** The raw API key the victim's agent uses, and its id. */
  key: string;
  keyId: string;
  /** A second key of the victim (revoked/rotated by the controls). */
  spareKeyId: string;
  /** A channel with a webhook (URL, header, basic auth, secret), commands and a status. */
  channelId: string;
  /** A second channel of the victim (a parent for sub-agent links). */
  parentId: string;
  messageId: string;
  /** A pending review. */
  reviewId: string;
  /** An answered review with a delivered webhook. */
  answeredId: string;
  /** The second iteration of the answered review. */
  iterationId: string;
  streamId: string;
  fileId: string;
  deliveryId: string;
  /** A group (server-wide, like users) with the victim as its one member. */
  groupName: string;
}

/** The attacker's own resources (for the variants that mix them with the victim's). */
export interface AttackerIds {
  channelId: string;
}

export interface TenancyRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** A multipart body, in this order; a file part is `{ content, filename }`. */
  form?: [name: string, value: string | { content: string; filename: string }][];
}

export type Outcome =
  | { status: 403 | 404 }
  /**
   * Not owner-scoped, with the reason: `status` (or one of them) is expected, and `reveals` lists the victim
   * values the answer may show.
   */
  | { allowed: string; status: number | readonly number[]; reveals?: readonly (keyof VictimIds)[] }
  /**
   * A refusal that names no tenant: the answer (status and body) is the one for a random id that exists
   * nowhere, put in place of the victim's `field` — with the reason it is not a 404 (a body field that
   * names an id is a 400 `VALIDATION_FAILED`, for unknown and foreign ids alike).
   */
  | { asUnknown: string; field: keyof VictimIds }
  /** Not sent, with the reason. */
  | { skip: string };

export interface Variant {
  name: string;
  request: (victim: VictimIds, attacker: AttackerIds) => TenancyRequest;
  expect?: Partial<Record<Attacker, Outcome>>;
  control: { status?: number; statuses?: readonly number[] } | string;
}

export interface TenancyCase {
  variants: readonly Variant[];
}

const forbidden = { status: 403 } as const;
const control = {} as const;
/** One variant with the victim's ids only, default outcomes, and the control. */
const one = (request: Variant['request'], expect?: Variant['expect']): TenancyCase => ({
  variants: [{ name: "the victim's ids", request, control, ...(expect ? { expect } : {}) }],
});
const ownList = (what: string, status = 200) => ({ allowed: `lists ${what} only`, status });
const publicOp = (why: string, status: number | readonly number[] = 200) => ({
  foreignKey: { allowed: why, status },
  foreignOwner: { allowed: why, status },
  member: { allowed: why, status },
});
const everyone = (outcome: Outcome) => ({ foreignKey: outcome, foreignOwner: outcome, member: outcome });
const BODY_ID = 'a body field naming an id answers 400 for any id that is not one of yours';
const SERVER_WIDE = "users are the server's, not an owner's: every owner administers all of them";
const GROUPS_SERVER_WIDE =
  "groups are the server's, not an owner's: every owner administers all of them, every human reads them";
const HUMAN_MESSAGE =
  "a human's message takes no iterationOf (the field is dropped): it is a plain message of the caller's";
const approvalAnswer = { response: { selectedOption: 'yes' } };

export const TENANCY_CASES: Readonly<Record<string, TenancyCase>> = {
  // Meta and plugins: public or server-wide, never an owner's data.
  'GET /openapi.json': one(() => ({}), publicOp('public: the API description')),
  'GET /oauth/callback': {
    variants: [
      {
        name: 'public',
        request: () => ({ query: { code: 'x', state: 'y' } }),
        expect: publicOp('public and unsupported', 501),
        control: { status: 501 },
      },
    ],
  },
  'GET /plugins': one(() => ({}), publicOp('the plugins installed on the server')),
  'GET /plugins/{name}': one(
    () => ({ params: { name: 'approval' } }),
    publicOp('a plugin installed on the server'),
  ),
  // A plugin's route (the example audit plugin): each owner sees their own audited answers only.
  'GET /plugins/audit/entries': {
    variants: [
      {
        name: "the caller's audit log",
        request: () => ({}),
        expect: {
          foreignKey: forbidden,
          foreignOwner: ownList("the caller's audited answers"),
          member: ownList("the caller's audited answers"),
        },
        control,
      },
    ],
  },
  'GET /plugins/{name}/ui/{type}': {
    variants: [
      {
        name: 'public code',
        request: () => ({ params: { name: 'approval', type: 'approval' } }),
        // 200 when the plugin's browser module is built (`dist/ui.js`), 404 when it is not.
        expect: publicOp("public: a plugin's browser module is code, not data", [200, 404]),
        control: { statuses: [200, 404] },
      },
    ],
  },

  // Account
  'GET /me': one(() => ({}), {
    foreignOwner: { allowed: 'answers the caller', status: 200 },
    member: { allowed: 'answers the caller', status: 200 },
  }),
  'GET /api-keys': one(() => ({}), {
    foreignOwner: ownList("the caller's keys"),
    member: ownList("the caller's keys"),
  }),
  'POST /api-keys': one((v) => ({ body: { label: 'scoped', channelId: v.channelId } })),
  'GET /notifications/preferences': one(() => ({}), {
    foreignOwner: { allowed: "answers the caller's own preferences", status: 200 },
    member: { allowed: "answers the caller's own preferences", status: 200 },
  }),
  'PUT /notifications/preferences': one(
    () => ({ body: { timeZone: 'Pacific/Auckland', quietHours: null, notifiers: {} } }),
    {
      foreignOwner: { allowed: "sets the caller's own preferences", status: 200 },
      member: { allowed: "sets the caller's own preferences", status: 200 },
    },
  ),
  'DELETE /api-keys/{id}': one((v) => ({ params: { id: v.spareKeyId } })),
  'POST /api-keys/{id}/rotate': one((v) => ({ params: { id: v.spareKeyId } })),
  'GET /users': one(() => ({}), {
    foreignOwner: { allowed: SERVER_WIDE, status: 200, reveals: ['userId', 'email'] },
    member: forbidden,
  }),
  'POST /users': {
    variants: [
      {
        name: 'a new user',
        request: () => ({
          body: { email: `new-${Math.random().toString(36).slice(2)}@reliability.test`, displayName: 'New' },
        }),
        expect: { foreignOwner: { allowed: SERVER_WIDE, status: 201 }, member: forbidden },
        control,
      },
    ],
  },
  'DELETE /users/{id}': {
    variants: [
      {
        name: "the victim's user id",
        request: (v) => ({ params: { id: v.userId } }),
        expect: {
          foreignOwner: {
            skip: `${SERVER_WIDE}: any owner may delete any user but themselves (it would delete the victim)`,
          },
          member: forbidden,
        },
        control: 'an owner may not delete themselves: the refusals are the cases',
      },
    ],
  },

  // Groups: instance-wide. Every signed-in human reads them (member ids and display names, never an
  // e-mail); only owners change them.
  'GET /groups': one(() => ({}), {
    foreignOwner: { allowed: GROUPS_SERVER_WIDE, status: 200, reveals: ['groupName', 'userId'] },
    member: { allowed: GROUPS_SERVER_WIDE, status: 200, reveals: ['groupName', 'userId'] },
  }),
  'POST /groups': {
    variants: [
      {
        name: 'a new group',
        request: () => ({ body: { name: `tenancy-${Math.random().toString(36).slice(2)}`, members: [] } }),
        expect: { foreignOwner: { allowed: GROUPS_SERVER_WIDE, status: 201 }, member: forbidden },
        control,
      },
    ],
  },
  'PUT /groups/{name}': {
    variants: [
      {
        // The display name it has already: an owner's change that changes nothing of the victim's.
        name: "the victim's group, unchanged",
        request: (v) => ({ params: { name: v.groupName }, body: { displayName: v.groupName } }),
        expect: {
          foreignOwner: { allowed: GROUPS_SERVER_WIDE, status: 200, reveals: ['userId'] },
          member: forbidden,
        },
        control,
      },
    ],
  },
  'DELETE /groups/{name}': {
    variants: [
      {
        name: "the victim's group",
        request: (v) => ({ params: { name: v.groupName } }),
        expect: {
          foreignOwner: {
            skip: `${GROUPS_SERVER_WIDE}: any owner may delete any group (it would delete the victim's)`,
          },
          member: forbidden,
        },
        control,
      },
    ],
  },

  // Agents (channels)
  'GET /agents': one(() => ({}), {
    foreignKey: ownList("the caller's channels"),
    foreignOwner: ownList("the caller's channels"),
    member: ownList("the caller's channels"),
  }),
  'POST /agents': one(() => ({ body: { name: 'attacker-bot' } }), {
    foreignKey: { allowed: "creates a channel of the caller's, from no id", status: 201 },
    foreignOwner: { allowed: "creates a channel of the caller's, from no id", status: 201 },
    member: { allowed: "creates a channel of the caller's, from no id", status: 201 },
  }),
  'POST /agents/setWebhook': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ body: { channelId: v.channelId, url: 'https://attacker.example/hook' } }),
        control,
      },
      {
        name: "the caller's channel under the victim's parent",
        request: (v, a) => ({
          body: {
            channelId: a.channelId,
            url: 'https://attacker.example/hook',
            isSubagent: true,
            parentChannelId: v.parentId,
          },
        }),
        expect: everyone({ asUnknown: BODY_ID, field: 'parentId' }),
        control: "mixes the attacker's channel with the victim's parent",
      },
    ],
  },
  'POST /agents/deleteWebhook': one((v) => ({ body: { channelId: v.channelId } })),
  'POST /agents/setTag': one((v) => ({ body: { channelId: v.channelId, tag: 'pwned' } })),
  'POST /agents/setSubagent': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ body: { channelId: v.channelId, isSubagent: true, parentChannelId: v.parentId } }),
        control,
      },
      {
        name: "the caller's channel under the victim's parent",
        request: (v, a) => ({
          body: { channelId: a.channelId, isSubagent: true, parentChannelId: v.parentId },
        }),
        expect: everyone({ asUnknown: BODY_ID, field: 'parentId' }),
        control: "mixes the attacker's channel with the victim's parent",
      },
    ],
  },
  'POST /agents/setManagement': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({
          body: { channelId: v.channelId, url: 'https://runtime.attacker.example', apiKey: 'runtime-key' },
        }),
        control: { status: 501 },
      },
    ],
  },
  'POST /agents/{id}/webhook-secret/rotate': one((v) => ({ params: { id: v.channelId } })),
  'PUT /agents/{id}/commands': one((v) => ({
    params: { id: v.channelId },
    body: { commands: [{ command: 'pwn', description: 'x' }] },
  })),
  'POST /agents/{id}/read': one((v) => ({ params: { id: v.channelId } })),
  'GET /agents/{id}': one((v) => ({ params: { id: v.channelId } })),
  'PATCH /agents/{id}': one((v) => ({ params: { id: v.channelId }, body: { name: 'pwned' } })),
  'DELETE /agents/{id}': one((v) => ({ params: { id: v.channelId } })),
  'GET /agents/{id}/status-history': one((v) => ({ params: { id: v.channelId } })),
  // The victim's channel has an uploaded avatar (a GIF: the avatar check reads the magic number only).
  'POST /agents/{id}/avatar': one((v) => ({
    params: { id: v.channelId },
    form: [['file', { content: 'GIF89a-planted', filename: 'planted.gif' }]],
  })),
  'GET /agents/{id}/avatar': one((v) => ({ params: { id: v.channelId } })),
  'DELETE /agents/{id}/avatar': one((v) => ({ params: { id: v.channelId } })),

  // Messages
  'POST /messages': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ body: { channelId: v.channelId, text: 'injected' } }),
        control,
      },
      {
        name: "the caller's channel, attaching the victim's file",
        request: (v, a) => ({ body: { channelId: a.channelId, text: 'stolen', attachmentIds: [v.fileId] } }),
        expect: everyone({ asUnknown: BODY_ID, field: 'fileId' }),
        control: "mixes the attacker's channel with the victim's file",
      },
      {
        name: "the caller's channel, iterating the victim's message",
        request: (v, a) => ({ body: { channelId: a.channelId, text: 'stolen', iterationOf: v.answeredId } }),
        expect: {
          foreignKey: { asUnknown: BODY_ID, field: 'answeredId' },
          foreignOwner: { allowed: HUMAN_MESSAGE, status: 201 },
          member: { allowed: HUMAN_MESSAGE, status: 201 },
        },
        control: "mixes the attacker's channel with the victim's message",
      },
    ],
  },
  'GET /messages': one((v) => ({ query: { channel: v.channelId } })),
  'GET /messages/iterations/{id}': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ params: { id: v.iterationId }, query: { channel: v.channelId } }),
        control,
      },
      {
        name: "the victim's message through the caller's channel",
        request: (v, a) => ({ params: { id: v.iterationId }, query: { channel: a.channelId } }),
        control: "mixes the attacker's channel with the victim's message",
      },
    ],
  },
  'GET /messages/{id}': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ params: { id: v.messageId }, query: { channel: v.channelId } }),
        control,
      },
      {
        name: "the victim's message through the caller's channel",
        request: (v, a) => ({ params: { id: v.messageId }, query: { channel: a.channelId } }),
        control: "mixes the attacker's channel with the victim's message",
      },
    ],
  },
  'DELETE /messages/{id}': {
    variants: [
      {
        name: "the victim's message through the caller's channel",
        request: (v, a) => ({ params: { id: v.messageId }, query: { channel: a.channelId } }),
        control: "mixes the attacker's channel with the victim's message",
      },
      {
        name: "the victim's channel",
        request: (v) => ({ params: { id: v.messageId }, query: { channel: v.channelId } }),
        control,
      },
    ],
  },
  'POST /messages/{id}/ack': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ params: { id: v.messageId }, query: { channel: v.channelId } }),
        control,
      },
      {
        name: "the victim's message through the caller's channel",
        request: (v, a) => ({ params: { id: v.messageId }, query: { channel: a.channelId } }),
        control: "mixes the attacker's channel with the victim's message",
      },
    ],
  },
  'PATCH /messages/streams/{streamId}': one((v) => ({
    params: { streamId: v.streamId },
    body: { channelId: v.channelId, text: 'hijacked', complete: true },
  })),
  'POST /messages/streams/{streamId}/status': one((v) => ({
    params: { streamId: v.streamId },
    body: { channelId: v.channelId, text: 'hijacked step' },
  })),

  // Reviews
  'GET /reviews': {
    variants: [
      { name: "the victim's channel", request: (v) => ({ query: { channel: v.channelId } }), control },
      {
        name: 'every channel',
        request: () => ({ query: { status: 'all' } }),
        expect: { foreignOwner: ownList("the caller's reviews"), member: ownList("the caller's reviews") },
        control,
      },
    ],
  },
  'GET /reviews/pending': {
    variants: [
      { name: "the victim's channel", request: (v) => ({ query: { channel: v.channelId } }), control },
      {
        name: 'every channel',
        request: () => ({}),
        expect: {
          foreignKey: ownList("the caller's pending reviews"),
          foreignOwner: ownList("the caller's pending reviews"),
          member: ownList("the caller's pending reviews"),
        },
        control,
      },
    ],
  },
  'GET /reviews/{id}/wait': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ params: { id: v.reviewId }, query: { channel: v.channelId, timeout: '200' } }),
        control,
      },
      {
        name: "the victim's review through the caller's channel",
        request: (v, a) => ({
          params: { id: v.answeredId },
          query: { channel: a.channelId, timeout: '200' },
        }),
        control: "mixes the attacker's channel with the victim's review",
      },
    ],
  },
  'GET /reviews/{id}': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ params: { id: v.reviewId }, query: { channel: v.channelId } }),
        control,
      },
      {
        name: "the victim's review through the caller's channel",
        request: (v, a) => ({ params: { id: v.reviewId }, query: { channel: a.channelId } }),
        control: "mixes the attacker's channel with the victim's review",
      },
    ],
  },
  'GET /reviews/count': {
    variants: [
      { name: "the victim's channel", request: (v) => ({ query: { channel: v.channelId } }), control },
      {
        name: 'every channel',
        request: () => ({ query: { status: 'all' } }),
        expect: {
          foreignOwner: ownList("counts of the caller's reviews"),
          member: ownList("counts of the caller's reviews"),
        },
        control,
      },
    ],
  },
  'POST /reviews/read': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ body: { channel: v.channelId, status: 'all' } }),
        control,
      },
      {
        name: 'every channel',
        request: () => ({ body: { status: 'all' } }),
        expect: {
          foreignOwner: {
            allowed: "marks the caller's own reviews (and those assigned to them) only",
            status: 200,
          },
          member: {
            allowed: "marks the caller's own reviews (and those assigned to them) only",
            status: 200,
          },
        },
        control,
      },
    ],
  },
  'GET /reviews/{id}/receipt': {
    variants: [
      {
        name: "the victim's channel",
        request: (v) => ({ params: { id: v.answeredId }, query: { channel: v.channelId } }),
        control,
      },
      {
        name: "the victim's review through the caller's channel",
        request: (v, a) => ({ params: { id: v.answeredId }, query: { channel: a.channelId } }),
        control: "mixes the attacker's channel with the victim's review",
      },
    ],
  },
  'POST /reviews/{id}/read': one((v) => ({ params: { id: v.reviewId } })),
  'POST /reviews/{id}/respond': one((v) => ({ params: { id: v.reviewId }, body: approvalAnswer })),

  // Receipts: the signing keys are the server's, not an owner's.
  'GET /receipts/jwks.json': one(() => ({}), publicOp("public: the server's receipt-verifying public keys")),
  'POST /receipts/keys/rotate': one(() => ({}), {
    foreignOwner: { allowed: "the signing keys are the server's: every owner may rotate them", status: 200 },
    member: forbidden,
  }),

  // Audit log: each owner's own chain; a review's entries for its owner and assignees only.
  'GET /audit': {
    variants: [
      {
        name: "the victim's review",
        request: (v) => ({ query: { review: v.answeredId } }),
        control,
      },
      {
        name: "the victim's review as CSV",
        request: (v) => ({ query: { review: v.reviewId, format: 'csv' } }),
        control,
      },
      {
        name: 'the whole chain',
        request: () => ({}),
        expect: {
          foreignOwner: ownList("the caller's own audit chain"),
          member: ownList("the caller's own audit chain"),
        },
        control,
      },
    ],
  },
  'GET /reviews/{id}/audit': {
    variants: [
      { name: 'an answered review', request: (v) => ({ params: { id: v.answeredId } }), control },
      { name: 'a pending review', request: (v) => ({ params: { id: v.reviewId } }), control },
    ],
  },

  // Deliveries
  'GET /messages/{id}/deliveries': one((v) => ({ params: { id: v.answeredId } })),
  'GET /agents/{id}/deliveries': one((v) => ({ params: { id: v.channelId } })),
  'POST /deliveries/{id}/redrive': one((v) => ({ params: { id: v.deliveryId } })),
  // Judges the URL in the body by the server's rules: nothing of an owner's (an API key still gets 403).
  'POST /webhooks/check': one(() => ({ body: { url: 'http://127.0.0.1:9/check' } }), {
    foreignOwner: { allowed: "judges the URL the caller sent; no owner's data", status: 200 },
    member: { allowed: "judges the URL the caller sent; no owner's data", status: 200 },
  }),

  // Files
  'GET /files': one((v) => ({ query: { channel: v.channelId } })),
  'POST /files/upload': one((v) => ({
    form: [
      ['channelId', v.channelId],
      ['file', { content: 'planted', filename: 'planted.txt' }],
    ],
  })),
  'POST /files/store': one((v) => ({
    form: [
      ['channelId', v.channelId],
      ['file', { content: 'planted', filename: 'planted.txt' }],
    ],
  })),
  'POST /files/store-text': one((v) => ({ body: { channelId: v.channelId, content: 'planted' } })),
  'GET /files/{id}/download': one((v) => ({ params: { id: v.fileId } })),

  // Status
  'POST /status/ping': one((v) => ({ body: { agentId: v.channelId, status: 'error', message: 'pwned' } })),
};
