import { inject, injectable } from 'tsyringe';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { AgentStatusService } from './agent-status-service.js';
import { AttachmentsService } from './attachments-service.js';
import { Availability } from './availability.js';
import { Escalations } from './escalations.js';
import { EventHub, OUTBOX_FLOOR } from './event-hub.js';
import { Reminders } from './reminders.js';
import { ReviewsService } from './reviews-service.js';
import { SessionsService } from './sessions-service.js';
import { STALE_STREAM_AT_START_MS, StreamsService } from './streams-service.js';

/** What the sweeper did since the instance started (for metrics). */
export interface SweeperStats {
  /** Sweeps run (on the timer or by `sweep()`). */
  runs: number;
  /** Sweeps in which at least one job failed (an unreachable store counts). */
  failedRuns: number;
  lastRunAt: Date | null;
}

/** How often outbox retention and the expired-session sweep run (a sweep in between skips them). */
export const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;
/** Rows one housekeeping batch deletes, and how many batches one run may take (300k events an hour). */
const HOUSEKEEPING_BATCH = 1000;
const HOUSEKEEPING_MAX_BATCHES = 50;

/** Runs `batch` again while it deleted a full batch, at most `HOUSEKEEPING_MAX_BATCHES` times; the total. */
async function repeatWhileFull(batch: () => Promise<number>, size: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < HOUSEKEEPING_MAX_BATCHES; i++) {
    const deleted = await batch();
    total += deleted;
    if (deleted < size) break;
  }
  return total;
}

/**
 * Periodic housekeeping on the injected clock: expires due reviews, aborts stale stream drafts, turns
 * silent agents offline and deletes old orphan files — each change exactly once, with its event. It runs
 * every `sweepIntervalMs`, and sooner when a review falls due before then (`reviews.nextExpiry()` after
 * each sweep, and the expiry of each new review as it is created), so reviews expire on time; so do the
 * steps of escalation ladders (`Escalations`).
 */
