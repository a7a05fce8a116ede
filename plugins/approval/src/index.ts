import { fileURLToPath } from 'node:url';
import { definePlugin, defineReviewType, oneLine, type QuickAnswer, type Verdict } from '@placet/core/plugin';
import {
  ApprovalOption,
  ApprovalPayload,
  ApprovalResponse,
  approvalResponseFor,
  approvalSchemas,
} from './schema.js';

export { ApprovalOption, ApprovalPayload, ApprovalResponse, approvalResponseFor, approvalSchemas };

/**
 * The browser UI module: the built `dist/ui.js` of this package, whether this file runs from `src/`
 * (tests, through the `@placet/source` condition) or from `dist/` (a build). Build the package to create it.
 */
export const APPROVAL_UI_MODULE = fileURLToPath(new URL('../dist/ui.js', import.meta.url));

/** `Chose: Deploy (comment: looks good)`. */
export function summarizeApproval(response: ApprovalResponse, payload: ApprovalPayload): string {
  const option = (payload.options ?? []).find((candidate) => candidate.id === response.selectedOption);
  const label = oneLine(option?.label ?? response.selectedOption, 80);
  const comment = response.comment?.trim() ? ` (comment: ${oneLine(response.comment, 80)})` : '';
  return `Chose: ${label}${comment}`;
}

/** One click per option (a comment, when allowed, stays optional): what notifiers offer as buttons. */
export function approvalQuickAnswers(payload: ApprovalPayload): QuickAnswer<ApprovalResponse>[] {
  return (payload.options ?? []).map((option) => ({
    id: option.id,
    label: option.label,
    response: { selectedOption: option.id },
    tone: option.style === 'primary' || option.style === 'danger' ? option.style : 'secondary',
  }));
}

/** A vote chooses its option; an option styled `danger` says no (what a policy's `veto` acts on). */
export function approvalVerdict(response: ApprovalResponse, payload: ApprovalPayload): Verdict {
  const option = (payload.options ?? []).find((candidate) => candidate.id === response.selectedOption);
  return { choice: response.selectedOption, rejects: option?.style === 'danger' };
}

export const approvalReviewType = defineReviewType({
  ...approvalSchemas,
  quickAnswers: approvalQuickAnswers,
  verdict: approvalVerdict,
  displayName: 'Approval',
  description: 'Ask a human to pick one of a few buttons (approve, reject, …), optionally with a comment.',
  summarize: summarizeApproval,
  ui: { element: 'placet-approval', module: APPROVAL_UI_MODULE },
});

/** The built-in `approval` review type as a plugin. */
export const approval = () =>
  definePlugin({
    name: 'approval',
    version: '0.1.0',
    displayName: 'Approval',
    description: 'Built-in review type: choose one of the offered options, with an optional comment.',
    reviewTypes: [approvalReviewType],
  });
