// Wire types come from the core as types only: nothing of the engine reaches the browser bundle.
import type {
  ChannelWithSecret,
  DeliveryView,
  Group,
  GroupCreateInput,
  GroupUpdateInput,
  NotificationPreferences,
  NotificationPreferencesUpdateInput,
  PublicApiKey,
  PublicUser,
  UserCreateInput,
  WebhookCheck,
} from '@placet/core/contract';
import type { Api } from '../../api.js';
import type { Channel, PluginManifest } from '../../types.js';
import type { PushDevice, PushSubscriptionBody } from '../../web-push.js';

export type {
  ChannelWithSecret,
  DeliveryView,
  Group,
  GroupCreateInput,
  GroupUpdateInput,
  NotificationPreferences,
  NotificationPreferencesUpdateInput,
  PublicApiKey,
  PublicUser,
  WebhookCheck,
};

/** `POST /api-keys` and `POST /api-keys/:id/rotate`: the key with its raw value, this once. */
export type ApiKeyWithSecret = PublicApiKey & { key: string };

/** `GET /agents/:id/deliveries`: newest first. */
export interface DeliveryPage {
  data: DeliveryView[];
  nextCursor: string | null;
}

/** `PATCH /agents/:id`: an absent key is left alone, `null` clears. */
export interface ChannelPatch {
  name?: string;
  description?: string | null;
  tag?: string | null;
  webhookUrl?: string | null;
  webhookHeaders?: Record<string, string> | null;
  webhookAuth?: { username: string; password: string } | null;
}

/** `POST /agents/setWebhook`: headers and auth that are absent are cleared. */
export interface SetWebhookBody {
  channelId: string;
  url: string;
  headers?: Record<string, string>;
  auth?: { username: string; password: string };
}

const id = encodeURIComponent;

/** The typed calls of the Settings view, over the dashboard's same-origin client. */
export class SettingsApi {
  constructor(private readonly api: Api) {}

  private v1 = (path: string) => `${this.api.config.apiBase}${path}`;

  // API keys
  apiKeys = () => this.api.request<PublicApiKey[]>('GET', this.v1('/api-keys'));
  createApiKey = (body: { label: string; channelId?: string }) =>
    this.api.request<ApiKeyWithSecret>('POST', this.v1('/api-keys'), body);
  revokeApiKey = (keyId: string) =>
    this.api.request<{ deleted: true }>('DELETE', this.v1(`/api-keys/${id(keyId)}`));
  rotateApiKey = (keyId: string) =>
    this.api.request<ApiKeyWithSecret>('POST', this.v1(`/api-keys/${id(keyId)}/rotate`));

  // Channels
  channels = () => this.api.request<Channel[]>('GET', this.v1('/agents'));
  channel = (channelId: string) => this.api.request<Channel>('GET', this.v1(`/agents/${id(channelId)}`));
  createChannel = (body: { name: string; description?: string }) =>
    this.api.request<Channel>('POST', this.v1('/agents'), body);
  updateChannel = (channelId: string, patch: ChannelPatch) =>
    this.api.request<Channel>('PATCH', this.v1(`/agents/${id(channelId)}`), patch);
  deleteChannel = (channelId: string) =>
    this.api.request<{ deleted: true }>('DELETE', this.v1(`/agents/${id(channelId)}`));
  setWebhook = (body: SetWebhookBody) =>
    this.api.request<ChannelWithSecret>('POST', this.v1('/agents/setWebhook'), body);
  deleteWebhook = (channelId: string) =>
    this.api.request<Channel>('POST', this.v1('/agents/deleteWebhook'), { channelId });
  /** `POST /agents/:id/avatar` (multipart `file`): the channel with its new `avatarUrl`. */
  setAvatar = (channelId: string, file: File) => {
    const body = new FormData();
    body.append('file', file, file.name);
    return this.api.request<Channel>('POST', this.v1(`/agents/${id(channelId)}/avatar`), body);
  };
  /** `DELETE /agents/:id/avatar`: back to the initials. */
  removeAvatar = (channelId: string) =>
    this.api.request<Channel>('DELETE', this.v1(`/agents/${id(channelId)}/avatar`));
  rotateWebhookSecret = (channelId: string) =>
    this.api.request<{ webhookSecret: string }>(
      'POST',
      this.v1(`/agents/${id(channelId)}/webhook-secret/rotate`),
    );

  // Deliveries
  deliveries = (channelId: string, query: { limit?: number; cursor?: string } = {}) =>
    this.api.request<DeliveryPage>('GET', this.v1(`/agents/${id(channelId)}/deliveries`), undefined, query);
  redrive = (deliveryId: string) =>
    this.api.request<DeliveryView>('POST', this.v1(`/deliveries/${id(deliveryId)}/redrive`));
  /** `POST /webhooks/check`: whether the server's outbound rules would refuse `url` (nothing is sent). */
  checkWebhook = (url: string) => this.api.request<WebhookCheck>('POST', this.v1('/webhooks/check'), { url });

  // Plugins
  plugins = () => this.api.request<PluginManifest[]>('GET', this.v1('/plugins'));

  // Notification preferences
  notificationPreferences = () =>
    this.api.request<NotificationPreferences>('GET', this.v1('/notifications/preferences'));
  setNotificationPreferences = (body: NotificationPreferencesUpdateInput) =>
    this.api.request<NotificationPreferences>('PUT', this.v1('/notifications/preferences'), body);

  // Web push (the webpush plugin's routes)
  webpushConfig = () => this.api.request<{ publicKey: string }>('GET', this.v1('/plugins/webpush/config'));
  pushDevices = () => this.api.request<PushDevice[]>('GET', this.v1('/plugins/webpush/subscriptions'));
  addPushDevice = (body: PushSubscriptionBody) =>
    this.api.request<PushDevice>('POST', this.v1('/plugins/webpush/subscriptions'), body);
  removePushDevice = (deviceId: string) =>
    this.api.request<{ deleted: true }>('DELETE', this.v1(`/plugins/webpush/subscriptions/${id(deviceId)}`));

  // Users (owners)
  users = () => this.api.request<PublicUser[]>('GET', this.v1('/users'));
  createUser = (body: UserCreateInput) => this.api.request<PublicUser>('POST', this.v1('/users'), body);
  deleteUser = (userId: string) =>
    this.api.request<{ deleted: true }>('DELETE', this.v1(`/users/${id(userId)}`));

  // Groups (everyone reads; owners change)
  groups = () => this.api.request<Group[]>('GET', this.v1('/groups'));
  createGroup = (body: GroupCreateInput) => this.api.request<Group>('POST', this.v1('/groups'), body);
  updateGroup = (name: string, body: GroupUpdateInput) =>
    this.api.request<Group>('PUT', this.v1(`/groups/${id(name)}`), body);
  deleteGroup = (name: string) =>
    this.api.request<{ deleted: true }>('DELETE', this.v1(`/groups/${id(name)}`));
}
