/**
 * The playback origin: an HTTP handler for everything under `/playback` (see
 * `@onair/protocol` playback.ts for the wire contract).
 *
 *   OPTIONS  /playback/…                              CORS preflight
 *   POST     /playback/<VJ>?token=<grant>              open a session (open-session.ts)
 *   GET|HEAD /playback/<VJ>/s/<session>/<file>         index.m3u8, init-N.mp4, seg-N.m4s, part-N.m4s
 *
 * Low-Latency HLS (playlist-waiter.ts): `index.m3u8?_HLS_msn=M[&_HLS_part=P]` is held until the
 * playlist has what was asked for (when it advertises CAN-BLOCK-RELOAD=YES), and a part that
 * is the preload hint is held until it is written. The session is checked before holding, and
 * held requests are budgeted globally and per session (budgets.ts), as are session opens per
 * client address and per access token: past a budget, 429 (20429) with `Retry-After`.
 *
 * The path is read raw (never URL-normalised or decoded): a dot segment or an escape can
 * only fail the strict name patterns, never move the path. Works as a plain node:http
 * handler or as express middleware mounted anywhere (it reads `originalUrl` when present).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PLAYBACK_PATH } from '@onair/protocol';
import { PlaybackBudgets } from './budgets.js';
import { answerPreflight, requestOrigin, sessionAllowsOrigin, setCors } from './cors.js';
import { StreamFileCache } from './file-cache.js';
import { openSession } from './open-session.js';
import { resolvePlaybackOriginOptions, type PlaybackOriginOptions, type ResolvedPlaybackOriginOptions } from './options.js';
import { PlaylistWaiter } from './playlist-waiter.js';
import { PlaybackRefusal } from './refusal.js';
import { serveFile } from './serve-file.js';
import { SessionTokens } from './session-token.js';
import { fileKind, isStreamerSid, partNumberOf, streamFilePath } from './stream-files.js';
import { ViewerSessions } from './viewer-sessions.js';

export type PlaybackRequest = IncomingMessage & { originalUrl?: string };

export class PlaybackOrigin {
  /** Live sessions and viewer counts (events: `viewers`, `streamerForgotten`). */
  readonly viewers: ViewerSessions;
  readonly #opts: ResolvedPlaybackOriginOptions;
  readonly #tokens: SessionTokens;
  readonly #files: StreamFileCache;
  readonly #waiter: PlaylistWaiter;
  readonly #budgets: PlaybackBudgets;
  readonly #refusals = new Set<(refusal: PlaybackRefusal) => void>();

  constructor(options: PlaybackOriginOptions) {
    this.#opts = resolvePlaybackOriginOptions(options);
    this.#tokens = new SessionTokens(this.#opts.sessionKey);
    this.#files = new StreamFileCache({ maxBytes: this.#opts.cacheBytes });
    this.#waiter = new PlaylistWaiter(this.#files);
    this.viewers = new ViewerSessions({ idleTimeoutMs: this.#opts.idleTimeoutSeconds * 1000, now: this.#opts.now });
    this.#budgets = new PlaybackBudgets(this.#opts.budgets ?? {}, this.#opts.now);
  }

  /** Called with every refusal (for metrics); never with a token. */
  onRefusal(listener: (refusal: PlaybackRefusal) => void): () => void {
    this.#refusals.add(listener);
    return () => this.#refusals.delete(listener);
  }

  /** Handles one request under PLAYBACK_PATH; never throws, never rejects. */
  readonly handle = async (req: PlaybackRequest, res: ServerResponse): Promise<void> => {
    try {
      await this.#route(req, res);
    } catch (error) {
      this.#refuse(req, res, error instanceof PlaybackRefusal ? error : PlaybackRefusal.internal());
    }
  };

  /** Requests held for Low-Latency HLS right now, and the directories watched for them. */
  get held(): { requests: number; dirs: number } {
    return this.#waiter.held;
  }

  close(): void {
    this.#waiter.close(); // held requests end with 503
    this.viewers.close();
    this.#budgets.close();
    this.#refusals.clear();
    this.#files.clear();
  }

  async #route(req: PlaybackRequest, res: ServerResponse): Promise<void> {
    const raw = req.originalUrl ?? req.url ?? '';
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    if (!path.startsWith(`${PLAYBACK_PATH}/`)) throw PlaybackRefusal.notFound('Not a playback URL');
    const parts = path.slice(PLAYBACK_PATH.length + 1).split('/');
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') return answerPreflight(req, res);

    if (parts.length === 1) {
      const [streamerSid = ''] = parts;
      if (method === 'GET' || method === 'HEAD') throw PlaybackRefusal.session(); // media only inside a session
      if (method !== 'POST') throw PlaybackRefusal.method('POST, OPTIONS');
      req.resume(); // the body is empty by contract; drain whatever came
      this.#budgets.admitSessionOpen(req.socket?.remoteAddress);
      if (!isStreamerSid(streamerSid)) throw PlaybackRefusal.notFound('No such PlayerStreamer');
      const grant = q === -1 ? undefined : (new URLSearchParams(raw.slice(q + 1)).get('token') ?? undefined);
      const opened = await openSession({ opts: this.#opts, tokens: this.#tokens, sessions: this.viewers, budgets: this.#budgets }, req, streamerSid, grant);
      setCors(res, opened.origin);
      sendJson(res, 200, opened.response);
      return;
    }

    if (parts.length === 4 && parts[1] === 's') {
      const [streamerSid = '', , token = '', name = ''] = parts;
      if (method !== 'GET' && method !== 'HEAD') throw PlaybackRefusal.method('GET, HEAD, OPTIONS');
      const claims = this.#tokens.verify(token);
      if (!claims || claims.streamerSid !== streamerSid) throw PlaybackRefusal.session();
      const origin = requestOrigin(req);
      if (!sessionAllowsOrigin(claims.origin, origin)) throw PlaybackRefusal.origin(origin);
      const file = streamFilePath(this.#opts.storageDir, streamerSid, name);
      if (file === undefined) throw PlaybackRefusal.path();
      if (!this.viewers.touch(claims)) throw PlaybackRefusal.session('The playback session lapsed; open a new one');
      setCors(res, claims.origin);
      const kind = fileKind(name);
      const head = method === 'HEAD';
      const partNumber = partNumberOf(name);
      const admit = () => this.#budgets.hold(claims.sessionId);
      if (kind === 'playlist') await this.#waiter.servePlaylist(res, file, q === -1 ? '' : raw.slice(q + 1), head, admit);
      else if (partNumber !== undefined) await this.#waiter.servePart(res, file, partNumber, head, admit);
      else await serveFile(res, this.#files, file, kind, head);
      return;
    }
    throw PlaybackRefusal.session();
  }

  #refuse(req: PlaybackRequest, res: ServerResponse, refusal: PlaybackRefusal): void {
    for (const listener of this.#refusals) {
      try {
        listener(refusal);
      } catch {
        // metrics must not break answers
      }
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    setCors(res, '*');
    if (refusal.status === 405) res.setHeader('Allow', refusal.message.replace(/^.*allowed: /, ''));
    if (refusal.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    }
    sendJson(res, refusal.status, refusal.body, req.method === 'HEAD');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, head = false): void {
  const json = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(json.length));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (head) res.end();
  else res.end(json);
}