@injectable()
export class Sweeper {
  #timer: TimerHandle | undefined;
  /** When the armed timer fires (ms since the epoch). */
  #dueAt = Number.POSITIVE_INFINITY;
  /** When the next full sweep is due; expiry-only runs may come before it. */
  #nextFullAt = 0;
  /** The earliest arm asked for while a run was under way. */
  #deferred = Number.POSITIVE_INFINITY;
  #offEvents: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #lastHousekeeping = 0;
  #stats: SweeperStats = { runs: 0, failedRuns: 0, lastRunAt: null };

  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(ReviewsService) private readonly reviews: ReviewsService,
    @inject(StreamsService) private readonly streams: StreamsService,
    @inject(AgentStatusService) private readonly status: AgentStatusService,
    @inject(AttachmentsService) private readonly attachments: AttachmentsService,
    @inject(SessionsService) private readonly sessions: SessionsService,
    @inject(Availability) private readonly availability: Availability,
    @inject(EventHub) private readonly hub: EventHub,
    @inject(Reminders) private readonly reminders: Reminders,
    @inject(Escalations) private readonly escalations: Escalations,
  ) {}

  stats(): SweeperStats {
    return { ...this.#stats };
  }

  /** Aborts drafts left behind by a previous process (idle more than 60 s), then sweeps periodically. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#lastHousekeeping = this.clock.now().getTime();
    // With one process, drafts idle at start belong to the previous process and are aborted at once;
    // with several processes sharing the store they may be another live process's: the normal rule.
    if (!this.store.capabilities.multiProcess) {
      const aborted = await this.streams.abortStale(STALE_STREAM_AT_START_MS);
      if (aborted > 0) this.logger.info('aborted stale stream drafts at start', { aborted });
    }
    // A new review due before the next sweep brings that sweep forward (in every process: events are
    // dispatched everywhere).
    this.#offEvents = this.hub.onEvent((event) => {
      if (event.type !== 'message:created') return;
      const review = (
        event.payload as {
          review?: { expiresAt?: unknown; policy?: { nextEscalationAt?: unknown } };
        } | null
      )?.review;
      if (typeof review?.expiresAt === 'string') this.#arm(Date.parse(review.expiresAt));
      // So does its first escalation step.
      const step = review?.policy?.nextEscalationAt;
      if (typeof step === 'string') this.#arm(Date.parse(step));
    });
    await this.#scheduleNext();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#offEvents?.();
    if (this.#timer) this.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#dueAt = Number.POSITIVE_INFINITY;
    this.#deferred = Number.POSITIVE_INFINITY;
    await this.#running;
  }

  /** One sweep now (also what the timer runs): each job runs even when another fails. */
  async sweep(options: { housekeeping?: 'always' | 'when-due' } = {}): Promise<void> {
    const jobs: Record<string, () => Promise<number>> = {
      escalatedReviews: () => this.escalations.run(),
      expiredReviews: () => this.reviews.expireDue(),
      abortedStreams: () => this.streams.abortStale(),
      offlineAgents: () => this.status.markSilentOffline(),
      deletedOrphans: () => this.attachments.sweepOrphans(),
      plannedReminders: () => this.reminders.run(),
    };
    // Retention and expired sessions are not urgent: at most once per HOUSEKEEPING_INTERVAL_MS.
    const now = this.clock.now().getTime();
    if (options.housekeeping !== 'when-due' || now - this.#lastHousekeeping >= HOUSEKEEPING_INTERVAL_MS) {
      this.#lastHousekeeping = now;
      // Batch after batch while there is a backlog (bounded): a busy outbox must not outgrow retention.
      jobs.expiredSessions = () =>
        repeatWhileFull(() => this.sessions.sweep(HOUSEKEEPING_BATCH), HOUSEKEEPING_BATCH);
      jobs.prunedEvents = async () => {
        let batches = 0;
        while (batches < HOUSEKEEPING_MAX_BATCHES && (await this.pruneOutbox(HOUSEKEEPING_BATCH)) > 0)
          batches++;
        return batches;
      };
    }
    let failed = false;
    for (const [name, job] of Object.entries(jobs)) {
      try {
        const count = await job();
        if (count > 0) this.logger.debug('sweep', { [name]: count });
      } catch (error) {
        failed = true;
        // The store is away (logged once by the availability tracker): the other jobs would fail too.
        if (this.availability.reportFailure(error)) break;
        this.logger.error(`sweep job ${name} failed`, { error: String(error) });
      }
    }
    this.#stats.runs++;
    if (failed) this.#stats.failedRuns++;
    this.#stats.lastRunAt = this.clock.now();
  }

  /**
   * Outbox retention: deletes events older than `eventRetentionMs` (a batch per sweep) and raises the
   * floor in the same transaction, so a resume from before it is always answered with a resync, never
   * with a silent partial replay.
   */
  async pruneOutbox(batch = 1000): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.options.eventRetentionMs);
    return this.store.transaction(async (tx) => {
      const highest = await tx.events.pruneBefore(before, batch);
      if (highest === 0) return 0;
      const floor = await tx.kv.get(OUTBOX_FLOOR.namespace, OUTBOX_FLOOR.key, this.clock.now());
      const current = typeof floor?.value === 'number' ? floor.value : 0;
      if (highest > current) await tx.kv.set({ ...OUTBOX_FLOOR, value: highest, expiresAt: null });
      return highest;
    });
  }

  /**
   * Arms the next run: the full sweep every `sweepIntervalMs`, and in between an expiry-only run when a
   * pending review falls due sooner. After a run that failed, nothing before the next full sweep (a due
   * review that cannot be expired must not make a tight loop).
   */
  async #scheduleNext(failed = false): Promise<void> {
    const now = this.clock.now().getTime();
    if (this.#nextFullAt <= now) this.#nextFullAt = now + this.options.sweepIntervalMs;
    let at = this.#nextFullAt;
    if (!failed) {
      const [nextExpiry, nextStep] = await Promise.all([
        this.store.reviews.nextExpiry().catch(() => undefined),
        this.escalations.next().catch(() => undefined),
      ]);
      if (nextExpiry) at = Math.min(at, nextExpiry.getTime());
      if (nextStep) at = Math.min(at, nextStep.getTime());
      // Reviews created while the run was under way (their arm was deferred).
      at = Math.min(at, this.#deferred);
    }
    this.#deferred = Number.POSITIVE_INFINITY;
    this.#dueAt = Number.POSITIVE_INFINITY;
    this.#arm(at);
  }

  /** Arms the timer for `at`, unless it is already due no later; during a run, remembers it for after. */
  #arm(at: number): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#deferred = Math.min(this.#deferred, at);
      return;
    }
    if (at >= this.#dueAt) return;
    if (this.#timer) this.clock.clearTimer(this.#timer);
    this.#dueAt = at;
    this.#timer = this.clock.setTimer(
      () => {
        this.#timer = undefined;
        this.#dueAt = Number.POSITIVE_INFINITY;
        const full = this.clock.now().getTime() >= this.#nextFullAt;
        if (full) this.#nextFullAt = this.clock.now().getTime() + this.options.sweepIntervalMs;
        const failedBefore = this.#stats.failedRuns;
        // Between full sweeps, a run for a review falling due expires reviews only.
        const run = full ? this.sweep({ housekeeping: 'when-due' }) : this.#expireOnly();
        this.#running = run
          .then(
            () => this.#stats.failedRuns > failedBefore,
            (error: unknown) => {
              this.logger.error('sweep failed', { error: String(error) });
              return true;
            },
          )
          .then((failed) => {
            this.#running = undefined;
            return this.#scheduleNext(failed);
          });
      },
      Math.max(0, at - this.clock.now().getTime()),
    );
  }

  /** A run between full sweeps, for what falls due on time: escalation steps, then expiries. */
  async #expireOnly(): Promise<void> {
    const jobs: Record<string, () => Promise<number>> = {
      escalatedReviews: () => this.escalations.run(),
      expiredReviews: () => this.reviews.expireDue(),
    };
    for (const [name, job] of Object.entries(jobs)) {
      try {
        const count = await job();
        if (count > 0) this.logger.debug('sweep', { [name]: count });
      } catch (error) {
        this.#stats.failedRuns++;
        if (this.availability.reportFailure(error)) return;
        this.logger.error(`sweep job ${name} failed`, { error: String(error) });
      }
    }
  }
}
