import type { AgentStatusService } from './services/agent-status-service.js';
import type { ApiKeysService } from './services/api-keys-service.js';
import type { AttachmentsService } from './services/attachments-service.js';
import type { ChannelWebhooksService } from './services/channel-webhooks-service.js';
import type { ChannelsService } from './services/channels-service.js';
import type { DeliveriesService } from './services/deliveries-service.js';
import type { MessagesService } from './services/messages-service.js';
import type { ReviewsService } from './services/reviews-service.js';
import type { SessionsService } from './services/sessions-service.js';
import type { StreamsService } from './services/streams-service.js';
import type { UsersService } from './services/users-service.js';

/**
 * The typed host API: what `placet.<resource>` offers an embedding host, the public methods of the engine
 * services. Internal methods (the sweeper's `expireDue`, the dispatcher's `kick`, `channels.require`, …)
 * are not on these types. Inputs are the `…Input` types of the wire contract (`z.input` of its schemas):
 * a misspelt field is a compile error, and the engine still validates at run time (400-style
 * `VALIDATION_FAILED` with issue paths) for callers without types.
 *
 * The resources and the HTTP API: `channels` are the `/agents` endpoints, `webhooks` the
 * `/agents/setWebhook`, `/agents/deleteWebhook` and `/agents/:id/webhook-secret/rotate` endpoints,
 * `status` `/status/ping` and `/agents/:id/status-history`, `streams` `/messages/streams/*`; the other
 * names are the paths' own (`messages`, `reviews`, `files`, `deliveries`, `users`, `apiKeys` =
 * `/api-keys`). Each operation's handler in `OPERATIONS` names the method it calls.
 */
export type UsersApi = Pick<
  UsersService,
  'create' | 'ensure' | 'get' | 'list' | 'delete' | 'changePassword' | 'verifyCredentials'
>;
export type SessionsApi = Pick<SessionsService, 'create' | 'find' | 'end' | 'endAll' | 'claimOnce'>;
export type ApiKeysApi = Pick<ApiKeysService, 'create' | 'list' | 'revoke' | 'rotate'>;
export type ChannelsApi = Pick<
  ChannelsService,
  | 'create'
  | 'list'
  | 'listWithActivity'
  | 'get'
  | 'update'
  | 'delete'
  | 'setTag'
  | 'setCommands'
  | 'setSubagent'
  | 'markRead'
>;
export type MessagesApi = Pick<MessagesService, 'create' | 'list' | 'get' | 'delete' | 'ack' | 'iterations'>;
export type ReviewsApi = Pick<
  ReviewsService,
  | 'get'
  | 'list'
  | 'listPending'
  | 'count'
  | 'markRead'
  | 'respond'
  | 'wait'
  | 'waiterCount'
  | 'releaseWaiters'
>;
export type StreamsApi = Pick<StreamsService, 'patch' | 'addStep'>;
export type WebhooksApi = Pick<
  ChannelWebhooksService,
  'setWebhook' | 'deleteWebhook' | 'rotateSecret' | 'setManagement'
>;
export type DeliveriesApi = Pick<DeliveriesService, 'listForMessage' | 'listForChannel' | 'redrive'>;
export type StatusApi = Pick<AgentStatusService, 'ping' | 'history'>;
export type FilesApi = Pick<
  AttachmentsService,
  'upload' | 'store' | 'storeText' | 'list' | 'info' | 'open' | 'delete'
>;
