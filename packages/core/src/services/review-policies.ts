import { inject, injectable } from 'tsyringe';
import { ASSIGNEE_ROLES, type AssigneeRole, durationMs } from '../contract/policy.js';
import type { ReviewInput } from '../contract/review.js';
import { checkProposal } from '../domain/proposal.js';
import { requiredVotes } from '../domain/quorum.js';
import type { ReviewPolicyRecord, UserRecord } from '../domain/records.js';
import { isPlacetError, PlacetError } from '../errors/placet-error.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';

interface Issue {
  path: string;
  message: string;
}

const invalid = (issues: Issue[]) =>
  new PlacetError('VALIDATION_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });

/** The role a role reference names (`role:member`, `member`), or undefined for another kind of reference. */
function roleOf(ref: string): AssigneeRole | undefined {
  const name = ref.startsWith('role:') ? ref.slice('role:'.length) : ref;
  return (ASSIGNEE_ROLES as readonly string[]).includes(name) ? (name as AssigneeRole) : undefined;
}

/**
 * Turns the policy fields of an agent's review (`assignees`, `policy`, `onTimeout`) into the stored
 * policy: assignees resolved to users (a snapshot: who may answer does not change when users, roles or
 * groups change later), the quorum checked against them, the default response checked against the review type.
 */
@injectable()
export class ReviewPolicies {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Registry) private readonly registry: PluginRegistry,
  ) {}

  /** The policy of a new review, or null when the agent set none (a plain review, as the original's). */
  async resolve(
    input: Pick<ReviewInput, 'assignees' | 'policy' | 'onTimeout' | 'escalation' | 'proposal'>,
    review: { type: string; payload: Record<string, unknown>; createdAt: Date; expiresAt: Date },
  ): Promise<ReviewPolicyRecord | null> {
    if (
      input.assignees === undefined &&
      input.policy === undefined &&
      input.onTimeout === undefined &&
      input.escalation === undefined &&
      input.proposal === undefined
    )
      return null;
    const assignees = input.assignees ?? [];
    const assigneeIds = await this.#resolveAssignees(assignees);
    const mode = input.policy?.mode ?? 'any';
    const required = input.policy?.required;
    const issues: Issue[] = [];
    if (mode !== 'any' && assigneeIds.length === 0)
      issues.push({ path: 'review.policy.mode', message: `mode "${mode}" needs review.assignees` });
    if (required !== undefined && mode !== 'quorum')
      issues.push({ path: 'review.policy.required', message: 'only allowed with mode "quorum"' });
    if (mode === 'quorum' && required === undefined)
      issues.push({ path: 'review.policy.required', message: 'required with mode "quorum"' });
    if (mode === 'quorum' && required !== undefined && required > assigneeIds.length)
      issues.push({
        path: 'review.policy.required',
        message: `${required} votes cannot come from ${assigneeIds.length} assignee(s)`,
      });
    const escalation = (input.escalation ?? []).map((step) => ({
      after: step.after,
      afterMs: durationMs(step.after),
      remind: step.remind ?? false,
      addAssignees: step.addAssignees ?? [],
    }));
    const lifetime = review.expiresAt.getTime() - review.createdAt.getTime();
    for (const [index, step] of escalation.entries()) {
      const path = `review.escalation.${index}.after`;
      if (index > 0 && step.afterMs <= escalation[index - 1]!.afterMs)
        issues.push({ path, message: 'steps must come later than the step before' });
      else if (step.afterMs >= lifetime)
        issues.push({ path, message: `${step.after} is not before the review expires` });
    }
    if (issues.length > 0) throw invalid(issues);
    // Added assignees must name someone now (they are resolved again when the step fires).
    for (const [index, step] of escalation.entries())
      await this.#resolveAssignees(step.addAssignees, `review.escalation.${index}.addAssignees`);
    return {
      assignees,
      assigneeIds,
      mode,
      required: requiredVotes(mode, assigneeIds.length, required),
      veto: input.policy?.veto ?? false,
      onTimeout: this.#onTimeout(input.onTimeout, review),
      escalation,
      proposal: input.proposal ? checkProposal(input.proposal) : null,
      edits: null,
      outcome: null,
    };
  }

  /**
   * The users an escalation step adds, resolved when it fires: references that name nobody any more
   * (a user deleted since) are left out and reported, never an error at that point.
   */
  async resolveLater(refs: readonly string[]): Promise<{ ids: string[]; unresolved: string[] }> {
    const ids: string[] = [];
    const unresolved: string[] = [];
    for (const ref of refs) {
      try {
        ids.push(...(await this.#resolveAssignees([ref], 'escalation')));
      } catch {
        unresolved.push(ref);
      }
    }
    return { ids: [...new Set(ids)], unresolved };
  }

  #onTimeout(
    onTimeout: ReviewInput['onTimeout'],
    review: { type: string; payload: Record<string, unknown> },
  ): ReviewPolicyRecord['onTimeout'] {
    if (onTimeout === undefined || onTimeout === 'expire') return 'expire';
    try {
      return { response: this.registry.parseResponse(review.type, review.payload, onTimeout.response) };
    } catch (error) {
      if (!isPlacetError(error) || error.code !== 'INVALID_REVIEW_RESPONSE') throw error;
      // The same check as a human's answer, reported where the agent wrote it.
      throw new PlacetError('INVALID_REVIEW_RESPONSE', `review.onTimeout: ${error.message}`, {
        issues: (error.issues ?? []).map((issue) => ({ ...issue, path: `review.onTimeout.${issue.path}` })),
      });
    }
  }

  /** User ids, in the order named, each once; a reference that names nobody is a 400 naming it. */
  async #resolveAssignees(refs: readonly string[], at = 'review.assignees'): Promise<string[]> {
    const ids: string[] = [];
    const issues: Issue[] = [];
    let everyone: Promise<UserRecord[]> | undefined;
    for (const [index, ref] of refs.entries()) {
      const path = `${at}.${index}`;
      const role = roleOf(ref);
      if (role) {
        everyone ??= this.store.users.list();
        // `admin` names the instance's administrators, whose role is `owner`.
        const wanted = role === 'admin' ? 'owner' : role;
        const users = (await everyone).filter((user) => user.role === wanted);
        if (users.length === 0) issues.push({ path, message: `no user has the role "${role}"` });
        ids.push(...users.map((user) => user.id));
      } else if (ref.startsWith('group:')) {
        // Group names are lower-case: `group:OnCall` names `oncall`. Its members now (a snapshot).
        const name = ref.slice('group:'.length).trim().toLowerCase();
        const group = name ? await this.store.groups.find(name) : undefined;
        const members = group ? await this.store.groups.members([group.name]) : [];
        if (!group) issues.push({ path, message: `no group named "${name}"` });
        else if (members.length === 0) issues.push({ path, message: `group "${name}" has no members` });
        ids.push(...members.map((member) => member.userId));
      } else if (ref.includes('@')) {
        const user = await this.store.users.findByEmail(ref);
        if (user) ids.push(user.id);
        else issues.push({ path, message: 'no user has this e-mail' });
      } else {
        const user = await this.store.users.findById(ref);
        if (user) ids.push(user.id);
        else issues.push({ path, message: 'no user has this id' });
      }
    }
    if (issues.length > 0) throw invalid(issues);
    return [...new Set(ids)];
  }
}
