/**
 * Low-Latency HLS requests that may have to wait (the caller has checked the session):
 *
 * - the playlist with `_HLS_msn` / `_HLS_part` (blocking playlist reload), held until the
 *   playlist on disk contains what was asked for;
 * - a part file that is not written yet but is the preload hint (or just past it), held until
 *   it exists.
 *
 * The rules are in blocking-reload.ts, the holding in hold.ts, the wake-ups in stream-watch.ts
 * (one shared watch per streamer directory). Everything else is served as it always was.
 */
import type { ServerResponse } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { PLAYLIST_FILE } from '../hls/files.js';
import { blocksReload, decideMissingPart, decideReload, holdTimeoutMs, parseDirectives, type BlockingRequest } from './blocking-reload.js';
import type { StreamFileCache } from './file-cache.js';
import { clientGone, holdUntil, timeHold } from './hold.js';
import { parseLivePlaylist, type LivePlaylist } from './live-playlist.js';
import { PlaybackRefusal } from './refusal.js';
import { isMissing, readStreamFile, sendStreamFile } from './serve-file.js';
import { StreamWatch, type StreamWatchOptions } from './stream-watch.js';

/** Takes a place for a request about to be held (throws to refuse); returns its release. */
export type Admit = () => () => void;
const admitAll: Admit = () => () => undefined;

/** a part is checked against the disk at most this often once cached (as segments) */
const PART_RECHECK_MS = 1_000;

interface Snapshot {
  readonly data: Buffer;
  readonly playlist: LivePlaylist;
}

export class PlaylistWaiter {
  readonly #cache: StreamFileCache;
  readonly #watch: StreamWatch;
  /** the cache hands out the same Buffer while the file is unchanged: parse each version once */
  readonly #parsed = new WeakMap<Buffer, LivePlaylist>();
  /** per playlist: the look in flight for one wake-up, shared by every request woken by it */
  readonly #looks = new Map<string, { wakeUp: number; snapshot: Promise<Snapshot> }>();

  constructor(cache: StreamFileCache, watch: StreamWatchOptions = {}) {
    this.#cache = cache;
    this.#watch = new StreamWatch(watch);
  }

  /** Requests held right now, and the streamer directories watched for them (for tests and metrics). */
  get held(): { requests: number; dirs: number } {
    return { requests: this.#watch.listeners, dirs: this.#watch.size };
  }

  /** Ends every held request with 503 and closes every watch; idempotent. */
  close(): void {
    this.#watch.close();
  }

  /**
   * GET/HEAD of the playlist; `rawQuery` is the request's query string, undecoded. `admit` is
   * called before the request is held: it throws to refuse, else returns the place's release.
   */
  async servePlaylist(res: ServerResponse, path: string, rawQuery: string, head: boolean, admit: Admit = admitAll): Promise<void> {
    const first = await this.#snapshot(path);
    const parsed = parseDirectives(rawQuery);
    // directives only mean something to a live playlist that advertises CAN-BLOCK-RELOAD=YES
    if (parsed.kind === 'none' || !blocksReload(first.playlist)) return sendStreamFile(res, first.data, 'playlist', head);
    if (parsed.kind === 'bad') throw PlaybackRefusal.badRequest(parsed.reason);
    const request = parsed.request;
    const now = this.#answer(first, request);
    if (now) return sendStreamFile(res, now, 'playlist', head);

    const release = admit();
    const gone = clientGone(res);
    try {
      const data = await timeHold(res, () =>
        holdUntil(async (wakeUp) => this.#answer(await this.#snapshotFor(path, wakeUp), request), {
          watch: this.#watch,
          dir: dirname(path),
          relevant: (name) => name === undefined || name === PLAYLIST_FILE,
          timeoutMs: holdTimeoutMs(first.playlist),
          timeoutMessage: `The playlist did not reach segment ${request.msn}${request.part === undefined ? '' : ` part ${request.part}`} within three target durations`,
          signal: gone.signal,
        }),
      );
      if (data !== undefined && !res.destroyed) sendStreamFile(res, data, 'playlist', head);
    } finally {
      gone.release();
      release();
    }
  }

