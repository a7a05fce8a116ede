import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
  ErrorCode,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { approval, createClient, type PlacetClient, type ReviewRequest, review } from '@placet/client';
import { elicitationContent, elicitationForm, UnsupportedElicitationError } from './form.js';

/** Options of {@link placetElicitation}: where the humans are and which channel asks them. */
export interface PlacetElicitationOptions {
  /** The Placet server: an origin or an API base URL. */
  url: string;
  /** The agent's API key (`hp_…`). */
  apiKey: string;
  /** The channel (agent) the questions appear in. */
  channel: string;
  /** How long a human has to answer, in seconds (default: the server's, 24 h); unanswered → `cancel`. */
  expiresInSeconds?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** The capability an MCP client must declare for the bridge: form and URL elicitation. */
export const ELICITATION_CAPABILITIES = { elicitation: { form: {}, url: {} } } as const;

/** An `elicitation/create` handler that asks humans in Placet. */
export interface PlacetElicitation {
  /** Answers one elicitation: asks in Placet, waits for the human, maps the outcome. */
  handle(
    params: ElicitRequest['params'],
    options?: { signal?: AbortSignal; asker?: string },
  ): Promise<ElicitResult>;
  /**
   * Makes `client` answer its servers' elicitations through Placet: declares the elicitation capability
   * (call before `client.connect()`) and installs the `elicitation/create` handler.
   */
  install(client: Client): void;
}

const APPROVE = { id: 'done', label: 'Done', style: 'primary' } as const;
const DECLINE = { id: 'decline', label: 'Decline', style: 'danger' } as const;

/**
 * The elicitation bridge, for hosts of MCP *clients* with nobody at a chat window (headless agents): an
 * MCP server's `elicitation/create` becomes a Placet review a human answers in the inbox (or by e-mail,
 * push, …), and the answer goes back to the server.
 *
 * - Form mode: the `requestedSchema` becomes a `form` review (see `elicitationForm`); submitted →
 *   `accept` with the typed content, declined → `decline`, expired → `cancel`. A schema the form cannot
 *   express exactly is refused with an `InvalidParams` error, never guessed.
 * - URL mode: a message with the link and an approval (Done / Decline); Done → `accept`, Decline →
 *   `decline`, expired → `cancel`. Only http(s) links are forwarded.
 * - A cancelled request (the server gave up) deletes the question from the inbox.
 */
export function placetElicitation(options: PlacetElicitationOptions): PlacetElicitation {
  const client: PlacetClient = createClient({
    url: options.url,
    apiKey: options.apiKey,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const expiry = options.expiresInSeconds === undefined ? {} : { expiresInSeconds: options.expiresInSeconds };

  async function ask<V extends ReviewRequest>(text: string, request: V, signal: AbortSignal | undefined) {
    let messageId: string | undefined;
    try {
      return await client.ask(options.channel, {
        text,
        review: request,
        onCreated: (message) => {
          messageId = message.id;
        },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted && messageId) {
        // Nobody waits for this answer any more: take the question out of the inbox.
        await client.messages.delete(messageId, options.channel).catch(() => undefined);
      }
      throw error;
    }
  }

  async function handle(
    params: ElicitRequest['params'],
    { signal, asker }: { signal?: AbortSignal; asker?: string } = {},
  ): Promise<ElicitResult> {
    const intro = asker ? `**${asker}** asks:\n\n` : '';
    if (params.mode === 'url') {
      let url: URL;
      try {
        url = new URL(params.url);
      } catch {
        throw new McpError(ErrorCode.InvalidParams, `Not a URL: ${params.url}`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new McpError(ErrorCode.InvalidParams, `Only http(s) links are forwarded, not ${url.protocol}`);
      }
      const text = `${intro}${params.message}\n\n<${url.href}>`;
      const result = await ask(text, approval({ options: [APPROVE, DECLINE] }, expiry), signal);
      if (result.status === 'expired') return { action: 'cancel' };
      return {
        action: !result.dismissed && result.response.selectedOption === APPROVE.id ? 'accept' : 'decline',
      };
    }
    let payload: ReturnType<typeof elicitationForm>;
    try {
      payload = elicitationForm(params.requestedSchema);
    } catch (error) {
      if (error instanceof UnsupportedElicitationError) {
        throw new McpError(ErrorCode.InvalidParams, `Placet cannot ask this: ${error.message}`);
      }
      throw error;
    }
    const result = await ask(
      `${intro}${params.message}`,
      review<Record<string, unknown>>('form', { ...payload }, expiry),
      signal,
    );
    if (result.status === 'expired') return { action: 'cancel' };
    if (result.dismissed) return { action: 'decline' };
    return { action: 'accept', content: elicitationContent(params.requestedSchema, result.response) };
  }

  return {
    handle,
    install(mcpClient) {
      mcpClient.registerCapabilities(ELICITATION_CAPABILITIES);
      mcpClient.setRequestHandler(ElicitRequestSchema, (request, extra) => {
        const server = mcpClient.getServerVersion();
        const asker = server ? (server.title ?? server.name) : undefined;
        return handle(request.params, { signal: extra.signal, ...(asker ? { asker } : {}) });
      });
    },
  };
}
