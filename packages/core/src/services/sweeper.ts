import { inject, injectable } from 'tsyringe';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { TOKENS } from '../tokens.js';
import { ReviewsService } from './reviews-service.js';

/** Periodic housekeeping on the injected clock: expires due reviews (each exactly once). */
@injectable()
export class Sweeper {
  #timer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(ReviewsService) private readonly reviews: ReviewsService,
  ) {}

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) this.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One sweep now (also what the timer runs). */
  async sweep(): Promise<void> {
    const expired = await this.reviews.expireDue();
    if (expired > 0) this.logger.debug('sweeper expired reviews', { expired });
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.clock.setTimer(() => {
      this.#running = this.sweep()
        .catch((error: unknown) => this.logger.error('sweep failed', { error: String(error) }))
        .finally(() => {
          this.#running = undefined;
          this.#schedule();
        });
    }, this.options.sweepIntervalMs);
  }
}