  /** GET/HEAD of `part-<partNumber>.m4s`; `admit` as for servePlaylist. */
  async servePart(res: ServerResponse, path: string, partNumber: number, head: boolean, admit: Admit = admitAll): Promise<void> {
    const ready = await this.#readPart(path);
    if (ready) return sendStreamFile(res, ready, 'part', head);
    const playlistPath = join(dirname(path), PLAYLIST_FILE);
    const first = await this.#partPlaylist(playlistPath);
    const late = await this.#missingPart(path, first, partNumber);
    if (late) return sendStreamFile(res, late, 'part', head);

    const name = basename(path);
    const release = admit();
    const gone = clientGone(res);
    try {
      const data = await timeHold(res, () =>
        holdUntil(
          async (wakeUp) => {
            const bytes = await this.#readPart(path);
            if (bytes) return bytes;
            return this.#missingPart(path, await this.#partPlaylist(playlistPath, wakeUp), partNumber);
          },
          {
            watch: this.#watch,
            dir: dirname(path),
            relevant: (changed) => changed === undefined || changed === name || changed === PLAYLIST_FILE,
            timeoutMs: holdTimeoutMs(first),
            timeoutMessage: `Part ${partNumber} was not written within three target durations`,
            signal: gone.signal,
          },
        ),
      );
      if (data !== undefined && !res.destroyed) sendStreamFile(res, data, 'part', head);
    } finally {
      gone.release();
      release();
    }
  }

  /** The playlist's bytes when they answer `request`; undefined to keep holding; 400 when unreachable. */
  #answer(s: Snapshot, request: BlockingRequest): Buffer | undefined {
    const decision = decideReload(s.playlist, request);
    if (decision.kind === 'refuse') throw PlaybackRefusal.badRequest(decision.reason);
    return decision.kind === 'answer' ? s.data : undefined;
  }

  /**
   * For a part that was not on disk when looked at: undefined to hold, or 404. The playlist was
   * read after that look, and the packager renames a part into place before it writes the
   * playlist that lists it: a playlist that lists the part may have come after it was written,
   * so the part is looked for once more before it is refused.
   */
  async #missingPart(path: string, playlist: LivePlaylist, partNumber: number): Promise<Buffer | undefined> {
    const decision = decideMissingPart(playlist, partNumber);
    if (decision.kind !== 'refuse') return undefined;
    const late = await this.#readPart(path);
    if (late) return late;
    throw PlaybackRefusal.notFound(`No such part: ${decision.reason.toLowerCase()}`);
  }

  /**
   * The playlist for a held request's check: requests woken by the same wake-up share one read
   * (it starts after the change they were woken for); the first check reads on its own.
   */
  #snapshotFor(path: string, wakeUp: number | undefined): Promise<Snapshot> {
    if (wakeUp === undefined) return this.#snapshot(path);
    const look = this.#looks.get(path);
    if (look?.wakeUp === wakeUp) return look.snapshot;
    const snapshot = this.#snapshot(path);
    const entry = { wakeUp, snapshot };
    this.#looks.set(path, entry);
    const forget = () => {
      if (this.#looks.get(path) === entry) this.#looks.delete(path);
    };
    snapshot.then(forget, forget);
    return snapshot;
  }

  async #snapshot(path: string): Promise<Snapshot> {
    const data = await readStreamFile(this.#cache, path, 'playlist');
    let playlist = this.#parsed.get(data);
    if (!playlist) {
      playlist = parseLivePlaylist(data.toString('utf8'));
      this.#parsed.set(data, playlist);
    }
    return { data, playlist };
  }

  /** The playlist, for deciding about a missing part: no playlist means no such part (404). */
  async #partPlaylist(path: string, wakeUp?: number): Promise<LivePlaylist> {
    try {
      return (await this.#snapshotFor(path, wakeUp)).playlist;
    } catch (error) {
      if (error instanceof PlaybackRefusal && error.status === 404) throw PlaybackRefusal.notFound('No such part (the stream has no playlist)');
      throw error;
    }
  }

  /** The part's bytes, or undefined when it is not on disk. */
  async #readPart(path: string): Promise<Buffer | undefined> {
    try {
      return await this.#cache.read(path, PART_RECHECK_MS);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw PlaybackRefusal.internal();
    }
  }
}
