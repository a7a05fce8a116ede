import type { Message, Review } from '@placet/core/contract';
import type { QuickAnswer } from '@placet/core/plugin';
import type { Links } from './links.js';
import { escapeMrkdwn, markdownToMrkdwn, mrkdwnLink, truncateMrkdwn } from './mrkdwn.js';

/** A Block Kit block, as JSON (the plugin builds them; Slack validates them). */
export type Block = Record<string, unknown>;

/** The `action_id`s of the plugin's controls; the interactivity route acts on these only. */
export const ACTION = {
  /** A button that answers: its value is `{ m: messageId, a: quickAnswerId }`. */
  answer: 'placet:answer',
  /** A select menu of the quick answers: each option's value as a button's. */
  choose: 'placet:choose',
  /** Opens the review's modal: its value is the message id. */
  open: 'placet:open',
  /** A link to the dashboard (Slack still reports the click; nothing to do). */
  link: 'placet:link',
} as const;

/** Slack's limits: section text 3000 characters, a button's text 75, a value 2000, 5 buttons look fine. */
const SECTION_MAX = 3000;
const BUTTON_TEXT_MAX = 75;
const MAX_BUTTONS = 5;
const MAX_SELECT_OPTIONS = 100;

const plain = (text: string, max = BUTTON_TEXT_MAX) => ({
  type: 'plain_text',
  text: text.length > max ? `${text.slice(0, max - 1)}…` : text,
  emoji: true,
});

/** The value of a control that answers `messageId` with quick answer `answerId`. */
export const answerValue = (messageId: string, answerId: string) =>
  JSON.stringify({ m: messageId, a: answerId });

/** What a review looks like now: waiting (with its controls), answered or expired. */
export interface ReviewView {
  message: Message;
  agentName: string;
  quickAnswers: readonly QuickAnswer[];
  /** Whether the review opens a modal (`modalFor` made one). */
  modal: boolean;
  /** The answer in one line, once answered. */
  summary: string | null;
  /** Who answered, once answered. */
  respondedBy?: string | undefined;
  links: Links;
}

/** A time as Slack shows it in the reader's time zone (the ISO time where Slack cannot). */
const slackDate = (iso: string) =>
  `<!date^${Math.floor(new Date(iso).getTime() / 1000)}^{date_short_pretty} at {time}|${escapeMrkdwn(iso)}>`;

/**
 * How a pending review with an approval policy stands: who may answer (its assignees, escalations
 * included), the votes so far against those needed, and the escalation steps fired and the next one.
 */
function policyLines(review: Review): string[] {
  const policy = review.policy;
  if (!policy) return [];
  const names = new Map(policy.people.map((person) => [person.id, person.displayName]));
  const nameOf = (id: string) => escapeMrkdwn(names.get(id) ?? 'a former user');
  const lines: string[] = [];
  if (policy.assigneeIds.length > 0) lines.push(`For: ${policy.assigneeIds.map(nameOf).join(', ')}`);
  const votes = review.votes ?? [];
  if (votes.length > 0 || policy.mode !== 'any') {
    const tally = votes.map((vote) => `${nameOf(vote.userId)} → ${escapeMrkdwn(vote.choice)}`).join(', ');
    lines.push(
      `Votes: ${votes.length} so far, ${policy.required} for one choice decide${policy.veto ? ' (one “no” vetoes)' : ''}${tally ? `: ${tally}` : ''}`,
    );
  }
  const steps = policy.escalation.length;
  if (policy.escalated > 0) lines.push(`Escalated: step ${policy.escalated} of ${steps}`);
  if (policy.nextEscalationAt) lines.push(`Next escalation ${slackDate(policy.nextEscalationAt)}`);
  return lines;
}

/** A one-line fallback `text` (notifications, screen readers): escaped like the blocks. */
export function fallbackText(view: Pick<ReviewView, 'message' | 'agentName'>): string {
  const first = (view.message.text ?? '').split('\n').find((line) => line.trim()) ?? 'a review';
  return escapeMrkdwn(`${view.agentName} asks: ${first.length > 150 ? `${first.slice(0, 149)}…` : first}`);
}

