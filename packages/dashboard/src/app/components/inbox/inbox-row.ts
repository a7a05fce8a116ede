import { html, nothing } from 'lit';
import { relativeTime } from '../../format.js';
import { plainPreview } from '../../markdown.js';
import { inboxGroup } from '../../policy/inbox-groups.js';
import { hasAssignees } from '../../policy/policy-format.js';
import { session } from '../../session.js';
import type { Message } from '../../types.js';
import { avatar } from '../avatar.js';
import { assigneeChips } from '../policy/assignee-chips.js';

/**
 * One row of the inbox: the agent, when, the text, the review's type and state, and — for a review that
 * names assignees — who may answer it ("you" first, a tick for those who voted).
 */
export function inboxRow(
  m: Message,
  row: { agentName: string; unread: boolean; current: boolean; open: () => void },
) {
  const review = m.review!;
  const me = session.user?.id;
  return html`<button
    type="button"
    class="row ${row.unread ? 'unread' : ''} ${review.status}"
    data-id=${m.id}
    data-read=${String(!row.unread)}
    data-group=${inboxGroup(m, me)}
    aria-current=${row.current ? 'true' : 'false'}
    @click=${row.open}
  >
    <span class="who">${avatar(row.agentName, undefined, 'sm')}${row.unread ? html`<span class="dot" aria-label="unread"></span>` : nothing}${row.agentName}</span>
    <span class="when">${relativeTime(m.createdAt)}</span>
    <span class="what">${plainPreview(m.text, 90) || '(no text)'}</span>
    <span class="tags"><span class="type">${review.type}</span>${
      review.status !== 'pending'
        ? html`<span class="state status-chip ${review.status}">${review.status === 'completed' ? 'Done' : 'Expired'}</span>`
        : nothing
    }${hasAssignees(review) ? assigneeChips(review.policy!, me, { votes: review.votes ?? [], max: 4, inline: true }) : nothing}</span>
  </button>`;
}
