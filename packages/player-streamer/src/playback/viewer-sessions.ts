/**
 * Live playback sessions in memory: when each was last seen (idle lapse) and how many
 * viewers each streamer has. Session tokens are verified elsewhere (session-token.ts);
 * this only answers "is this genuine session still alive?".
 *
 * A genuine session this map does not know (the server restarted) counts as last seen at
 * `max(issuedAt, startedAt)`, so viewers survive a restart when they come back within the
 * idle timeout, and a lapsed session never comes back.
 */
import type { SessionClaims } from './session-token.js';
import { TypedEmitter } from '@onair/protocol';

export type ViewerSessionsEvents = {
  /** The number of live sessions of an active streamer changed. */
  viewers: (streamerSid: string, count: number) => void;
  /** An ended streamer is no longer counted (drop its metrics). */
  streamerForgotten: (streamerSid: string) => void;
};

export interface ViewerSessionsOptions {
  idleTimeoutMs: number;
  now: () => number;
  /** how often lapsed sessions are dropped (default min(idle / 2, 5 s)) */
  pruneIntervalMs?: number;
}

export class ViewerSessions extends TypedEmitter<ViewerSessionsEvents> {
  /** streamer → session id → last seen (ms) */
  readonly #byStreamer = new Map<string, Map<string, number>>();
  readonly #ended = new Set<string>();
  readonly #startedAt: number;
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly opts: ViewerSessionsOptions) {
    super();
    this.#startedAt = opts.now();
    const every = opts.pruneIntervalMs ?? Math.max(100, Math.min(opts.idleTimeoutMs / 2, 5_000));
    this.#timer = setInterval(() => this.prune(), every);
    this.#timer.unref();
  }

  /** Live sessions of a streamer (lapsed ones not yet pruned are dropped first). */
  count(streamerSid: string): number {
    this.#pruneStreamer(streamerSid, this.opts.now());
    return this.#byStreamer.get(streamerSid)?.size ?? 0;
  }

  /** Counts of every active streamer that has or had viewers. */
  counts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [sid, sessions] of this.#byStreamer) if (!this.#ended.has(sid)) out.set(sid, sessions.size);
    return out;
  }

  /** Records a new session. `active`: the streamer is created or started. */
  open(claims: SessionClaims, active: boolean): void {
    if (!active) this.#ended.add(claims.streamerSid);
    this.#set(claims.streamerSid, claims.sessionId, this.opts.now());
  }

  /** True (and renewed) when the session is alive; false when it lapsed. */
  touch(claims: SessionClaims): boolean {
    const now = this.opts.now();
    const sessions = this.#byStreamer.get(claims.streamerSid);
    const seen = sessions?.get(claims.sessionId) ?? Math.max(claims.issuedAt, this.#startedAt);
    if (now - seen > this.opts.idleTimeoutMs) {
      if (sessions?.delete(claims.sessionId)) this.#changed(claims.streamerSid);
      return false;
    }
    this.#set(claims.streamerSid, claims.sessionId, now);
    return true;
  }

  /** The streamer ended: it is no longer counted (its sessions may still fetch the tail). */
  streamerEnded(streamerSid: string): void {
    if (this.#ended.has(streamerSid)) return;
    this.#ended.add(streamerSid);
    this.emit('streamerForgotten', streamerSid);
    if (!this.#byStreamer.has(streamerSid)) this.#ended.delete(streamerSid);
  }

  /** Drops lapsed sessions everywhere. */
  prune(): void {
    const now = this.opts.now();
    for (const sid of [...this.#byStreamer.keys()]) this.#pruneStreamer(sid, now);
  }

  close(): void {
    clearInterval(this.#timer);
    this.removeAllListeners();
  }

  #set(streamerSid: string, sessionId: string, now: number): void {
    let sessions = this.#byStreamer.get(streamerSid);
    if (!sessions) this.#byStreamer.set(streamerSid, (sessions = new Map()));
    const isNew = !sessions.has(sessionId);
    sessions.set(sessionId, now);
    if (isNew) this.#changed(streamerSid);
  }

  #pruneStreamer(streamerSid: string, now: number): void {
    const sessions = this.#byStreamer.get(streamerSid);
    if (!sessions) return;
    let dropped = 0;
    for (const [id, seen] of sessions) {
      if (now - seen > this.opts.idleTimeoutMs) {
        sessions.delete(id);
        dropped++;
      }
    }
    if (dropped > 0) this.#changed(streamerSid);
  }

  #changed(streamerSid: string): void {
    const sessions = this.#byStreamer.get(streamerSid);
    const size = sessions?.size ?? 0;
    if (size === 0) this.#byStreamer.delete(streamerSid);
    if (this.#ended.has(streamerSid)) {
      if (size === 0) this.#ended.delete(streamerSid);
      return;
    }
    this.emit('viewers', streamerSid, size);
  }
}
