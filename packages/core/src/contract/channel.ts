import { z } from 'zod';
import { AgentStatus, AnyUrl, HttpHeaders, HttpUrl, Id, IsoDateTime } from './common.js';

/** Longest channel tag. */
export const MAX_TAG_LENGTH = 64;
/** Most slash commands a channel may declare. */
export const MAX_CHANNEL_COMMANDS = 100;

const Name = z.string().min(1).max(200);
const Description = z.string().max(2000);
const Tag = z.string().max(MAX_TAG_LENGTH);

/** HTTP Basic credentials for a channel webhook. */
export const BasicAuth = z.object({
  username: z.string().max(256),
  password: z.string().max(1024),
});
export type BasicAuth = z.infer<typeof BasicAuth>;

/** Body of `POST /api/v1/agents`. */
export const ChannelCreate = z.object({
  name: Name,
  description: Description.optional(),
  avatarUrl: AnyUrl.optional(),
  webhookUrl: HttpUrl.optional(),
  tag: Tag.optional(),
});
export type ChannelCreateInput = z.input<typeof ChannelCreate>;
export type ChannelCreate = z.infer<typeof ChannelCreate>;

/** Body of `PATCH /api/v1/agents/:id`: an absent key is left alone, `null` clears. */
export const ChannelUpdate = z.object({
  name: Name.optional(),
  description: Description.nullable().optional(),
  avatarUrl: AnyUrl.nullable().optional(),
  webhookUrl: HttpUrl.nullable().optional(),
  webhookHeaders: HttpHeaders.nullable().optional(),
  webhookAuth: BasicAuth.nullable().optional(),
  tag: Tag.nullable().optional(),
});
export type ChannelUpdateInput = z.input<typeof ChannelUpdate>;
export type ChannelUpdate = z.infer<typeof ChannelUpdate>;

export const SUBAGENT_PARENT_REQUIRED = 'parentChannelId is required when isSubagent is true';
export const SUBAGENT_PARENT_FORBIDDEN = 'parentChannelId is only allowed when isSubagent is true';
export const SUBAGENT_SELF_PARENT = 'A channel cannot be its own parent';

