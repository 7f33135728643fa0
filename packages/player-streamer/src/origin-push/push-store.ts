/**
 * HttpPushStore: the PackagerStore of a packager that runs on a worker. Every file the
 * packager writes is PUT to `<originUrl>/origin/streams/<VJ>/<name>` (body streamed from the
 * buffers, chunked), every deletion is a DELETE, the snapshot is `packager.json` there; HTTP
 * Basic auth with an API key SID and secret (ingest.ts is the other end).
 *
 * Writes resolve as soon as they are queued: the packager (and ffmpeg behind it) never waits
 * for the network. One request at a time, in the packager's order (push-queue.ts), so the
 * origin never lists a file it does not have yet. When the origin is away (restart, deploy),
 * the head of the queue is retried with backoff (`retrying`), the queue keeps its order and
 * its bounds (older playlists replaced, parts dropped first: `dropped`), and once the origin
 * answers again (`recovered`) the init files in use and the newest playlist and snapshot are
 * sent again, in case the origin lost them; segments it acknowledged are expected to be on
 * its disk. 401/403 is final (`refused`): writes reject with ERR_ORIGIN_REFUSED from then on.
 */
import type { Agent } from 'node:http';
import { TypedEmitter } from '@onair/protocol';
import { PlayerStreamerError } from '../errors.js';
import { PLAYLIST_FILE } from '../hls/files.js';
import { SNAPSHOT_FILE, parseSnapshot, serializeSnapshot, type PackagerSnapshot } from '../hls/snapshot.js';
import type { PackagerStore } from '../hls/store.js';
import { ORIGIN_PATH, isPushableStreamFile, isStreamerSid } from './names.js';
import { basicAuthorization, originRequest, type OriginAnswer } from './origin-request.js';
import { PushQueue, type PushOp } from './push-queue.js';

export interface HttpPushStoreOptions {
  /** The origin's base URL (`ONAIR_ORIGIN_URL`), e.g. `http://10.0.0.2:8080`. */
  originUrl: string;
  streamerSid: string;
  /** API key SID and secret (`ONAIR_API_KEY` / `ONAIR_API_SECRET`). */
  apiKeySid: string;
  apiSecret: string;
  /** Bytes queued for the origin beyond which parts are dropped (default 32 MiB). */
  maxQueuedBytes?: number;
  /** A file larger than this is not sent (the origin would refuse it with 413; default 32 MiB). */
  maxFileBytes?: number;
  /** First retry delay, ms (default 100); doubles up to `maxRetryDelayMs` (default 2000). */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** One request without an answer for this long is retried, ms (default 10 000). */
  requestTimeoutMs?: number;
  /** `close()` waits this long for the queue to reach the origin, ms (default 10 000). */
  closeTimeoutMs?: number;
  /** `readState()` keeps trying this long while the origin is away, ms (default 15 000). */
  readTimeoutMs?: number;
  /** A snapshot taken within a segment is sent at most this often, ms (default 1000); one at a segment's end at once. */
  snapshotIntervalMs?: number;
  /** An http.Agent shared by the worker's stores (keep-alive); default: one per store. */
  agent?: Agent;
}

export const HTTP_PUSH_STORE_DEFAULTS = {
  maxQueuedBytes: 32 * 1024 * 1024,
  maxFileBytes: 32 * 1024 * 1024,
  minRetryDelayMs: 100,
  maxRetryDelayMs: 2000,
  requestTimeoutMs: 10_000,
  closeTimeoutMs: 10_000,
  readTimeoutMs: 15_000,
  snapshotIntervalMs: 1_000,
} as const;

export type HttpPushStoreEvents = {
  /** The origin did not take `name` (no answer, or 5xx/429): it is tried again after `delayMs`. */
  retrying: (name: string, attempt: number, delayMs: number, reason: string) => void;
  /** The origin answers again after `downMs`; `resent` files were queued again for it. */
  recovered: (downMs: number, resent: number) => void;
  /** A file was given up: `memory` (a part, the queue was full), `too-large`, or `rejected: <status>`. */
  dropped: (name: string, reason: string) => void;
  /** The origin refused the credentials (401/403): the store stopped for good. */
  refused: (status: number, message: string) => void;
};

type Resolved = Required<Omit<HttpPushStoreOptions, 'agent'>> & { agent: Agent | undefined };

export class HttpPushStore extends TypedEmitter<HttpPushStoreEvents> implements PackagerStore {
  readonly location: string;
  readonly #opts: Resolved;
  readonly #authorization: string;
  readonly #queue: PushQueue;
  /** what the origin needs to serve the current playlist that it might lose: init files in use, newest playlist and snapshot */
  readonly #essentials = new Map<string, readonly Buffer[]>();
  #pump: Promise<void> | undefined;
  #downSince: number | undefined;
  #failure: PlayerStreamerError | undefined;
  #closed = false;
  /** a snapshot taken within a segment, sent at most every snapshotIntervalMs (the newest) */
  #pendingSnapshot: string | undefined;
  #snapshotTimer: NodeJS.Timeout | undefined;
  #idleWaiters: Array<() => void> = [];
  #wakeRetry: (() => void) | undefined;

