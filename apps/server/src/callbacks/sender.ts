import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { fullJitterDelayMs, parseRetryAfterMs } from './backoff.js';
import { resolveSenderOptions, type ResolvedOptions, type StatusCallbackSenderOptions } from './sender-options.js';
import { twilioSignature } from './signature.js';

export { DEFAULTS, type StatusCallbackSenderOptions } from './sender-options.js';

export interface StatusCallback {
  url: string;
  method: 'POST' | 'GET';
  params: Record<string, string>;
}

export interface StatusCallbackStats {
  /** Callbacks delivered (2xx/3xx). */
  sent: number;
  /** Callbacks that were attempted and given up on (non-retryable status, attempts exhausted, abandoned by close()). */
  failed: number;
  /** Retry attempts made (attempts beyond the first). */
  retried: number;
  /** Callbacks queued, in flight, or waiting for a retry. */
  pending: number;
  /** Callbacks refused without any attempt (invalid URL/method, or send() after close()). */
  dropped: number;
}

interface Job {
  /** Exact URL fetched and signed (GET: with params appended to the query). */
  requestUrl: string;
  /** origin + pathname: the only form of the URL that is ever logged. */
  logUrl: string;
  event: string | undefined;
  init: { method: 'POST' | 'GET'; headers: Record<string, string>; body?: string };
}

type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'rejected'; status: number }
  | { kind: 'retryable'; status?: number; error?: string; retryAfterMs?: number }
  | { kind: 'aborted' };

interface Sleeper {
  timer: NodeJS.Timeout;
  resolve: (completed: boolean) => void;
}

/**
 * Fire-and-forget delivery of Twilio-style status callbacks, signed with
 * `X-Twilio-Signature`, retried with exponential backoff on transient failures.
 */
export class StatusCallbackSender {
  private readonly options: ResolvedOptions;
  private readonly log: Logger;
  private readonly inflight = new Set<Promise<void>>();
  private readonly sleepers = new Set<Sleeper>();
  /** Aborted when the close() deadline passes: cancels in-flight attempts. */
  private readonly shutdown = new AbortController();
  private readonly counters = { sent: 0, failed: 0, retried: 0, dropped: 0 };
  private closed = false;
  private drained = false;
  private closePromise: Promise<void> | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private deadlineAt: number | undefined;

  constructor(options: StatusCallbackSenderOptions) {
    const merged = resolveSenderOptions(options);
    this.options = merged;
    this.log = merged.logger.child({ component: 'status-callback' });
  }

  get stats(): Readonly<StatusCallbackStats> {
    return Object.freeze({ ...this.counters, pending: this.inflight.size });
  }

  /** Queues the callback and returns immediately; never throws, never blocks the caller. */
  send(callback: StatusCallback): void {
    try {
      if (this.closed) {
        this.drop(callback, 'sender closed');
        return;
      }
      const job = this.prepare(callback);
      if (job === undefined) return;
      const delivery: Promise<void> = this.deliver(job)
        .catch((err: unknown) => {
          // deliver() handles its own errors; this is a last line of defence.
          this.counters.failed++;
          this.log.error({ url: job.logUrl, event: job.event, error: describeError(err, job) }, 'status callback delivery crashed');
        })
        .finally(() => {
          this.inflight.delete(delivery);
        });
      this.inflight.add(delivery);
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
      for (const sleeper of this.sleepers) sleeper.timer.ref();
      this.closePromise = this.drain();
    }
    if (deadlineMs !== undefined) this.armDeadline(deadlineMs);
    return this.closePromise;
  }

  private async drain(): Promise<void> {
    while (this.inflight.size > 0) {
      await Promise.allSettled([...this.inflight]);
    }
    this.drained = true;
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.log.debug({ ...this.counters }, 'status callback sender closed');
  }