/** The sub-agent rules shared by `setWebhook` and `setSubagent`: a parent iff `isSubagent`, never itself. */
function checkSubagentLink(
  body: { channelId: string; isSubagent?: boolean | undefined; parentChannelId?: string | null | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  const hasParent = body.parentChannelId !== undefined && body.parentChannelId !== null;
  if (body.isSubagent === true && !hasParent) {
    ctx.addIssue({ code: 'custom', path: ['parentChannelId'], message: SUBAGENT_PARENT_REQUIRED });
  }
  if (body.isSubagent !== true && hasParent) {
    ctx.addIssue({ code: 'custom', path: ['parentChannelId'], message: SUBAGENT_PARENT_FORBIDDEN });
  }
  if (hasParent && body.parentChannelId === body.channelId) {
    ctx.addIssue({ code: 'custom', path: ['parentChannelId'], message: SUBAGENT_SELF_PARENT });
  }
}

/** Credentials of an external agent-runtime management API. */
export const ManagementCredentials = z.object({
  url: HttpUrl,
  apiKey: z.string().min(1).max(4096),
});
export type ManagementCredentials = z.infer<typeof ManagementCredentials>;

/**
 * Body of `POST /api/v1/agents/setWebhook`. Headers and auth that are absent are cleared. `management` is
 * parsed rather than dropped so the HTTP layer can refuse it explicitly (501).
 */
export const SetWebhook = z
  .object({
    url: HttpUrl,
    channelId: Id,
    headers: HttpHeaders.optional(),
    auth: BasicAuth.optional(),
    management: ManagementCredentials.optional(),
    isSubagent: z.boolean().optional(),
    parentChannelId: Id.optional(),
  })
  .superRefine(checkSubagentLink);
export type SetWebhookInput = z.input<typeof SetWebhook>;
export type SetWebhook = z.infer<typeof SetWebhook>;

/** Body of `POST /api/v1/agents/deleteWebhook`. */
export const DeleteWebhook = z.object({ channelId: Id });
export type DeleteWebhookInput = z.input<typeof DeleteWebhook>;
export type DeleteWebhook = z.infer<typeof DeleteWebhook>;

/** Body of `POST /api/v1/agents/setTag`; `null` removes the tag. */
export const SetTag = z.object({ channelId: Id, tag: Tag.nullable() });
export type SetTagInput = z.input<typeof SetTag>;
export type SetTag = z.infer<typeof SetTag>;

/** Body of `POST /api/v1/agents/setSubagent`. */
export const SetSubagent = z
  .object({
    channelId: Id,
    isSubagent: z.boolean(),
    parentChannelId: Id.nullable().optional(),
  })
  .superRefine(checkSubagentLink);
export type SetSubagentInput = z.input<typeof SetSubagent>;
export type SetSubagent = z.infer<typeof SetSubagent>;

export const MANAGEMENT_BOTH_OR_NEITHER = 'url and apiKey must be both set or both null';

/** Body of `POST /api/v1/agents/setManagement`: both values, or both `null` to clear. */
export const SetManagement = z
  .object({
    channelId: Id,
    url: HttpUrl.nullable(),
    apiKey: z.string().min(1).max(4096).nullable(),
  })
  .refine((body) => (body.url === null) === (body.apiKey === null), {
    message: MANAGEMENT_BOTH_OR_NEITHER,
  });
export type SetManagementInput = z.input<typeof SetManagement>;
export type SetManagement = z.infer<typeof SetManagement>;

/** A slash command a channel offers in the chat composer. */
export const ChannelCommand = z.object({
  command: z.string().min(1).max(64),
  description: z.string().max(500),
  acceptsArgs: z.boolean().optional(),
  argHint: z.string().max(200).optional(),
});
export type ChannelCommand = z.infer<typeof ChannelCommand>;

/** Body of `PUT /api/v1/agents/:id/commands`: replaces the whole list. */
export const ChannelCommands = z.object({
  commands: z.array(ChannelCommand).max(MAX_CHANNEL_COMMANDS),
});
export type ChannelCommandsInput = z.input<typeof ChannelCommands>;
export type ChannelCommands = z.infer<typeof ChannelCommands>;

/** Body of `POST /api/v1/status/ping`. */
export const StatusPing = z.object({
  agentId: Id,
  status: AgentStatus,
  message: z.string().max(500).optional(),
});
export type StatusPingInput = z.input<typeof StatusPing>;
export type StatusPing = z.infer<typeof StatusPing>;

/** `GET /agents/:id/status-history?limit=`: newest first, 100 by default, at most 500. */
export const StatusHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type StatusHistoryQueryInput = z.input<typeof StatusHistoryQuery>;

/** One status transition of a channel. */
export const StatusHistoryEntry = z.object({
  status: AgentStatus,
  message: z.string().nullable(),
  createdAt: IsoDateTime,
});
export type StatusHistoryEntry = z.infer<typeof StatusHistoryEntry>;

/** The mask that replaces every secret in a channel response. */
export const SECRET_MASK = '***';

/**
 * A channel as returned by the API. Secrets never leave the server: header values and the Basic
 * password are always `'***'`, and the schema rejects anything else.
 */
export const Channel = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  webhookUrl: z.string().nullable(),
  webhookHeaders: z.record(z.string(), z.literal(SECRET_MASK)).nullable(),
  webhookAuth: z.object({ username: z.string(), password: z.literal(SECRET_MASK) }).nullable(),
  hasSigningSecret: z.boolean(),
  status: AgentStatus,
  statusMessage: z.string().nullable(),
  statusSince: IsoDateTime.nullable(),
  lastActiveAt: IsoDateTime.nullable(),
  commands: z.array(ChannelCommand).nullable(),
  tag: z.string().nullable(),
  isSubagent: z.boolean(),
  parentAgentId: z.string().nullable(),
  createdAt: IsoDateTime,
});
export type Channel = z.infer<typeof Channel>;
