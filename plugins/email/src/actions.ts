import type { Message, PublicUser } from '@placet/core/contract';
import {
  type AnyOperation,
  defineOperation,
  htmlPage,
  isPlacetError,
  type PluginContext,
} from '@placet/core/plugin';
import { type Choice, choicesFrom } from './choices.js';
import { ACTIONS_PATH } from './links.js';
import {
  answeredPage,
  confirmPage,
  donePage,
  foreignPage,
  invalidPage,
  type Page,
  type RequestView,
  refusedPage,
  reviewExpiredPage,
  tokenExpiredPage,
  unavailablePage,
  usedPage,
} from './pages.js';
import { type EmailRuntime, formatTime } from './runtime.js';
import { type ActionClaims, nonceKey, verifyToken } from './tokens.js';

/**
 * The two routes behind a mail's action links, both public (the token is the credential) and both
 * answering HTML pages:
 *
 * - `GET /plugins/email/actions/:token` checks the token and shows what it would answer, with a button.
 *   It changes nothing: mail scanners and link previews open links on their own.
 * - `POST` of the same URL (the button's form) checks it again, claims its nonce once in the key-value
 *   store (shared by every process), and answers the review as the recipient through the engine, as the
 *   dashboard would: the answer is attributed to them and reaches the agent the same way.
 */

/** What a token leads to, once checked against the store. */
type Inspection =
  | { kind: 'page'; page: Page }
  | {
      kind: 'ready';
      claims: ActionClaims;
      user: PublicUser;
      message: Message;
      choice: Choice;
      response: Record<string, unknown>;
      request: RequestView;
      timeZone: string;
    };

type Placet = PluginContext['placet'];

const unavailable = (): Inspection => ({ kind: 'page', page: unavailablePage() });

async function inspect(
  runtime: EmailRuntime,
  placet: Placet,
  token: string,
  method: 'get' | 'post',
): Promise<Inspection> {
  const claims = verifyToken(await runtime.secret(), token);
  if (!claims) return { kind: 'page', page: invalidPage() };
  const user = await placet.users.get(claims.u);
  if (!user) return { kind: 'page', page: foreignPage() };
  let message: Message;
  try {
    // As the recipient: a review they cannot see is NOT_FOUND, whatever the token says.
    message = await placet.reviews.get(placet.userPrincipal(user), claims.m);
  } catch (error) {
    if (isPlacetError(error) && error.code === 'NOT_FOUND') return { kind: 'page', page: foreignPage() };
    return unavailable();
  }
  return inspectReview(runtime, placet, { claims, user, message, method });
}

async function inspectReview(
  runtime: EmailRuntime,
  placet: Placet,
  input: { claims: ActionClaims; user: PublicUser; message: Message; method: 'get' | 'post' },
): Promise<Inspection> {
  const { claims, user, message } = input;
  const review = message.review;
  const timeZone = await runtime.timeZoneOf(user.id);
  const time = (at: string | Date) => formatTime(at, timeZone);
  const request: RequestView = {
    agent: message.agentName ?? 'The agent',
    text: message.text,
    inbox: runtime.links.inbox(message.id),
  };
  if (!review) return { kind: 'page', page: foreignPage() };
  if (review.status === 'completed') {
    const by = review.respondedBy ? (await placet.users.get(review.respondedBy))?.displayName : undefined;
    return {
      kind: 'page',
      page: answeredPage(request, {
        // A POST that changed nothing is a conflict; a GET only reports.
        status: input.method === 'post' ? 409 : 200,
        by: by ?? 'someone who no longer has an account',
        at: review.completedAt ? time(review.completedAt) : 'an unknown time',
        answer: review.response
          ? placet.plugins.summarize(review.type, review.payload, review.response)
          : 'no answer',
      }),
    };
  }
  const now = runtime.ctx.clock.now();
  if (review.status === 'expired' || (review.expiresAt && new Date(review.expiresAt) <= now)) {
    return {
      kind: 'page',
      page: reviewExpiredPage(request, { at: review.expiresAt ? time(review.expiresAt) : undefined }),
    };
  }
  if (claims.e <= now.getTime()) return { kind: 'page', page: tokenExpiredPage(request) };
  const choice = choicesFrom(placet.plugins.quickAnswers(review.type, review.payload)).find(
    (candidate) => candidate.id === claims.o,
  );
  if (!choice) return { kind: 'page', page: invalidPage() };
  if ((await runtime.ctx.kv.get(nonceKey(claims.n))) !== undefined)
    return { kind: 'page', page: usedPage(request) };
  return {
    kind: 'ready',
    claims,
    user,
    message,
    choice,
    response: choice.response,
    request,
    timeZone,
  };
}

