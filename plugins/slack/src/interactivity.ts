import type { Message, PublicUser } from '@placet/core/contract';
import { type AnyOperation, defineOperation, isPlacetError, named, reply, z } from '@placet/core/plugin';
import { ACTION } from './blocks.js';
import { INTERACTIVITY_PATH } from './links.js';
import {
  issuesAsErrors,
  MODAL_CALLBACK,
  modalFor,
  modalView,
  readSubmission,
  type SlackValue,
} from './modal.js';
import { markdownToMrkdwn, truncateMrkdwn } from './mrkdwn.js';
import type { SlackRuntime } from './runtime.js';
import { checkSlackSignature, SIGNATURE_WINDOW_MS } from './signature.js';
import { call, slackFailure } from './slack-api.js';

/**
 * `POST /plugins/slack/interactivity`: the app's Interactivity Request URL. Every request is checked
 * first (Slack's v0 signature over the raw body, a timestamp within 5 minutes, never seen before), then:
 *
 * - `block_actions`: a button or menu of a review's post answers it as the Slack user's Placet user,
 *   through the engine (validation, exactly once, assignees, audit path `slack`); "Answer…" opens the
 *   review's modal (`views.open`). Someone who may not answer gets an ephemeral note, and nothing is
 *   recorded.
 * - `view_submission` of a review's modal: the answer assembled from its inputs, through the engine; an
 *   invalid one is answered with the modal's field errors (`response_action: errors`).
 */

const Payload = z.looseObject({
  type: z.string(),
  user: z.looseObject({ id: z.string().min(1) }),
  trigger_id: z.string().optional(),
  channel: z.looseObject({ id: z.string() }).nullish(),
  container: z.looseObject({ channel_id: z.string().optional() }).nullish(),
  actions: z
    .array(
      z.looseObject({
        action_id: z.string(),
        value: z.string().optional(),
        selected_option: z.looseObject({ value: z.string() }).nullish(),
      }),
    )
    .optional(),
  view: z
    .looseObject({
      callback_id: z.string().optional(),
      private_metadata: z.string().optional(),
      state: z
        .looseObject({ values: z.record(z.string(), z.record(z.string(), z.looseObject({}))) })
        .optional(),
    })
    .optional(),
});
type Payload = z.output<typeof Payload>;

const AnswerRef = z.object({ m: z.string().min(1).max(100), a: z.string().min(1).max(200) });
const ModalRef = z.object({ m: z.string().min(1).max(100) });

