/**
 * How many restarts a job may still make: at most `max` within any sliding `windowMs`.
 * Pure (the clock is passed in), so the policy is tested without waiting.
 */
export class RestartBudget {
  private readonly taken: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

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

  private forget(now: number): void {
    while (this.taken.length && now - this.taken[0]! >= this.windowMs) this.taken.shift();
  }
}
