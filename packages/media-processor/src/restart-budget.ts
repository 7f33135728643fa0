/**
 * How many restarts a job may still make: at most `max` within any sliding `windowMs`.
 * Pure (the clock is passed in), so the policy is tested without waiting.
 *
 * A job handed over from a worker that crashed starts from the restarts that worker spent
 * (`previous`, epoch ms), and `spent()` tells what to hand on again.
 */
export class RestartBudget {
  private readonly taken: number[];

  constructor(
    readonly max: number,
    readonly windowMs: number,
    previous: readonly number[] = [],
  ) {
    this.taken = previous.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  }

  /** Records a restart at `now` if the budget allows one; false when it is spent. */
  take(now: number): boolean {
    this.forget(now);
    if (this.taken.length >= this.max) return false;
    this.taken.push(now);
    return true;
  }

  /** Restarts counted in the window ending at `now`. */
  used(now: number): number {
    this.forget(now);
    return this.taken.length;
  }

  /** The restarts (epoch ms, oldest first) counted in the window ending at `now`. */
  spent(now: number): number[] {
    this.forget(now);
    return [...this.taken];
  }

  private forget(now: number): void {
    while (this.taken.length && now - this.taken[0]! >= this.windowMs) this.taken.shift();
  }
}