  private armDeadline(deadlineMs: number): void {
    if (this.drained || this.inflight.size === 0) return;
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
    if (this.inflight.size > 0) {
      this.log.warn({ pending: this.inflight.size }, 'status callback close deadline reached; abandoning pending deliveries');
    }
    this.shutdown.abort();
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.resolve(false);
    }
    this.sleepers.clear();
  }

  private drop(callback: unknown, reason: string, logUrl?: string): void {
    this.counters.dropped++;
    const event = isRecord(callback) && isRecord(callback['params']) ? callback['params']['StatusCallbackEvent'] : undefined;
    this.log.warn(
      { url: logUrl ?? safeLogUrl(callback), event: typeof event === 'string' ? event : undefined, reason },
      'status callback dropped',
    );
  }

  /** Validates and builds the signed request; returns undefined (after logging) if the callback is unusable. */
  private prepare(callback: StatusCallback): Job | undefined {
    if (!isRecord(callback) || typeof callback.url !== 'string') {
      this.drop(callback, 'invalid callback');
      return undefined;
    }
    let parsed: URL;
    try {
      parsed = new URL(callback.url);
    } catch {
      this.drop(callback, 'invalid url');
      return undefined;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      this.drop(callback, `unsupported protocol ${parsed.protocol}`);
      return undefined;
    }
    const logUrl = parsed.origin + parsed.pathname;
    const method = typeof callback.method === 'string' ? callback.method.toUpperCase() : '';
    if (method !== 'POST' && method !== 'GET') {
      this.drop(callback, 'unsupported method', logUrl);
      return undefined;
    }

    // Copy now: the caller may mutate its object after send() returns.
    const params: Record<string, string> = {};
    if (isRecord(callback.params)) {
      for (const [key, value] of Object.entries(callback.params)) {
        if (value !== undefined && value !== null) params[key] = String(value);
      }
    }
    const event = params['StatusCallbackEvent'];
    const query = new URLSearchParams(params).toString();

    const headers: Record<string, string> = {
      'User-Agent': this.options.userAgent,
      Accept: '*/*',
      'I-Twilio-Idempotency-Token': randomUUID(),
    };
    if (method === 'POST') {
      // POST: sign the URL as configured plus the form params.
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['X-Twilio-Signature'] = twilioSignature(this.options.authToken, callback.url, params);
      return { requestUrl: callback.url, logUrl, event, init: { method, headers, body: query } };
    }
    // GET: params go into the query string; Twilio signs the resulting full URL with no params.
    const requestUrl = appendQuery(callback.url, query);
    headers['X-Twilio-Signature'] = twilioSignature(this.options.authToken, requestUrl, {});
    return { requestUrl, logUrl, event, init: { method, headers } };
  }

  private async deliver(job: Job): Promise<void> {
    // Never start work synchronously inside send().
    await Promise.resolve();
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.options;
    const base = { url: job.logUrl, event: job.event };

    for (let attempt = 1; ; attempt++) {
      if (this.shutdown.signal.aborted) {
        this.counters.failed++;
        this.log.warn({ ...base, attempt: attempt - 1 }, 'status callback abandoned at close deadline');
        return;
      }
      if (attempt > 1) this.counters.retried++;

      const outcome = await this.attempt(job);
      switch (outcome.kind) {
        case 'delivered':
          this.counters.sent++;
          this.log.debug({ ...base, attempt, status: outcome.status }, 'status callback delivered');
          return;
        case 'rejected':
          this.counters.failed++;
          this.log.warn({ ...base, attempt, status: outcome.status }, 'status callback rejected; not retrying');
          return;
        case 'aborted':
          this.counters.failed++;
          this.log.warn({ ...base, attempt }, 'status callback abandoned at close deadline');
          return;
        case 'retryable':
          break;
      }

      const failure = { ...base, attempt, status: outcome.status, error: outcome.error };
      if (attempt >= maxAttempts) {
        this.counters.failed++;
        this.log.warn(failure, 'status callback failed; giving up');
        return;
      }
      const delayMs =
        outcome.retryAfterMs !== undefined
          ? Math.min(outcome.retryAfterMs, maxDelayMs)
          : fullJitterDelayMs(attempt, baseDelayMs, maxDelayMs);
      this.log.info({ ...failure, delayMs }, 'status callback attempt failed; will retry');
      if (!(await this.sleep(delayMs))) {
        this.counters.failed++;
        this.log.warn({ ...base, attempt }, 'status callback abandoned at close deadline');
        return;
      }
    }
  }

  private async attempt(job: Job): Promise<AttemptOutcome> {
    const controller = new AbortController();
    let timedOut = false;
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => {});
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, this.options.timeoutMs);
    const onShutdown = (): void => controller.abort(new Error('sender closed'));
    this.shutdown.signal.addEventListener('abort', onShutdown, { once: true });

    try {
      const fetchImpl = this.options.fetch;
      const pending = fetchImpl(job.requestUrl, { ...job.init, redirect: 'manual', signal: controller.signal });
      // If fetch ignores the signal, the race still ends the attempt; swallow its late rejection.
      pending.catch(() => {});
      const res = await Promise.race([pending, aborted]);
      // We never read the body: release the connection.
      res.body?.cancel().catch(() => {});

      const status = res.status;
      if ((status >= 200 && status < 400) || res.type === 'opaqueredirect') {
        return { kind: 'delivered', status };
      }
      if (status === 429 || status >= 500) {
        return { kind: 'retryable', status, retryAfterMs: parseRetryAfterMs(res.headers.get('retry-after')) };
      }
      return { kind: 'rejected', status };
    } catch (err) {
      if (timedOut) return { kind: 'retryable', error: 'timeout' };
      if (this.shutdown.signal.aborted) return { kind: 'aborted' };
      return { kind: 'retryable', error: describeError(err, job) };
    } finally {
      clearTimeout(timer);
      this.shutdown.signal.removeEventListener('abort', onShutdown);
    }
  }

  /** Resolves true after `ms`, or false if abandoned by the close() deadline. */
  private sleep(ms: number): Promise<boolean> {
    if (this.shutdown.signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const sleeper: Sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve(true);
        }, ms),
        resolve,
      };
      // Don't hold the process open just for a retry, unless close() is waiting for it.
      if (!this.closed) sleeper.timer.unref();
      this.sleepers.add(sleeper);
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Appends an encoded query to a URL string, keeping its existing query and fragment. */
function appendQuery(url: string, query: string): string {
  if (query === '') return url;
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const separator = !beforeHash.includes('?') ? '?' : /[?&]$/.test(beforeHash) ? '' : '&';
  return beforeHash + separator + query + hash;
}

/** origin + pathname, or undefined: never the query string or credentials. */
function safeLogUrl(callback: unknown): string | undefined {
  if (!isRecord(callback) || typeof callback['url'] !== 'string') return undefined;
  try {
    const u = new URL(callback['url']);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin + u.pathname : undefined;
  } catch {
    return undefined;
  }
}

/** A short, log-safe description of a network error (never contains the full URL). */
function describeError(err: unknown, job: Job): string {
  if (!(err instanceof Error)) return typeof err;
  const cause: unknown = err.cause;
  const code = isRecord(cause) ? cause['code'] : (err as Error & { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const message = cause instanceof Error ? cause.message : err.message;
  return `${err.name}: ${message.split(job.requestUrl).join(job.logUrl)}`;
}
