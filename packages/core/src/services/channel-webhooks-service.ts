import { inject, injectable } from 'tsyringe';
import type { ChannelWithSecret } from '../contract/account.js';
import type { DeleteWebhookInput, SetManagementInput, SetWebhookInput } from '../contract/channel.js';
import { type Channel, DeleteWebhook, SetManagement, SetWebhook } from '../contract/channel.js';
import type { Principal } from '../domain/principal.js';
import type { ChannelRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import { generateWebhookSecret } from '../util/secrets.js';
import { ChannelsService } from './channels-service.js';

/** `setWebhook` answers the channel, plus the signing secret the first time one is made. */
export type { ChannelWithSecret } from '../contract/account.js';

const managementUnsupported = () =>
  new PlacetError(
    'NOT_IMPLEMENTED',
    'Agent management (setManagement, setWebhook.management) is not supported by this server; remove the field',
  );

/**
 * A channel's webhook: URL, custom headers, basic auth, and the Standard Webhooks signing secret, which
 * is returned exactly once (on creation or rotation) and masked on every read afterwards.
 */
@injectable()
export class ChannelWebhooksService {
  constructor(@inject(ChannelsService) private readonly channels: ChannelsService) {}

  async setWebhook(principal: Principal, input: SetWebhookInput): Promise<ChannelWithSecret> {
    const data = parseOrThrow(SetWebhook, input);
    if (data.management !== undefined) throw managementUnsupported();
    const channel = await this.channels.require(principal, data.channelId);
    const patch: Partial<ChannelRecord> = {
      webhookUrl: data.url,
      webhookHeaders: data.headers ?? null,
      webhookAuth: data.auth ?? null,
    };
    if (data.isSubagent !== undefined) {
      patch.isSubagent = data.isSubagent;
      patch.parentAgentId = data.isSubagent
        ? await this.channels.checkParent(principal, channel.id, data.parentChannelId ?? null)
        : null;
    }
    const secret = channel.webhookSecret === null ? generateWebhookSecret() : undefined;
    if (secret) patch.webhookSecret = secret;
    const presented = await this.channels.apply(channel, patch);
    return secret ? { ...presented, webhookSecret: secret } : presented;
  }

  async deleteWebhook(principal: Principal, input: DeleteWebhookInput): Promise<Channel> {
    const data = parseOrThrow(DeleteWebhook, input);
    const channel = await this.channels.require(principal, data.channelId);
    return this.channels.apply(channel, { webhookUrl: null, webhookHeaders: null, webhookAuth: null });
  }

  /** A new signing secret, returned once; the old one stops signing at once. */
  async rotateSecret(principal: Principal, channelId: string): Promise<{ webhookSecret: string }> {
    const channel = await this.channels.require(principal, channelId);
    const webhookSecret = generateWebhookSecret();
    await this.channels.apply(channel, { webhookSecret });
    return { webhookSecret };
  }

  /** The original's `setManagement`: validated (its fields are never silently dropped), then refused with 501. */
  async setManagement(principal: Principal, input: SetManagementInput): Promise<never> {
    const data = parseOrThrow(SetManagement, input);
    await this.channels.require(principal, data.channelId);
    throw managementUnsupported();
  }
}
