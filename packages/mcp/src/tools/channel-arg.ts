import { Id, z } from '@placet/core/contract';
import type { ToolContext } from '../options.js';

/** `channelId`: required, or optional when the server has a default channel (`PLACET_DEFAULT_CHANNEL`). */
export function channelArg(ctx: ToolContext) {
  const described = Id.describe(
    ctx.defaultChannel
      ? `The channel (agent) id; default: ${ctx.defaultChannel}.`
      : 'The channel (agent) id, as list_channels shows it.',
  );
  return ctx.defaultChannel ? described.optional() : described;
}

/** The channel a call names, or the default channel. */
export function channelOf(ctx: ToolContext, channelId: string | undefined): string {
  const channel = channelId ?? ctx.defaultChannel;
  if (!channel) throw new Error('channelId is required (or start the server with PLACET_DEFAULT_CHANNEL)');
  return channel;
}

export const messageIdArg = Id.describe('The message id (a review is identified by its message).');
export const expiresInSecondsArg = z
  .number()
  .int()
  .positive()
  .optional()
  .describe('How long the human has to answer, in seconds (default 24 h, at most 36 h).');