  constructor(options: HttpPushStoreOptions) {
    super();
    const opts: Resolved = { ...HTTP_PUSH_STORE_DEFAULTS, ...options, agent: options.agent };
    for (const [key, value] of Object.entries(opts)) {
      if (value === undefined && key !== 'agent') throw new TypeError(`${key} is required`);
    }
    if (!isStreamerSid(opts.streamerSid)) throw new TypeError(`streamerSid must be a PlayerStreamer SID (VJ…), got ${opts.streamerSid}`);
    const base = new URL(opts.originUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`originUrl must be http(s), got ${opts.originUrl}`);
    this.#opts = opts;
    this.location = new URL(`${base.pathname.replace(/\/$/, '')}${ORIGIN_PATH}/streams/${opts.streamerSid}/`, base).href;
    this.#authorization = basicAuthorization(opts.apiKeySid, opts.apiSecret);
    this.#queue = new PushQueue(opts.maxQueuedBytes);
  }

  /** Bytes waiting for the origin. */
  get queuedBytes(): number {
    return this.#queue.bytes;
  }

  /** Whether the origin is away right now (the head of the queue is being retried). */
  get down(): boolean {
    return this.#downSince !== undefined;
  }

  async writeAtomic(name: string, data: string | readonly Buffer[]): Promise<void> {
    this.#check(name);
    const buffers = typeof data === 'string' ? [Buffer.from(data)] : data;
    const bytes = buffers.reduce((sum, b) => sum + b.length, 0);
    if (bytes > this.#opts.maxFileBytes) {
      this.emit('dropped', name, 'too-large');
      return;
    }
    if (name.startsWith('init-') || name === PLAYLIST_FILE || name === SNAPSHOT_FILE) this.#essentials.set(name, buffers);
    for (const dropped of this.#queue.put(name, buffers)) this.emit('dropped', dropped, 'memory');
    this.#start();
  }

  async remove(name: string): Promise<void> {
    this.#check(name);
    this.#essentials.delete(name);
    this.#queue.delete(name);
    this.#start();
  }

  /**
   * The snapshot goes to the origin at once when a segment was completed (`segmentEnd`); one
   * taken within a segment (after each part) at most every snapshotIntervalMs,
   * the newest only: a third of the requests per part otherwise, for a file only a hand-over
   * reads. A packager that dies meanwhile leaves a snapshot a few parts behind, which
   * resume.ts's margins absorb (RESUME_MARGIN.parts is more than a segment's parts).
   */
  writeState(snapshot: PackagerSnapshot, opts: { segmentEnd?: boolean } = {}): Promise<void> {
    const text = serializeSnapshot(snapshot);
    if (opts.segmentEnd !== false) {
      this.#dropPendingSnapshot();
      return this.writeAtomic(SNAPSHOT_FILE, text);
    }
    this.#check(SNAPSHOT_FILE);
    this.#pendingSnapshot = text;
    this.#snapshotTimer ??= setTimeout(() => this.#sendPendingSnapshot(), this.#opts.snapshotIntervalMs);
    return Promise.resolve();
  }

  #sendPendingSnapshot(): void {
    const text = this.#pendingSnapshot;
    this.#dropPendingSnapshot();
    if (text !== undefined && !this.#failure && !this.#closed) void this.writeAtomic(SNAPSHOT_FILE, text).catch(() => undefined);
  }

  #dropPendingSnapshot(): void {
    clearTimeout(this.#snapshotTimer);
    this.#snapshotTimer = undefined;
    this.#pendingSnapshot = undefined;
  }

  /** The snapshot on the origin; waits (up to readTimeoutMs) while the origin is away. */
  async readState(): Promise<PackagerSnapshot | undefined> {
    const deadline = Date.now() + this.#opts.readTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      if (this.#failure) throw this.#failure;
      let answer: OriginAnswer | undefined;
      let reason: string;
      try {
        answer = await this.#send('GET', SNAPSHOT_FILE);
        reason = `HTTP ${answer.status}`;
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
      if (answer?.status === 200) return parseSnapshot(answer.body.toString('utf8'));
      if (answer?.status === 404) return undefined;
      if (answer && this.#refusedBy(answer)) throw this.#failure!;
      const delay = this.#delay(attempt);
      if (Date.now() + delay > deadline) {
        throw new PlayerStreamerError('ERR_ORIGIN_UNREACHABLE', `reading ${this.location}${SNAPSHOT_FILE} failed for ${this.#opts.readTimeoutMs} ms: ${reason}`);
      }
      this.emit('retrying', SNAPSHOT_FILE, attempt, delay, reason);
      await sleep(delay);
    }
  }

  /** Resolves when everything queued so far reached the origin (or the store stopped). */
  flushed(): Promise<void> {
    if (this.#pendingSnapshot !== undefined && !this.#closed) this.#sendPendingSnapshot();
    if (this.#queue.length === 0 || this.#failure || this.#pump === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Sends what is queued (up to closeTimeoutMs), then stops; later writes reject. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#pendingSnapshot !== undefined) this.#sendPendingSnapshot();
    this.#closed = true;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.#opts.closeTimeoutMs).unref());
    await Promise.race([this.flushed(), timeout]);
    if (this.#queue.length > 0) {
      for (let n = this.#queue.clear(); n > 0; n--) this.emit('dropped', '(queued at close)', 'closed');
    }
    this.#failure ??= new PlayerStreamerError('ERR_ORIGIN_CLOSED', `the push store of ${this.location} is closed`);
    this.#wakeRetry?.();
    this.#wakeIdle();
  }

  #check(name: string): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new PlayerStreamerError('ERR_ORIGIN_CLOSED', `the push store of ${this.location} is closed`);
    if (!isPushableStreamFile(name)) throw new PlayerStreamerError('ERR_HLS_UNSAFE_PATH', `refusing to push a file the packager did not generate: ${JSON.stringify(name)}`);
  }

  #start(): void {
    this.#pump ??= this.#run().finally(() => {
      this.#pump = undefined;
      this.#wakeIdle();
      if (this.#queue.length > 0 && !this.#failure) this.#start();
    });
  }

  async #run(): Promise<void> {
    let attempt = 0;
    for (let op = this.#queue.next(); op && !this.#failure; op = this.#queue.next()) {
      let answer: OriginAnswer | undefined;
      let reason = '';
      try {
        answer = await this.#send(op.kind === 'put' ? 'PUT' : 'DELETE', op.name, op.kind === 'put' ? op.data : undefined);
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
      if (answer && this.#refusedBy(answer)) return;
      if (answer && answer.status < 300) {
        this.#queue.done();
        attempt = 0;
        if (this.#downSince !== undefined) this.#recovered();
        continue;
      }
      if (answer && answer.status < 500 && answer.status !== 429 && answer.status !== 408) {
        this.#queue.done(); // 4xx: this file will never be taken; the next one may
        this.emit('dropped', op.name, `rejected: ${answer.status}`);
        continue;
      }
      this.#queue.release();
      attempt += 1;
      this.#downSince ??= Date.now();
      const delay = this.#delay(attempt);
      this.emit('retrying', op.name, attempt, delay, answer ? `HTTP ${answer.status}` : reason);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.#wakeRetry = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wakeRetry = undefined;
      if (this.#closed && this.#queue.length === 0) return;
    }
  }

  #recovered(): void {
    const downMs = Date.now() - this.#downSince!;
    this.#downSince = undefined;
    // the init files in use, then the newest snapshot and playlist (unless newer ones are queued)
    const order = [...this.#essentials.keys()].sort((a, b) => rank(a) - rank(b));
    for (const name of order.reverse()) this.#queue.requeueFirst(name, this.#essentials.get(name)!);
    this.emit('recovered', downMs, order.length);
  }

  #refusedBy(answer: OriginAnswer): boolean {
    if (answer.status !== 401 && answer.status !== 403) return false;
    const message = messageOf(answer.body) ?? `HTTP ${answer.status}`;
    this.#failure = new PlayerStreamerError('ERR_ORIGIN_REFUSED', `the origin refused to take ${this.location}: ${message}`);
    this.#queue.clear();
    this.emit('refused', answer.status, message);
    this.#wakeIdle();
    return true;
  }

  #send(method: 'PUT' | 'DELETE' | 'GET', name: string, body?: readonly Buffer[]): Promise<OriginAnswer> {
    return originRequest({
      method,
      url: new URL(name, this.location),
      authorization: this.#authorization,
      ...(body ? { body } : {}),
      timeoutMs: this.#opts.requestTimeoutMs,
      agent: this.#opts.agent,
      maxAnswerBytes: 16 * 1024 * 1024,
    });
  }

  #delay(attempt: number): number {
    const base = Math.min(this.#opts.maxRetryDelayMs, this.#opts.minRetryDelayMs * 2 ** Math.min(attempt - 1, 20));
    return Math.round(base * (0.75 + Math.random() * 0.25));
  }

  #wakeIdle(): void {
    if (this.#queue.length > 0 && !this.#failure && this.#pump !== undefined) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** init files first, then the snapshot, the playlist last (it lists the others). */
const rank = (name: string) => (name.startsWith('init-') ? 0 : name === SNAPSHOT_FILE ? 1 : 2);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function messageOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

export type { PushOp };