const parseJson = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** What may be said to a Slack user who cannot answer (never another tenant's details). */
const NOT_LINKED =
  'Your Slack account is not linked to a Placet user who may answer this request. Ask the owner to add you, or answer in Placet.';
const NOT_ALLOWED = 'You may not answer this request: it is assigned to someone else.';

/** The refusal of a review the Slack user's Placet user may not answer, as a note for them. */
function refusalNote(error: unknown): string | undefined {
  if (!isPlacetError(error)) return undefined;
  switch (error.code) {
    case 'NOT_FOUND':
    case 'FORBIDDEN':
    case 'NOT_ASSIGNED':
      return NOT_ALLOWED;
    case 'REVIEW_NOT_PENDING':
    case 'REVIEW_EXPIRED':
      return 'This request no longer waits for an answer.';
    default:
      return error.expose && error.status < 500 ? error.message : undefined;
  }
}

export function interactivityRoutes(runtime: SlackRuntime): AnyOperation[] {
  const { ctx } = runtime;

  /** The Placet user of a Slack user, for the review on `messageId` (its owner and assignees are candidates). */
  async function userFor(slackUserId: string, messageId: string): Promise<PublicUser | undefined> {
    const review = await runtime.posts.review(messageId);
    const candidates = review ? [review.ownerId, ...review.assigneeIds] : [];
    // Assignees added since (an escalation): read as the owner (they see every review of their channels).
    if (review) {
      const owner = await ctx.placet.users.get(review.ownerId);
      const seen = owner
        ? await ctx.placet.reviews.get(ctx.placet.userPrincipal(owner), messageId).catch(() => undefined)
        : undefined;
      candidates.push(...(seen?.review?.policy?.assigneeIds ?? []));
    }
    return runtime.people.placetUserOf(slackUserId, candidates);
  }

  /** A review as `user` may see it, or the note saying why not. */
  async function reviewFor(user: PublicUser, messageId: string): Promise<Message | string> {
    try {
      return await ctx.placet.reviews.get(ctx.placet.userPrincipal(user), messageId);
    } catch (error) {
      return refusalNote(error) ?? NOT_ALLOWED;
    }
  }

  async function answer(
    user: PublicUser,
    messageId: string,
    response: Record<string, unknown>,
  ): Promise<void> {
    await ctx.placet.reviews.respond(
      ctx.placet.userPrincipal(user),
      messageId,
      { response },
      { via: 'slack' },
    );
    ctx.logger.info('slack: review answered', { messageId, userId: user.id });
  }

  async function onAction(payload: Payload): Promise<void> {
    const action = payload.actions?.[0];
    if (!action) return;
    const conversation = payload.channel?.id ?? payload.container?.channel_id;
    const slackUser = payload.user.id;
    const note = async (text: string) => {
      if (conversation) await runtime.whisper(conversation, slackUser, text);
    };
    let messageId: string;
    let answerId: string | undefined;
    if (action.action_id.startsWith(`${ACTION.answer}:`) || action.action_id === ACTION.choose) {
      const ref = AnswerRef.safeParse(parseJson(action.value ?? action.selected_option?.value));
      if (!ref.success) throw ctx.error('SLACK_PAYLOAD_INVALID', 'The action names no review');
      messageId = ref.data.m;
      answerId = ref.data.a;
    } else if (action.action_id === ACTION.open) {
      if (!action.value) throw ctx.error('SLACK_PAYLOAD_INVALID', 'The action names no review');
      messageId = action.value;
    } else return; // A link, or a control that is not Placet's.
    const user = await userFor(slackUser, messageId);
    if (!user) return note(NOT_LINKED);
    const message = await reviewFor(user, messageId);
    if (typeof message === 'string') return note(message);
    const review = message.review;
    if (!review) return note(NOT_ALLOWED);
    if (answerId === undefined) {
      const modal = modalFor(review);
      if (!modal || !payload.trigger_id)
        return note('This request is answered in Placet: use "Open in Placet".');
      const intro = message.text ? truncateMrkdwn(markdownToMrkdwn(message.text), 3000) : undefined;
      const view = modalView(modal, message.id, intro);
      const triggerId = payload.trigger_id;
      await call('views.open', () =>
        runtime.client.views.open({ trigger_id: triggerId, view: view as never }),
      );
      return;
    }
    const choice = ctx.placet.plugins
      .quickAnswers(review.type, review.payload)
      .find((a) => a.id === answerId);
    if (!choice) return note('That choice is not one of this request’s answers any more.');
    try {
      await answer(user, messageId, choice.response as Record<string, unknown>);
    } catch (error) {
      const text = refusalNote(error);
      if (!text) throw error;
      await note(text);
    }
  }

  /** A modal's submission: nothing (closes it), or its field errors. */
  async function onSubmission(payload: Payload): Promise<Record<string, unknown> | undefined> {
    const view = payload.view;
    if (view?.callback_id !== MODAL_CALLBACK) return undefined;
    const ref = ModalRef.safeParse(parseJson(view.private_metadata));
    if (!ref.success) throw ctx.error('SLACK_PAYLOAD_INVALID', 'The modal names no review');
    const messageId = ref.data.m;
    // A note about the whole answer goes on the modal's first input.
    const firstBlock = Object.keys(view.state?.values ?? {})[0] ?? 'f:text';
    const errorsOn = (text: string) => ({
      response_action: 'errors',
      errors: { [firstBlock]: text.slice(0, 150) },
    });
    const user = await userFor(payload.user.id, messageId);
    if (!user) return errorsOn(NOT_LINKED);
    const message = await reviewFor(user, messageId);
    if (typeof message === 'string' || !message.review)
      return errorsOn(typeof message === 'string' ? message : NOT_ALLOWED);
    const modal = modalFor(message.review);
    if (!modal) return errorsOn('This request is answered in Placet.');
    const values = (view.state?.values ?? {}) as Record<string, Record<string, SlackValue>>;
    const read = readSubmission(modal, values);
    if ('errors' in read) return { response_action: 'errors', errors: read.errors };
    try {
      await answer(user, messageId, read.response);
      return undefined;
    } catch (error) {
      if (isPlacetError(error) && error.code === 'INVALID_REVIEW_RESPONSE')
        return {
          response_action: 'errors',
          errors: issuesAsErrors(modal, error.issues ?? [], error.message),
        };
      const text = refusalNote(error);
      if (!text) throw error;
      return errorsOn(text);
    }
  }

  return [
    defineOperation({
      method: 'post',
      path: INTERACTIVITY_PATH,
      operationId: 'interactivity',
      summary: "The Slack app's interactivity endpoint (signed by Slack)",
      description:
        "Configure it as the Slack app's Interactivity Request URL. Slack signs each request (v0 HMAC-SHA256 of the raw body with the app's signing secret); unsigned, stale (over 5 minutes), replayed and misdirected requests are refused. Buttons and menus answer the review as the Slack user's Placet user; a modal submission answers with its inputs, or is answered with the modal's field errors.",
      tag: 'slack',
      auth: 'public',
      body: {
        kind: 'raw',
        mediaTypes: {
          'application/x-www-form-urlencoded': "Slack's `payload=` field: the interaction as JSON.",
        },
        maxBytes: 256 * 1024,
      } as const,
      success: {
        kind: 'json',
        status: 200,
        description: "Taken: empty, or a modal's `response_action`.",
        schema: named('SlackInteractivityAck', z.looseObject({})),
      },
      errors: [
        'SLACK_SIGNATURE_INVALID',
        'SLACK_REQUEST_STALE',
        'SLACK_REQUEST_REPLAYED',
        'SLACK_PAYLOAD_INVALID',
      ],
      handler: async ({ body, request }) => {
        const check = checkSlackSignature({
          secret: ctx.options.signingSecret,
          body: body.bytes,
          timestamp: request.header('x-slack-request-timestamp'),
          signature: request.header('x-slack-signature'),
          now: ctx.clock.now(),
        });
        if (!check.ok) {
          ctx.logger.warn('slack: an interactivity request was refused', { reason: check.reason });
          if (check.reason === 'stale')
            throw ctx.error(
              'SLACK_REQUEST_STALE',
              'The request timestamp is more than 5 minutes away from now',
            );
          throw ctx.error(
            'SLACK_SIGNATURE_INVALID',
            "The request is not signed with the app's signing secret",
          );
        }
        // One request, one effect: a second copy within the window (and after: it is then stale) is refused.
        const fresh = await ctx.kv.setIfAbsent(`seen/${check.replayKey}`, 1, {
          ttlMs: 2 * SIGNATURE_WINDOW_MS + 60_000,
        });
        if (!fresh) throw ctx.error('SLACK_REQUEST_REPLAYED', 'This request was received before');
        const parsed = Payload.safeParse(
          parseJson(new URLSearchParams(body.text()).get('payload') ?? undefined),
        );
        if (!parsed.success)
          throw ctx.error('SLACK_PAYLOAD_INVALID', 'Expected a form field "payload" with an interaction');
        const payload = parsed.data;
        try {
          if (payload.type === 'block_actions') await onAction(payload);
          else if (payload.type === 'view_submission') {
            const answer = await onSubmission(payload);
            if (answer) return reply({ status: 200, json: answer });
          }
        } catch (error) {
          if (isPlacetError(error)) throw error;
          ctx.logger.warn('slack: an interaction failed', {
            type: payload.type,
            error: slackFailure('interaction', error).message,
          });
          throw error;
        }
        return reply({ status: 200, headers: { 'Content-Length': '0' } });
      },
    }),
  ];
}
