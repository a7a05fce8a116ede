import type { IterationChain } from '@placet/core/contract';
import type { Api } from '../../api.js';

export type { IterationChain };

/** `GET /api/v1/messages/iterations/:id`: the chain `messageId` belongs to, root first. */
export function fetchIterations(api: Api, messageId: string, channelId: string): Promise<IterationChain> {
  return api.request<IterationChain>(
    'GET',
    `${api.config.apiBase}/messages/iterations/${encodeURIComponent(messageId)}`,
    undefined,
    { channel: channelId },
  );
}
