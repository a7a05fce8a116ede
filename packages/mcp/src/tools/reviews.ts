import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { PluginManifest } from '@placet/core/contract';
import { MessageCreate, z } from '@placet/core/contract';
import { MAX_CONNECTION_TIMEOUT_MS, type ToolContext } from '../options.js';
import { attempt, jsonResult, pending } from '../result.js';
import { waitForReview } from '../wait.js';
import { channelArg, channelOf, expiresInSecondsArg, messageIdArg } from './channel-arg.js';
import { argFromJsonSchema } from './json-schema.js';

const fields = MessageCreate.shape;

const connectionTimeoutArg = z
  .number()
  .int()
  .min(1000)
  .max(MAX_CONNECTION_TIMEOUT_MS)
  .optional()
  .describe('How long to wait, in ms, before answering { status: "timeout" } (the review stays pending).');

/** Every review type the server has, from the plugin manifests. */
function reviewTypes(manifests: readonly PluginManifest[]) {
  return manifests.flatMap((manifest) => manifest.reviewTypes);
}

/**
 * The `review` argument of `ask_human`: one variant per registered review type, `{ type, payload }` with
 * the type's payload schema, so the model sees what each type takes.
 */
function reviewArg(manifests: readonly PluginManifest[]) {
  const variants = reviewTypes(manifests).map((type) =>
    z
      .object({
        type: z.literal(type.type),
        payload: argFromJsonSchema(type.payloadSchema, `The ${type.type} review's payload.`),
      })
      .describe(type.description ?? type.displayName ?? type.type),
  );
  const [first, ...rest] = variants;
  if (!first) return z.object({ type: z.string(), payload: z.record(z.string(), z.unknown()) });
  return (rest.length === 0 ? first : z.union([first, ...rest])).describe(
    'What to ask: a review type and its payload (e.g. { type: "approval", payload: { options: [...] } }).',
  );
}

/** `send_review_message`, `wait_for_review`, `get_pending_reviews`, `ask_human`. */
export function registerReviewTools(
  server: McpServer,
  ctx: ToolContext,
  manifests: readonly PluginManifest[],
): void {
  const { client } = ctx;
  const typeNames = reviewTypes(manifests).map((type) => type.type);

  server.registerTool(
    'send_review_message',
    {
      title: 'Ask for a review',
      description: `Sends a message with a review for a human to answer (${typeNames.join(', ')}). Returns { status: "pending", messageId } at once; call wait_for_review for the answer, or set waitInline to wait here.`,
      inputSchema: {
        channelId: channelArg(ctx),
        text: fields.text.describe('What the human reads, in markdown.'),
        reviewType: z
          .string()
          .min(1)
          .describe(`The review type: ${typeNames.join(', ')} (see list_plugins).`),
        reviewPayload: z
          .record(z.string(), z.unknown())
          .describe("The review type's payload (see list_plugins)."),
        expiresInSeconds: expiresInSecondsArg,
        webhookUrl: fields.webhookUrl.describe('A URL that receives the answer (signed webhook).'),
        waitInline: z.boolean().optional().describe('Wait for the answer in this call.'),
        iterationOf: fields.iterationOf.describe('The id of a message this review is a new version of.'),
      },
    },
    (args, extra) =>
      attempt(async () => {
        const { channelId, reviewType, reviewPayload, expiresInSeconds, waitInline, ...body } = args;
        const review = {
          type: reviewType,
          payload: reviewPayload,
          ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
        };
        const message = await client.messages.send({ channelId: channelOf(ctx, channelId), review, ...body });
        await client.messages.ack(message.id, message.channelId);
        const expiresAt = message.review?.expiresAt ?? null;
        if (waitInline) {
          return jsonResult(
            await waitForReview(ctx, extra, message.id, message.channelId, undefined, expiresAt),
          );
        }
        return jsonResult(pending(message));
      }),
  );

  server.registerTool(
    'wait_for_review',
    {
      title: 'Wait for a review',
      description:
        'Waits for the human to answer a review: { status: "completed", response, message }, { status: "expired" }, or { status: "timeout" } when the wait ran out first (call it again to keep waiting). Reports progress while it waits.',
      inputSchema: {
        messageId: messageIdArg,
        channelId: channelArg(ctx),
        connectionTimeoutMs: connectionTimeoutArg,
      },
      annotations: { readOnlyHint: true },
    },
    ({ messageId, channelId, connectionTimeoutMs }, extra) =>
      attempt(async () =>
        jsonResult(
          await waitForReview(ctx, extra, messageId, channelOf(ctx, channelId), connectionTimeoutMs),
        ),
      ),
  );

  server.registerTool(
    'get_pending_reviews',
    {
      title: 'List pending reviews',
      description: 'The messages of a channel whose review is still waiting for a human.',
      inputSchema: { channelId: channelArg(ctx) },
      annotations: { readOnlyHint: true },
    },
    ({ channelId }) =>
      attempt(async () =>
        jsonResult((await client.reviews.pending({ channel: channelOf(ctx, channelId) })).items),
      ),
  );

  server.registerTool(
    'ask_human',
    {
      title: 'Ask a human',
      description:
        'Asks a human and waits for the answer in one call: approve or reject, pick options, fill a form, write text. Answers { status: "completed", response } (the response is typed by the review type), { status: "expired" }, or { status: "timeout", messageId } (call wait_for_review to keep waiting).',
      inputSchema: {
        channelId: channelArg(ctx),
        text: fields.text.unwrap().describe('The question, in markdown.'),
        review: reviewArg(manifests),
        expiresInSeconds: expiresInSecondsArg,
        idempotencyKey: fields.clientId.describe(
          'Asking again with the same key finds the same review instead of asking twice (after a crash or a timeout).',
        ),
      },
    },
    ({ channelId, text, review, expiresInSeconds, idempotencyKey }, extra) =>
      attempt(async () => {
        const message = await client.messages.send({
          channelId: channelOf(ctx, channelId),
          text,
          review: {
            ...(review as { type: string; payload: Record<string, unknown> }),
            ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
          },
          clientId: idempotencyKey ?? `ask-human-${crypto.randomUUID()}`,
        });
        return jsonResult(
          await waitForReview(
            ctx,
            extra,
            message.id,
            message.channelId,
            undefined,
            message.review?.expiresAt,
          ),
        );
      }),
  );
}