/** The blocks of a review's message: agent, text (mrkdwn), attachments as links, the controls or the outcome. */
export function reviewBlocks(view: ReviewView): Block[] {
  const { message, links } = view;
  const review = message.review;
  const blocks: Block[] = [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `*${escapeMrkdwn(view.agentName)}* asks for a ${escapeMrkdwn(review?.type ?? 'review')}`,
        },
      ],
    },
  ];
  const text = (message.text ?? '').trim();
  if (text)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncateMrkdwn(markdownToMrkdwn(text), SECTION_MAX) },
    });
  if (message.attachments.length > 0) {
    const files = message.attachments.map((file) => `📎 ${mrkdwnLink(links.file(file.id), file.filename)}`);
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncateMrkdwn(files.join('   '), SECTION_MAX) }],
    });
  }
  const dashboard = {
    type: 'button',
    action_id: ACTION.link,
    text: plain('Open in Placet'),
    url: links.inbox(message.id),
  };
  if (review?.status === 'pending') {
    const elements: Block[] = [];
    const answers = view.quickAnswers;
    if (answers.length > 0 && answers.length <= MAX_BUTTONS) {
      answers.forEach((answer, index) => {
        elements.push({
          type: 'button',
          action_id: `${ACTION.answer}:${index}`,
          text: plain(answer.label),
          value: answerValue(message.id, answer.id),
          ...(answer.tone === 'primary' || answer.tone === 'danger' ? { style: answer.tone } : {}),
        });
      });
    } else if (answers.length > MAX_BUTTONS) {
      elements.push({
        type: 'static_select',
        action_id: ACTION.choose,
        placeholder: plain('Choose…'),
        options: answers.slice(0, MAX_SELECT_OPTIONS).map((answer) => ({
          text: plain(answer.label),
          value: answerValue(message.id, answer.id),
        })),
      });
    }
    if (view.modal) {
      elements.push({
        type: 'button',
        action_id: ACTION.open,
        text: plain('Answer…'),
        style: 'primary',
        value: message.id,
      });
    }
    elements.push(dashboard);
    blocks.push({ type: 'actions', block_id: `placet:${message.id}`, elements });
    const status = [
      ...policyLines(review),
      ...(review.expiresAt ? [`Expires ${slackDate(review.expiresAt)}`] : []),
    ];
    if (status.length > 0)
      blocks.push({
        type: 'context',
        elements: status.map((text) => ({ type: 'mrkdwn', text: truncateMrkdwn(text, SECTION_MAX) })),
      });
    return blocks;
  }
  const summary = view.summary ? `: ${escapeMrkdwn(view.summary)}` : '';
  const outcome =
    review?.status === 'completed'
      ? review.policy?.outcome === 'default'
        ? `⌛ *No decision in time*: the default applied${summary}`
        : `✅ *Answered*${view.respondedBy ? ` by ${escapeMrkdwn(view.respondedBy)}` : ''}${summary}`
      : review?.status === 'expired'
        ? '⌛ *Expired* without an answer'
        : '*No longer waiting*';
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(outcome, SECTION_MAX) } });
  blocks.push({ type: 'actions', block_id: `placet:${message.id}`, elements: [dashboard] });
  return blocks;
}

/**
 * The thread reply of an answered review: the receipt is signed, where a human sees it (the review's page
 * in the dashboard) and how anyone verifies it (the server's public keys, a JWKS).
 */
export function receiptReplyText(input: { messageId: string; kid: string; links: Links }): string {
  const { links } = input;
  return [
    `🧾 Placet signed a receipt of this answer (Ed25519, key \`${escapeMrkdwn(input.kid)}\`): ${mrkdwnLink(links.inbox(input.messageId), 'see it on the review’s page')}.`,
    `Verify it with the server’s public keys, ${mrkdwnLink(links.jwks(), links.jwks())} (\`verifyReceipt()\` of \`@placet/core/receipts\`, or any JOSE library).`,
  ].join('\n');
}
