import { inject, injectable } from 'tsyringe';
import type { ReviewRecord } from '../domain/records.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { AuditService } from './audit-service.js';
import { DeliveriesService } from './deliveries-service.js';
import { MessageViews } from './message-views.js';
import { Notifications } from './notifications.js';
import { ReviewPolicies } from './review-policies.js';
import { UnitOfWork } from './unit-of-work.js';

/**
 * The escalation ladders of pending reviews (`review.escalation`), run by the sweeper: each step fires
 * once, when it is due, in whichever process gets there first (a compare-and-set on the review's step
 * counter). A step reminds the assignees and/or adds assignees; steps a late sweep finds due together
 * fire together.
 */
@injectable()
export class Escalations {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(ReviewPolicies) private readonly policies: ReviewPolicies,
    @inject(Notifications) private readonly notifications: Notifications,
    @inject(MessageViews) private readonly views: MessageViews,
    @inject(AuditService) private readonly audit: AuditService,
    @inject(DeliveriesService) private readonly deliveries: DeliveriesService,
  ) {}

  /** Fires every due step; returns how many reviews escalated. */
  async run(batch = 100): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.store.reviews.listEscalationDue(this.clock.now(), batch);
      let fired = 0;
      for (const review of due) if (await this.#fire(review)) fired++;
      total += fired;
      // The new assignees' notifications and the reminders are due now: the dispatcher wakes on
      // message:created and answers, not on message:updated (as the reminders' pass kicks it too).
      if (fired > 0) void this.deliveries.kick();
      if (due.length < batch || fired === 0) return total;
    }
  }

  /** When the sweeper should look next for a step (undefined: none pending). */
  next(): Promise<Date | undefined> {
    return this.store.reviews.nextEscalation();
  }

  async #fire(review: ReviewRecord): Promise<boolean> {
    const policy = review.policy;
    if (!policy) return false;
    const now = this.clock.now();
    const created = review.createdAt.getTime();
    const from = review.escalationStep;
    let to = from;
    while (to < policy.escalation.length && created + policy.escalation[to]!.afterMs <= now.getTime()) to++;
    if (to === from) return false;
    const steps = policy.escalation.slice(from, to);
    const { ids, unresolved } = await this.policies.resolveLater(steps.flatMap((s) => s.addAssignees));
    const added = ids.filter((id) => !policy.assigneeIds.includes(id));
    const following = policy.escalation[to];
    return this.uow.run(async (tx, emit) => {
      const escalated = await tx.reviews.escalate(review.messageId, {
        fromStep: from,
        toStep: to,
        nextEscalationAt: following ? new Date(created + following.afterMs) : null,
        policy: { ...policy, assigneeIds: [...policy.assigneeIds, ...added] },
      });
      // Another process fired these steps, or the review was decided meanwhile.
      if (!escalated) return false;
      if (added.length > 0)
        await tx.reviewAssignees.insert(
          added.map((userId) => ({
            messageId: review.messageId,
            userId,
            ownerId: review.ownerId,
            createdAt: review.createdAt,
          })),
        );
      const remind = steps.some((s) => s.remind);
      await this.notifications.planEscalation(tx, escalated, now, { index: to, remind });
      await this.audit.record(tx, [
        {
          ownerId: review.ownerId,
          messageId: review.messageId,
          type: 'review.escalated',
          actor: { kind: 'system', id: null },
          via: 'sweeper',
          at: now,
          data: {
            steps: steps.map((s, i) => ({ step: from + i + 1, after: s.after })),
            remind,
            addedAssigneeIds: added,
            ...(unresolved.length > 0 ? { unresolved } : {}),
          },
        },
      ]);
      // Dashboards and watching agents see the new assignees and the next step.
      const message = await tx.messages.findById(review.messageId);
      if (message) {
        const channel = await tx.channels.findById(review.channelId);
        await emit({
          type: 'message:updated',
          ownerId: review.ownerId,
          channelId: review.channelId,
          subjectId: review.messageId,
          payload: await this.views.presentOne(message, {
            ...(channel ? { agentName: channel.name } : {}),
            repos: tx,
          }),
        });
      }
      return true;
    });
  }
}
