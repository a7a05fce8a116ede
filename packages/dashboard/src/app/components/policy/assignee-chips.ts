import { html, nothing } from 'lit';
import { type Policy, personName, type Vote } from '../../policy/policy-format.js';

/**
 * The chips of who may answer a review: "you" first, then the others by display name (from
 * `policy.people`), each marked once it voted. `max` shows that many and "+N" for the rest. A list, or
 * (`inline`, inside a button such as an inbox row) spans with a hidden "Assignees:" before them.
 */
export function assigneeChips(
  policy: Policy,
  me: string | undefined,
  options: { votes?: readonly Vote[]; max?: number; inline?: boolean } = {},
) {
  const voted = new Set((options.votes ?? []).map((v) => v.userId));
  const ids = [...policy.assigneeIds].sort((a, b) => Number(b === me) - Number(a === me));
  const shown = options.max !== undefined ? ids.slice(0, options.max) : ids;
  const more = ids.length - shown.length;
  const chip = (id: string) =>
    html`${personName(policy, id, me)}${voted.has(id) ? html`<span class="sr-only"> (voted)</span>` : nothing}`;
  const cls = (id: string) => `chip ${id === me ? 'me' : ''} ${voted.has(id) ? 'voted' : ''}`;
  if (options.inline)
    return html`<span class="chips" data-assignees><span class="sr-only">Assignees:</span>
      ${shown.map((id) => html`<span class=${cls(id)} data-assignee=${id}>${chip(id)}</span>`)}
      ${more > 0 ? html`<span class="chip" data-more>+${more}</span>` : nothing}</span>`;
  return html`<ul class="chips" data-assignees aria-label="Who may answer">
    ${shown.map((id) => html`<li class=${cls(id)} data-assignee=${id}>${chip(id)}</li>`)}
    ${more > 0 ? html`<li class="chip" data-more>+${more}</li>` : nothing}
  </ul>`;
}
