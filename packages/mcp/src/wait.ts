import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AskResult } from '@placet/client';
import type { ToolContext } from './options.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** A review that is still pending when the tool stops waiting: the model calls `wait_for_review` again. */
export interface WaitTimeout {
  status: 'timeout';
  messageId: string;
  channelId: string;
  hint: string;
}

/** What a wait answers: the review's outcome (the original's `{ status, message }`, plus `response`), or a timeout. */
export type WaitOutcome =
  | {
      status: 'completed' | 'expired';
      dismissed: boolean;
      response: unknown;
      message: AskResult<unknown>['message'];
    }
  | WaitTimeout;

const seconds = (ms: number) => Math.round(ms / 1000);

/**
 * Waits for the answer to the review of `messageId` for at most `timeoutMs`, through server restarts
 * and dropped connections (the client's long-poll loop). When the caller sent a progress token, a
 * `notifications/progress` goes out every `progressIntervalMs` ("Waiting for review… (elapsed: 40s,
 * expires: …)"), so an MCP client that resets its request timeout on progress keeps waiting. When the
 * MCP request is cancelled the wait stops and the cancellation propagates.
 */
export async function waitForReview(
  ctx: ToolContext,
  extra: ToolExtra,
  messageId: string,
  channelId: string,
  timeoutMs = ctx.connectionTimeoutMs,
  expiresAt?: string | null,
): Promise<WaitOutcome> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([extra.signal, deadline]);
  const progressToken = extra._meta?.progressToken;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (progressToken !== undefined) {
    const expires = expiresAt ? `, expires: ${expiresAt}` : '';
    timer = setInterval(() => {
      const elapsed = Date.now() - started;
      extra
        .sendNotification({
          method: 'notifications/progress',
          params: {
            progressToken,
            progress: elapsed,
            total: timeoutMs,
            message: `Waiting for review… (elapsed: ${seconds(elapsed)}s${expires})`,
          },
        })
        .catch(() => {
          // The client went away: the wait ends with the request's cancellation or the deadline.
        });
    }, ctx.progressIntervalMs);
  }
  try {
    const result = await ctx.client.reviews.wait(messageId, channelId, { signal });
    return {
      status: result.status,
      dismissed: result.dismissed,
      response: result.response,
      message: result.message,
    };
  } catch (error) {
    if (deadline.aborted && !extra.signal.aborted) {
      return {
        status: 'timeout',
        messageId,
        channelId,
        hint: `No answer within ${seconds(timeoutMs)}s; the review is still pending. Call wait_for_review with this messageId and channelId to keep waiting.`,
      };
    }
    throw error;
  } finally {
    if (timer) clearInterval(timer);
  }
}
