import { TypedEmitter } from '@onair/protocol';
import type { Logger } from 'pino';
import { attemptDelivery, type AttemptOutcome } from './attempt.js';
import { fullJitterDelayMs } from './backoff.js';
import type { RefusalReason } from './destination-policy.js';
import { resolveSenderOptions, type ResolvedOptions, type StatusCallbackSenderOptions } from './sender-options.js';
import { describeError, eventOf, safeLogUrl, signedRequest, type SignedRequest, type StatusCallback } from './signed-request.js';

export { DEFAULTS, type StatusCallbackSenderOptions } from './sender-options.js';
export type { StatusCallback } from './signed-request.js';

export interface StatusCallbackStats {
  /** Callbacks delivered (2xx/3xx). */
  sent: number;
  /** Callbacks that were attempted and given up on (non-retryable status, attempts exhausted, abandoned by close()). */
  failed: number;
  /** Retry attempts made (attempts beyond the first). */
  retried: number;
  /** Callbacks queued, in flight, or waiting for a retry. */
  pending: number;
  /** Callbacks dropped without delivery: invalid URL/method, send() after close(), or the oldest of a full queue. */
  dropped: number;
  /** Callbacks whose destination the policy refused (never connected to, never retried). */
  refused: number;
}

/** Why a callback was dropped (the `reason` label of `onair_callbacks_dropped_total`). */
export type DropReason = 'invalid' | 'closed' | 'queue-full';

export type StatusCallbackSenderEvents = {
  /** A callback's destination resolved only to refused addresses; it was not sent. */
  refused: (reason: RefusalReason) => void;
  /** A callback was dropped without delivery. */
  dropped: (reason: DropReason) => void;
};

interface Job {
  readonly request: SignedRequest;
  /** attempts started so far */
  attempts: number;
  state: 'queued' | 'active' | 'waiting';
  /** aborts the attempt in flight when the job is dropped or abandoned */
  readonly cancel: AbortController;
  /** the backoff timer while waiting for a retry */
  timer?: NodeJS.Timeout;
}

/**
 * Fire-and-forget delivery of Twilio-style status callbacks, signed with
 * `X-Twilio-Signature`, retried with exponential backoff on transient failures.
 *
 * A bounded queue: at most `maxQueued` callbacks are held (queued, in flight or waiting to
 * retry), `concurrency` of them attempted at once; a new one past the bound drops the
 * oldest. Destinations are checked at connect time (see `guarded-fetch.ts`).
 */
export class StatusCallbackSender {
  readonly events = new TypedEmitter<StatusCallbackSenderEvents>();
  private readonly options: ResolvedOptions;
  private readonly log: Logger;
  /** every job held, oldest first (a Set keeps insertion order) */
  private readonly jobs = new Set<Job>();
  private readonly ready: Job[] = [];
  private active = 0;
  private readonly counters = { sent: 0, failed: 0, retried: 0, dropped: 0, refused: 0 };
  private closed = false;
  private closePromise: Promise<void> | undefined;
  private whenIdle: (() => void) | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private deadlineAt: number | undefined;

  constructor(options: StatusCallbackSenderOptions) {
    const merged = resolveSenderOptions(options);
    this.options = merged;
    this.log = merged.logger.child({ component: 'status-callback' });
  }

  get stats(): Readonly<StatusCallbackStats> {
    return Object.freeze({ ...this.counters, pending: this.jobs.size });
  }

  /** Queues the callback and returns immediately; never throws, never blocks the caller. */
  send(callback: StatusCallback): void {
    try {
      if (this.closed) {
        this.drop('closed', 'sender closed', safeLogUrl(callback), eventOf(callback));
        return;
      }
      const prepared = signedRequest(callback, this.options.authToken, this.options.userAgent);
      if (!prepared.ok) {
        this.drop('invalid', prepared.reason, prepared.logUrl ?? safeLogUrl(callback), eventOf(callback));
        return;
      }
      if (this.jobs.size >= this.options.maxQueued) this.evictOldest();
      const job: Job = { request: prepared.request, attempts: 0, state: 'queued', cancel: new AbortController() };
      this.jobs.add(job);
      this.ready.push(job);
      // never start work synchronously inside send()
      queueMicrotask(() => this.pump());
    } catch (err) {
      this.counters.dropped++;
      try {
        this.log.error({ error: err instanceof Error ? err.name : typeof err }, 'status callback dropped: unexpected error');
      } catch {
        // never throw from send()
      }
    }
  }

  /**
   * Resolves when every queued delivery finished or gave up, or after `deadlineMs`
   * (pending retries and in-flight attempts are then abandoned and logged). Idempotent:
   * later calls return the same promise; a later, earlier-expiring deadline still applies.
   * After close(), send() logs and drops.
   */
  close(deadlineMs?: number): Promise<void> {
    if (this.closePromise === undefined) {
      this.closed = true;
      // Backoff timers are unref'd while running normally; from now on close() awaits them,
      // so they must keep the process alive.
      for (const job of this.jobs) job.timer?.ref();
      this.closePromise = this.drain();
    }
    if (deadlineMs !== undefined) this.armDeadline(deadlineMs);
    return this.closePromise;
  }

