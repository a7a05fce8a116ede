import type { Notification, NotifiedReview, ReviewNotification } from '@placet/core/plugin';
import { choicesFrom } from './choices.js';
import { button, escapeHtml, firstLine, mailDocument, renderMarkdown } from './html.js';
import type { Links } from './links.js';

/** What composing a mail needs besides the notification. */
export interface MailEnv {
  readonly links: Links;
  /** A signed, single-use action token of the recipient for one choice of a review. */
  token(messageId: string, optionId: string, recipientId: string): string;
  /** A moment as the recipient reads it (their time zone). */
  time(at: Date | string): string;
  /** The display name of a user (who answered), if they still exist. */
  userName(userId: string): Promise<string | undefined>;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

/** Part of a mail, in both forms. */
interface Part {
  html: string;
  text: string;
}

const join = (parts: readonly Part[], htmlGlue = '\n', textGlue = '\n\n'): Part => ({
  html: parts.map((p) => p.html).join(htmlGlue),
  text: parts.map((p) => p.text).join(textGlue),
});

const DIGEST_TEXT_MAX = 1_500;

/** The message text (markdown) as sent: rendered safely in HTML, as written in plain text. */
function messageText(text: string | null, max?: number): Part {
  const raw = (text ?? '').trim();
  if (!raw) return { html: '<p style="color:#656d76">(no text)</p>', text: '(no text)' };
  const clipped = max !== undefined && raw.length > max ? `${raw.slice(0, max - 1)}…` : raw;
  return {
    html: `<div style="border-left:3px solid #d8dee4;padding:2px 14px;margin:12px 0">${renderMarkdown(clipped)}</div>`,
    text: clipped
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n'),
  };
}

/** The ways to answer a review still waiting: a link per choice where a link can answer, the dashboard always. */
function answerLinks(review: NotifiedReview, recipientId: string, env: MailEnv): Part {
  const { message } = review;
  const inbox = env.links.inbox(message.id);
  const choices = choicesFrom(review.quickAnswers);
  const parts: Part[] = [];
  if (choices.length > 0) {
    const links = choices.map((choice) => ({
      choice,
      href: env.links.action(env.token(message.id, choice.id, recipientId)),
    }));
    parts.push({
      html: `<p style="margin:16px 0 8px">${links.map(({ choice, href }) => button(href, choice.label, choice.tone)).join('')}</p>`,
      text: links.map(({ choice, href }) => `${choice.label}:\n${href}`).join('\n\n'),
    });
    const more = 'Add a comment or see the details in Placet';
    parts.push({
      html: `<p style="margin:8px 0;font-size:14px">${escapeHtml(more)}: <a href="${escapeHtml(inbox)}">open the request</a>.</p>`,
      text: `${more}:\n${inbox}`,
    });
  } else {
    const type = message.review?.type ?? 'review';
    parts.push({
      html: `<p style="margin:16px 0 8px">${button(inbox, 'Answer in Placet')}</p>`,
      text: `Answer in Placet (${type}):\n${inbox}`,
    });
  }
  const expiresAt = message.review?.expiresAt;
  if (expiresAt) {
    const line = `Expires ${env.time(expiresAt)}.`;
    parts.push({
      html: `<p style="color:#656d76;font-size:13px;margin:8px 0 0">${escapeHtml(line)}</p>`,
      text: line,
    });
  }
  return join(parts);
}

const HEADLINES: Record<ReviewNotification['kind'], (agent: string) => string> = {
  'review.created': (agent) => `${agent} asks for your answer`,
  'review.reminder': (agent) => `${agent} is still waiting for your answer`,
  'review.responded': (agent) => `The request of ${agent} was answered`,
  'review.expired': (agent) => `The request of ${agent} expired`,
};

const SUBJECT_PREFIX: Record<ReviewNotification['kind'], string> = {
  'review.created': '',
  'review.reminder': 'Still waiting: ',
  'review.responded': 'Answered: ',
  'review.expired': 'Expired: ',
};

/** What became of a review that no longer waits: who answered what and when, or when it expired. */
async function outcome(notification: ReviewNotification, env: MailEnv): Promise<Part> {
  const review = notification.message.review;
  const inbox = env.links.inbox(notification.message.id);
  let line: string;
  if (notification.kind === 'review.responded' && review) {
    const who = review.respondedBy ? await env.userName(review.respondedBy) : undefined;
    const when = review.completedAt ? ` at ${env.time(review.completedAt)}` : '';
    line = `Answered by ${who ?? 'someone who no longer has an account'}${when}: ${notification.summary ?? 'no answer'}.`;
  } else {
    const when = review?.expiresAt ? ` at ${env.time(review.expiresAt)}` : '';
    line = `It expired${when} without an answer.`;
  }
  return {
    html: `<p style="margin:16px 0 8px"><strong>${escapeHtml(line)}</strong></p><p style="margin:8px 0;font-size:14px"><a href="${escapeHtml(inbox)}">Open it in Placet</a></p>`,
    text: `${line}\n\nOpen it in Placet:\n${inbox}`,
  };
}

function footer(env: MailEnv, why: string): Part {
  const settings = env.links.settings();
  return {
    html: `${escapeHtml(why)} <a href="${escapeHtml(settings)}" style="color:#656d76">Change what Placet e-mails you</a>.`,
    text: `--\n${why} Change what Placet e-mails you:\n${settings}`,
  };
}

/** The subject, plain text and HTML of a notification's mail. */
export async function composeMail(notification: Notification, env: MailEnv): Promise<ComposedMail> {
  if (notification.kind === 'digest') return composeDigest(notification, env);
  const agent = notification.channel.name;
  const { message } = notification;
  const headline = HEADLINES[notification.kind](agent);
  const topic = firstLine(message.text) || `a ${message.review?.type ?? 'review'} request`;
  const subject = `${SUBJECT_PREFIX[notification.kind]}[${firstLine(agent, 60)}] ${topic}`;
  const waiting = notification.kind === 'review.created' || notification.kind === 'review.reminder';
  const body = join([
    {
      html: `<h1 style="font-size:18px;margin:0 0 4px">${escapeHtml(headline)}</h1>`,
      text: `${headline}:`,
    },
    messageText(message.text),
    waiting ? answerLinks(notification, notification.recipient.id, env) : await outcome(notification, env),
  ]);
  const end = footer(env, `You get this e-mail because you own the agent ${agent} in Placet.`);
  return {
    subject,
    html: mailDocument(subject, body.html, end.html),
    text: `${body.text}\n\n${end.text}\n`,
  };
}

async function composeDigest(
  notification: Extract<Notification, { kind: 'digest' }>,
  env: MailEnv,
): Promise<ComposedMail> {
  const count = notification.reviews.length;
  const subject =
    count === 1 ? '1 request is waiting for your answer' : `${count} requests are waiting for your answer`;
  const items = notification.reviews.map((review, index) => {
    const heading = `${index + 1}. ${review.channel.name}`;
    const links = answerLinks(review, notification.recipient.id, env);
    const text = messageText(review.message.text, DIGEST_TEXT_MAX);
    return {
      html: `<div style="border-top:1px solid #d8dee4;padding:16px 0 8px"><h2 style="font-size:16px;margin:0">${escapeHtml(heading)}</h2>${text.html}${links.html}</div>`,
      text: `${heading}\n${text.text}\n\n${links.text}`,
    };
  });
  const period = `from ${env.time(notification.since)} to ${env.time(notification.until)}`;
  const intro = `New requests ${period} that still wait for you:`;
  const body = join([
    { html: `<h1 style="font-size:18px;margin:0 0 4px">${escapeHtml(subject)}</h1>`, text: `${subject}.` },
    { html: `<p style="color:#656d76;margin:0 0 8px">${escapeHtml(intro)}</p>`, text: intro },
    join(items, '\n', '\n\n'),
  ]);
  const end = footer(env, 'You get this digest because you chose to have new requests gathered.');
  return {
    subject,
    html: mailDocument(subject, body.html, end.html),
    text: `${body.text}\n\n${end.text}\n`,
  };
}
