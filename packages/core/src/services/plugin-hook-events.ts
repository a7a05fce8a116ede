import type { Message } from '../contract/message.js';
import type { EventRecord } from '../domain/records.js';
import type {
  PluginHookEventBase,
  PluginHookEvents,
  PluginHookName,
  PluginHooks,
} from '../plugins/context.js';

/** One hook to call for an outbox event; `event()` builds what the hook gets (it may read the store). */
export interface HookCall {
  hook: PluginHookName;
  event(): Promise<PluginHookEvents[PluginHookName]>;
}

/**
 * The hooks of `hooks` that outbox event `event` calls, in the order they run:
 * - `message:created` → `message.created`, then `review.created` when the message carries a review;
 * - `message:updated` → `message.updated` (the message as the change presented it: an escalation step,
 *   a vote short of a decision, a streamed draft, …);
 * - `review:responded` → `review.dismissed` when the answer is `{ _dismissed: true }`, else
 *   `review.responded`;
 * - `review:expired` → `review.expired` (the message is read when the hook runs).
 * Every other event type calls nothing.
 */
export function hookCallsFor(
  event: EventRecord,
  hooks: PluginHooks,
  loadMessage: (messageId: string) => Promise<Message | null>,
): HookCall[] {
  if (event.channelId === null || event.subjectId === null) return [];
  const base: PluginHookEventBase = {
    seq: event.seq,
    at: event.createdAt,
    ownerId: event.ownerId,
    channelId: event.channelId,
    messageId: event.subjectId,
  };
  const calls: HookCall[] = [];
  const add = <H extends PluginHookName>(hook: H, build: () => Promise<PluginHookEvents[H]>) => {
    if (hooks[hook]) calls.push({ hook, event: build });
  };
  switch (event.type) {
    case 'message:created': {
      const message = event.payload as Message;
      add('message.created', async () => ({ ...base, message }));
      const review = message.review;
      if (review) add('review.created', async () => ({ ...base, message, review }));
      break;
    }
    case 'message:updated': {
      const message = event.payload as Message;
      add('message.updated', async () => ({ ...base, message }));
      break;
    }
    case 'review:responded': {
      const message = event.payload as Message;
      const review = message.review;
      if (!review) break;
      const response = review.response ?? {};
      const responded = async () => ({
        ...base,
        message,
        review,
        response,
        respondedBy: review.respondedBy,
      });
      if (response._dismissed === true) add('review.dismissed', responded);
      else add('review.responded', responded);
      break;
    }
    case 'review:expired':
      add('review.expired', async () => ({ ...base, message: await loadMessage(base.messageId) }));
      break;
    default:
      break;
  }
  return calls;
}