  private async drain(): Promise<void> {
    if (this.jobs.size > 0) await new Promise<void>((resolve) => (this.whenIdle = resolve));
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.log.debug({ ...this.counters }, 'status callback sender closed');
  }

  private armDeadline(deadlineMs: number): void {
    if (this.jobs.size === 0) return;
    if (Number.isNaN(deadlineMs) || deadlineMs === Infinity) return;
    const delay = Math.max(0, deadlineMs);
    const at = Date.now() + delay;
    if (this.deadlineAt !== undefined && this.deadlineAt <= at) return;
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.deadlineAt = at;
    this.deadlineTimer = setTimeout(() => this.abandonAll(), delay);
  }

  private abandonAll(): void {
    this.deadlineTimer = undefined;
    if (this.jobs.size > 0) this.log.warn({ pending: this.jobs.size }, 'status callback close deadline reached; abandoning pending deliveries');
    for (const job of [...this.jobs]) {
      this.counters.failed++;
      this.log.warn({ ...this.base(job), attempt: job.attempts }, 'status callback abandoned at close deadline');
      this.finish(job);
    }
  }

  /** Room for one more: the oldest job that is not mid-attempt goes (or, if all are, the oldest). */
  private evictOldest(): void {
    let victim: Job | undefined;
    for (const job of this.jobs) {
      if (job.state !== 'active') {
        victim = job;
        break;
      }
      victim ??= job;
    }
    if (victim === undefined) return;
    this.finish(victim);
    this.drop('queue-full', 'queue full', victim.request.logUrl, victim.request.event);
  }

  /** Removes a job from every structure and cancels whatever it was doing; idempotent. */
  private finish(job: Job): void {
    if (!this.jobs.delete(job)) return;
    if (job.timer !== undefined) clearTimeout(job.timer);
    job.timer = undefined;
    if (job.state === 'queued') {
      const at = this.ready.indexOf(job);
      if (at !== -1) this.ready.splice(at, 1);
    }
    job.cancel.abort();
    if (this.jobs.size === 0 && this.whenIdle !== undefined) {
      this.whenIdle();
      this.whenIdle = undefined;
    }
  }

  private drop(reason: DropReason, why: string, url: string | undefined, event: string | undefined): void {
    this.counters.dropped++;
    this.log.warn({ url, event, reason: why }, 'status callback dropped');
    this.events.emit('dropped', reason);
  }

  private pump(): void {
    while (this.active < this.options.concurrency) {
      const job = this.ready.shift();
      if (job === undefined) return;
      job.state = 'active';
      this.active++;
      void this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    job.attempts++;
    if (job.attempts > 1) this.counters.retried++;
    let outcome: AttemptOutcome;
    try {
      outcome = await attemptDelivery(this.options.fetch, job.request, this.options.timeoutMs, job.cancel.signal);
    } catch (err) {
      // attemptDelivery handles its own errors; this is a last line of defence.
      outcome = { kind: 'retryable', error: describeError(err, job.request) };
    } finally {
      this.active--;
    }
    try {
      if (this.jobs.has(job)) this.settle(job, outcome);
    } catch (err) {
      this.counters.failed++;
      this.finish(job);
      this.log.error({ ...this.base(job), error: describeError(err, job.request) }, 'status callback delivery crashed');
    }
    this.pump();
  }

  private settle(job: Job, outcome: AttemptOutcome): void {
    const base = this.base(job);
    const attempt = job.attempts;
    switch (outcome.kind) {
      case 'delivered':
        this.counters.sent++;
        this.finish(job);
        this.log.debug({ ...base, attempt, status: outcome.status }, 'status callback delivered');
        return;
      case 'rejected':
        this.counters.failed++;
        this.finish(job);
        this.log.warn({ ...base, attempt, status: outcome.status }, 'status callback rejected; not retrying');
        return;
      case 'refused':
        this.counters.refused++;
        this.finish(job);
        this.log.warn(
          { ...base, attempt, reason: outcome.reason, address: outcome.address },
          'status callback refused: its destination is not a public address (ONAIR_CALLBACK_ALLOW opens one)',
        );
        this.events.emit('refused', outcome.reason);
        return;
      case 'aborted':
        // dropped or abandoned: whoever cancelled it has counted and logged it
        this.finish(job);
        return;
      case 'retryable':
        break;
    }
    const failure = { ...base, attempt, status: outcome.status, error: outcome.error };
    if (attempt >= this.options.maxAttempts) {
      this.counters.failed++;
      this.finish(job);
      this.log.warn(failure, 'status callback failed; giving up');
      return;
    }
    const { baseDelayMs, maxDelayMs } = this.options;
    const delayMs =
      outcome.retryAfterMs !== undefined ? Math.min(outcome.retryAfterMs, maxDelayMs) : fullJitterDelayMs(attempt, baseDelayMs, maxDelayMs);
    this.log.info({ ...failure, delayMs }, 'status callback attempt failed; will retry');
    job.state = 'waiting';
    job.timer = setTimeout(() => {
      job.timer = undefined;
      job.state = 'queued';
      this.ready.push(job);
      this.pump();
    }, delayMs);
    // Don't hold the process open just for a retry, unless close() is waiting for it.
    if (!this.closed) job.timer.unref();
  }

  private base(job: Job): { url: string; event: string | undefined } {
    return { url: job.request.logUrl, event: job.request.event };
  }
}