const show = (page: Page) => htmlPage(page.html, { status: page.status });

/** POST of a ready token: claim the nonce, then answer as the recipient. */
async function answer(
  runtime: EmailRuntime,
  placet: Placet,
  ready: Extract<Inspection, { kind: 'ready' }>,
): Promise<Page> {
  const { claims, user, message, request } = ready;
  const key = nonceKey(claims.n);
  const ttlMs = Math.max(60_000, claims.e - runtime.ctx.clock.now().getTime() + 60_000);
  // Two clicks, two tabs, two processes: one of them claims the nonce; the others are refused.
  if (!(await runtime.ctx.kv.setIfAbsent(key, { at: runtime.ctx.clock.now().toISOString() }, { ttlMs })))
    return usedPage(request);
  try {
    const answer = { response: ready.response };
    await placet.reviews.respond(placet.userPrincipal(user), message.id, answer, { via: 'email' });
  } catch (error) {
    // Not answered: the link stays usable (what refused it may refuse it again, or be gone).
    await runtime.ctx.kv.delete(key).catch(() => false);
    if (isPlacetError(error) && error.code === 'REVIEW_NOT_PENDING') {
      const fresh = await placet.reviews.get(placet.userPrincipal(user), message.id).catch(() => undefined);
      if (fresh) {
        const next = await inspectReview(runtime, placet, { claims, user, message: fresh, method: 'post' });
        if (next.kind === 'page') return next.page;
      }
      return refusedPage(request, { status: 409, reason: 'The request no longer waits for an answer.' });
    }
    if (isPlacetError(error) && error.expose && error.status < 500)
      return refusedPage(request, { status: error.status, reason: error.message });
    runtime.ctx.logger.warn('email: answering from a link failed', {
      messageId: message.id,
      error: isPlacetError(error) ? error.code : error instanceof Error ? error.name : typeof error,
    });
    return unavailablePage();
  }
  runtime.ctx.logger.info('email: review answered from a link', { messageId: message.id, userId: user.id });
  return donePage(request, { answer: ready.choice.label });
}

export function actionRoutes(runtime: EmailRuntime): AnyOperation[] {
  const params = { token: 'The action token of a link in an e-mail.' };
  return [
    defineOperation({
      method: 'get',
      path: `${ACTIONS_PATH}/:token`,
      operationId: 'showAction',
      summary: 'The confirmation page of an action link (changes nothing)',
      description:
        'Opened by a link in a notification e-mail. Checks the signed token and shows the answer it would send, with a button that POSTs it. A GET never changes anything. Answered, expired, used and invalid links get a page that says so.',
      tag: 'email',
      auth: 'public',
      params,
      success: {
        kind: 'html',
        description: 'The confirmation page, or a page saying why the link cannot answer.',
      },
      errors: [],
      handler: async ({ placet, params: p }) => {
        const inspection = await inspect(runtime, placet, p.token ?? '', 'get').catch(unavailable);
        if (inspection.kind === 'page') return show(inspection.page);
        const { request, choice, user, message, timeZone } = inspection;
        const expiresAt = message.review?.expiresAt;
        return show(
          confirmPage(request, {
            action: choice.label,
            danger: choice.tone === 'danger',
            userName: user.displayName,
            expires: expiresAt ? formatTime(expiresAt, timeZone) : undefined,
          }),
        );
      },
    }),
    defineOperation({
      method: 'post',
      path: `${ACTIONS_PATH}/:token`,
      operationId: 'runAction',
      summary: 'Answers the review as the action link says (once)',
      description:
        "The confirmation page's form. Checks the token, claims it (single use), and answers the review as the recipient, exactly as the dashboard would.",
      tag: 'email',
      auth: 'public',
      params,
      success: { kind: 'html', description: 'The outcome: answered, or why not (nothing changed).' },
      errors: [],
      handler: async ({ placet, params: p }) => {
        const inspection = await inspect(runtime, placet, p.token ?? '', 'post').catch(unavailable);
        if (inspection.kind === 'page') return show(inspection.page);
        return show(await answer(runtime, placet, inspection).catch(() => unavailablePage()));
      },
    }),
  ];
}
