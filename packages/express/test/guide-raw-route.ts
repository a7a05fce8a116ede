/**
 * The raw-body route of docs/guides/writing-a-plugin.md ("A body exactly as sent"), word for word from
 * the `import` on: guide-raw-route.test.ts checks the guide shows this code and runs it behind the router.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { defineOperation, named, pluginError, z } from '@placet/core/plugin';

/** Slack's v0 signature: `v0=` + HMAC-SHA256 of `v0:<timestamp>:<the body's bytes>`, hex. */
function signedBySlack(secret: string, timestamp: string, bytes: Uint8Array, signature: string): boolean {
  const mac = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(bytes).digest('hex');
  const expected = Buffer.from(`v0=${mac}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const interactivity = (signingSecret: string) =>
  defineOperation({
    method: 'post',
    path: '/interactivity',
    operationId: 'interactivity',
    summary: 'Signed by Slack',
    tag: 'chat',
    auth: 'public',
    body: {
      kind: 'raw',
      mediaTypes: { 'application/x-www-form-urlencoded': 'payload=<JSON>' },
      maxBytes: 256 * 1024,
    } as const,
    success: {
      kind: 'json',
      status: 200,
      description: 'Taken.',
      schema: named('ChatAck', z.object({ type: z.string() })),
    },
    errors: ['CHAT_SIGNATURE_INVALID'],
    handler: ({ body, request }) => {
      const timestamp = request.header('x-slack-request-timestamp') ?? '';
      const signature = request.header('x-slack-signature') ?? '';
      // The bytes as Slack sent them: JSON parsed and serialised again would not match.
      if (!signedBySlack(signingSecret, timestamp, body.bytes, signature))
        throw pluginError('CHAT_SIGNATURE_INVALID', 'The request is not signed with the signing secret');
      // Checked: now parse them.
      const payload = JSON.parse(new URLSearchParams(body.text()).get('payload') ?? '{}') as {
        type?: unknown;
      };
      return { type: String(payload.type ?? '') };
    },
  });
