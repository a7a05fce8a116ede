import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isPlacetClientError } from '@placet/client';

/** What a tool that asked without waiting answers: the review is pending, `wait_for_review` gets its answer. */
export function pending(message: {
  id: string;
  channelId: string;
  review?: { expiresAt: string | null } | null;
}) {
  return {
    status: 'pending' as const,
    messageId: message.id,
    channelId: message.channelId,
    expiresAt: message.review?.expiresAt ?? null,
    hint: 'Call wait_for_review with this messageId and channelId to wait for the answer.',
  };
}

/** A tool's answer: the value as indented JSON text, as the original's tools answer. */
export function jsonResult(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
}

/**
 * A failed call as a tool error the model can read and act on: the server's code, message and the paths
 * of what was wrong (`VALIDATION_ERROR: review.payload.options: …`), never a stack.
 */
export function errorResult(error: unknown): CallToolResult {
  let text: string;
  if (isPlacetClientError(error)) {
    const issues = (error.issues ?? []).map((issue) => `\n- ${issue.path || '(body)'}: ${issue.message}`);
    text = `${error.code}: ${error.message}${issues.join('')}`;
  } else {
    text = error instanceof Error ? error.message : String(error);
  }
  return { content: [{ type: 'text', text }], isError: true };
}

/** Runs a tool body; a thrown error becomes a tool error result (the MCP request itself succeeds). */
export async function attempt(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    return errorResult(error);
  }
}
