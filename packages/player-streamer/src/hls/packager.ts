/**
 * HlsPackager: writes a live fMP4 HLS stream (init-N.mp4, seg-N.m4s, index.m3u8) into a
 * directory, or any PackagerStore (store.ts), from the fragmented MP4 that ffmpeg writes on
 * stdout.
 *
 * Ownership: the packager owns its directory or store and its inputs (one at a time, one per
 * ffmpeg run). Every input after the first gets its own init file and starts with a
 * discontinuity. All file work runs in one serial queue, in the order segments were cut:
 * segment file → snapshot (resumable streams) → playlist → `segment` event → deletion of
 * files that left the window. A resumable packager (`resume: true`) continues the stream of
 * an earlier one (resume.ts).
 * An I/O error fails the packager for good (`error` with ERR_HLS_IO); a parse error fails
 * only its input.
 */
import { join } from 'node:path';
import { PlayerStreamerError } from '../errors.js';
import { TypedEmitter } from '@onair/protocol';
import type { HlsPackagerEvents, PackagerState, PartInfo, SegmentInfo } from './events.js';
import { HlsDirectory, PLAYLIST_FILE, initFileName, segmentFileName } from './files.js';
import { PackagerInput, type InputHost, type InputPart } from './input.js';
import { renderLive } from './live-render.js';
import { PartList } from './part-list.js';
import { HLS_PACKAGER_DEFAULTS, resolveHlsOptions, type HlsPackagerOptions, type ResolvedHlsOptions } from './options.js';
import type { OpenSegment } from './playlist.js';
import { ProgramClock } from './program-clock.js';
import { buildSnapshot, checkResumable, resumePoint, type ResumePoint } from './resume.js';
import type { CutSegment } from './segmenter.js';
import type { PackagerSnapshot } from './snapshot.js';
import type { PackagerStore } from './store.js';
import { LiveWindow } from './window.js';

/** `#lastSegmentInput` of a resumed packager: an input of the previous one (its first segment is a discontinuity). */
const PREVIOUS_PACKAGER = -1;

export class HlsPackager extends TypedEmitter<HlsPackagerEvents> {
  readonly #options: ResolvedHlsOptions;
  readonly #store: PackagerStore;
  /** local directory, when the store is one */
  readonly #dirPath: string | undefined;
  readonly #window: LiveWindow;
  readonly #clock = new ProgramClock();
  #state: PackagerState = 'live';
  #failure: PlayerStreamerError | undefined;
  #finishing: Promise<void> | undefined;
  #active: PackagerInput | undefined;
  #finishRequested = false;
  #inputCount = 0;
  /** Init files on disk, and the one the newest input uses (never collected). */
  readonly #inits = new Set<string>();
  #currentInit: string | undefined;
  #nextSequence = 0;
  #lastSegmentInput: number | undefined;
  /** the input whose timeline the program clock follows */
  #anchoredInput: number | undefined;
  readonly #parts: PartList;
  /** Resumed: files of the previous packager to delete once the segment `after` expired. */
  #orphans: { names: string[]; after: number } | undefined;
  #closing: Promise<void> | undefined;
  readonly #resumed: boolean;
  /** Low-Latency HLS: the segment being built, as listed */
  #openSegment: OpenSegment | undefined;
  #segmentCount = 0;
  #lastSegmentAt: number | undefined;
  #queue: Promise<void> = Promise.resolve();
  #pendingBytes = 0;
  #drainWaiters: Array<() => void> = [];
  /** What inputs may call back into (kept off the public surface). */
  readonly #host: InputHost;

  private constructor(options: ResolvedHlsOptions, store: PackagerStore, resume: ResumePoint | undefined) {
    super(options.onListenerError);
    this.#options = options;
    this.#store = store;
    this.#dirPath = store instanceof HlsDirectory ? store.path : undefined;
    this.#parts = new PartList(resume?.firstPart ?? 0);
    this.#resumed = resume !== undefined;
    this.#host = {
      options,
      addInit: (input, boxes) => this.#addInit(input, boxes),
      addSegment: (input, segment, anchorWallMs) => this.#addSegment(input, segment, anchorWallMs),
      addPart: (input, part, anchorWallMs) => this.#addPart(input, part, anchorWallMs),
      inputStopped: (input, error) => {
        if (this.#active?.index === input) this.#active = undefined;
        if (error) this.emit('error', error);
        return this.#queue;
      },
      warn: (warning) => this.emit('warning', warning),
      hasRoom: () => this.#pendingBytes < options.highWaterMarkBytes,
      drained: () => this.#drained(),
    };
    this.#window = new LiveWindow({
      windowSegments: options.windowSegments,
      keepSegments: options.keepSegments,
      minWindowSec: HLS_PACKAGER_DEFAULTS.minWindowTargetDurations * options.playlistTargetDuration,
    });
    if (resume) {
      this.#window.restore(resume.window);
      this.#nextSequence = resume.window.nextSequence;
      this.#inputCount = resume.firstInput;
      for (const init of resume.inits) this.#inits.add(init);
      this.#clock.continueAfter(resume.clockEndMs);
      this.#lastSegmentInput = PREVIOUS_PACKAGER;
      if (resume.orphans.length > 0) this.#orphans = { names: [...resume.orphans], after: resume.orphansAfter };
    }
  }

  /**
   * Validates options (ERR_HLS_INVALID_OPTIONS), prepares the directory (ERR_HLS_IO) and,
   * with `resume`, reads the snapshot of the stream to continue (ERR_HLS_SNAPSHOT_INVALID).
   */
  static async open(options: HlsPackagerOptions): Promise<HlsPackager> {
    const resolved = resolveHlsOptions(options);
    const store = resolved.store ?? (await HlsDirectory.open(resolved.dir!, { resume: resolved.resume }));
    let snapshot: PackagerSnapshot | undefined;
    if (resolved.resume) {
      try {
        snapshot = await store.readState();
      } catch (error) {
        throw error instanceof PlayerStreamerError ? error : PlayerStreamerError.io('reading the snapshot of', store.location, error);
      }
      if (snapshot) checkResumable(snapshot, resolved.playlistTargetDuration);
    }
    return new HlsPackager(resolved, store, snapshot && resumePoint(snapshot));
  }

  /** Where the files go: the absolute directory path, or the store's location (a URL). */
  get dir(): string {
    return this.#store.location;
  }

  /** index.m3u8 in `dir` (it exists once the first segment is published). */
  get playlistPath(): string {
    return this.#dirPath === undefined ? `${this.#store.location.replace(/\/$/, '')}/${PLAYLIST_FILE}` : join(this.#dirPath, PLAYLIST_FILE);
  }

  /** Whether this packager continues an earlier packager's stream (`resume` found a snapshot). */
  get resumed(): boolean {
    return this.#resumed;
  }

  get state(): PackagerState {
    return this.#state;
  }

  /** Why the packager failed, if it did. */
  get error(): PlayerStreamerError | undefined {
    return this.#failure;
  }

  /** The EXT-X-TARGETDURATION written in the playlist (fixed for the packager's life). */
  get targetDuration(): number {
    return this.#options.playlistTargetDuration;
  }

  /** Segments published (stored and listed) so far by this packager (a resumed one counts from 0). */
  get segmentCount(): number {
    return this.#segmentCount;
  }

  /** When (options.now() ms) the last segment was published; undefined before the first. */
  get lastSegmentAt(): number | undefined {
    return this.#lastSegmentAt;
  }

  /** Inputs opened so far (a resumed packager counts on from the previous one's: it names init files). */
  get inputCount(): number {
    return this.#inputCount;
  }

  /**
   * Starts the input of a new ffmpeg run. The previous input must have ended or failed
   * (ERR_HLS_INPUT_ACTIVE); not after `finish()` (ERR_HLS_FINISHED) or a failure (its error).
   */
  input(): PackagerInput {
    if (this.#failure) throw this.#failure;
    if (this.#finishing || this.#closing || this.#state !== 'live') throw new PlayerStreamerError('ERR_HLS_FINISHED', 'the packager is finished');
    if (this.#active) {
      throw new PlayerStreamerError('ERR_HLS_INPUT_ACTIVE', `input ${this.#active.index} is still open: end() it first`);
    }
    const input = new PackagerInput(this.#host, this.#inputCount);
    this.#inputCount += 1;
    this.#active = input;
    return input;
  }

  /** Resolves when every file queued so far is written (or the packager failed); never rejects. */
  idle(): Promise<void> {
    return this.#queue;
  }

  /**
   * Ends the active input, if any, writes the playlist with EXT-X-ENDLIST and closes the
   * store; idempotent. Rejects with the packager's error if it failed.
   */
  finish(): Promise<void> {
    this.#finishing ??= this.#finish();
    return this.#finishing;
  }

  /**
   * Stops without ending the stream (no EXT-X-ENDLIST), for a hand-over: ends the active
   * input (its last segment is published), waits for the queue and closes the store. A
   * resumable stream can then be continued by another packager. Idempotent; never rejects.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#finishing) await this.#finishing.catch(() => undefined);
    await this.#active?.end().catch(() => undefined);
    await this.#queue;
    await this.#store.close().catch(() => undefined);
    if (this.#state === 'live') this.#state = 'finished';
  }

  async #finish(): Promise<void> {
    if (this.#closing) throw new PlayerStreamerError('ERR_HLS_FINISHED', 'the packager is closed');
    // the input's last segment (published by end(), synchronously queued) goes out in the
    // same playlist write as EXT-X-ENDLIST: a player that saw it listed live and then only
    // ENDLIST appended may never mark its media ended (hls.js #5777)
    this.#finishRequested = true;
    await this.#active?.end();
    const nextPart = this.#parts.next;
    this.#enqueue(0, async () => {
      await this.#writePlaylist(this.#renderPlaylist(true), undefined, nextPart);
    });
    await this.#queue;
    await this.#store.close().catch(() => undefined);
    if (this.#failure) throw this.#failure;
    this.#state = 'finished';
    this.emit('finish');
  }

  #addInit(input: number, boxes: readonly Buffer[]): void {
    const name = initFileName(input);
    this.#currentInit = name;
    const bytes = boxes.reduce((sum, box) => sum + box.length, 0);
    this.#enqueue(bytes, async () => {
      await this.#store.writeAtomic(name, boxes);
      this.#inits.add(name);
    });
  }

  #addSegment(input: number, segment: CutSegment, anchorWallMs: number): void {
    const firstOfInput = this.#lastSegmentInput !== input;
    const discontinuity = firstOfInput && this.#lastSegmentInput !== undefined;
    this.#lastSegmentInput = input;
    this.#anchor(input, anchorWallMs, segment.startSec);
    const parts = this.#options.lowLatency ? this.#parts.close() : undefined;
    const hint = this.#parts.nextUri; // as of now: parts added after this are queued behind it
    const hintNumber = this.#parts.next;
    this.#openSegment = undefined;
    const sequence = this.#nextSequence;
    this.#nextSequence += 1;
    const info: SegmentInfo = {
      sequence,
      uri: segmentFileName(sequence),
      initUri: initFileName(input),
      input,
      durationSec: segment.durationSec,
      startSec: segment.startSec,
      keyframe: segment.keyframe,
      bytes: segment.bytes,
      fragments: segment.fragments,
      discontinuity,
      programDateTime: this.#clock.date(segment.startSec, segment.durationSec),
    };
    if (Math.round(segment.durationSec) > this.#options.playlistTargetDuration) {
      this.emit(
        'warning',
        new PlayerStreamerError(
          'ERR_HLS_SEGMENT_TOO_LONG',
          `segment ${sequence} lasts ${segment.durationSec.toFixed(3)} s, more than TARGETDURATION ${this.#options.playlistTargetDuration}: keyframes are too far apart`,
        ),
      );
    }
    this.#enqueue(segment.bytes, async () => {
      await this.#store.writeAtomic(info.uri, segment.boxes);
      const expired = this.#window.add({
        sequence,
        uri: info.uri,
        initUri: info.initUri,
        durationSec: info.durationSec,
        discontinuity,
        programDateTime: info.programDateTime,
        ...(parts ? { parts } : {}),
      });
      const last = this.#finishRequested && sequence === this.#nextSequence - 1;
      await this.#writePlaylist(this.#renderPlaylist(last, undefined, hint), undefined, hintNumber);
      this.#segmentCount += 1;
      this.#lastSegmentAt = this.#options.now();
      this.emit('segment', info);
      for (const old of expired) {
        await this.#store.remove(old.uri);
        for (const part of old.parts ?? []) await this.#store.remove(part.uri);
      }
      await this.#collectOrphans(expired.at(-1)?.sequence);
      await this.#collectInits();
    });
  }

  #addPart(input: number, part: InputPart, anchorWallMs: number): void {
    this.#anchor(input, anchorWallMs, part.startSec);
    const entry = this.#parts.add(part.durationSec, part.independent);
    if (!this.#openSegment) {
      this.#openSegment = {
        initUri: initFileName(input),
        discontinuity: this.#lastSegmentInput !== undefined && this.#lastSegmentInput !== input,
        programDateTime: this.#clock.date(part.startSec, 0),
        parts: [],
      };
    }
    const open: OpenSegment = { ...this.#openSegment, parts: [...this.#parts.open] };
    this.#openSegment = open;
    const hint = this.#parts.nextUri;
    const hintNumber = this.#parts.next;
    const info: PartInfo = { sequence: entry.sequence, uri: entry.uri, durationSec: entry.durationSec, independent: entry.independent, segmentSequence: this.#nextSequence };
    const lowLatency = this.#options.lowLatency;
    if (lowLatency && part.durationSec > lowLatency.partTargetSec + 0.001) {
      this.emit(
        'warning',
        new PlayerStreamerError('ERR_HLS_PART_TOO_LONG', `part ${entry.sequence} lasts ${part.durationSec.toFixed(3)} s, more than PART-TARGET ${lowLatency.partTargetSec}`),
      );
    }
    this.#enqueue(part.byteLength, async () => {
      await this.#store.writeAtomic(entry.uri, part.boxes);
      await this.#writePlaylist(this.#renderPlaylist(false, open, hint), open, hintNumber);
      this.emit('part', info);
    });
  }

  /** The program clock follows each input's timeline from its first published media on. */
  #anchor(input: number, wallMs: number, mediaSec: number): void {
    if (this.#anchoredInput === input) return;
    this.#anchoredInput = input;
    this.#clock.anchor(wallMs, mediaSec);
  }

  /** Deletes init files that no listed or retained segment needs, except the newest input's. */
  async #collectInits(): Promise<void> {
    const referenced = this.#window.referencedInits();
    for (const name of [...this.#inits]) {
      if (referenced.has(name) || name === this.#currentInit) continue;
      await this.#store.remove(name);
      this.#inits.delete(name);
    }
  }

  /** Resumed: deletes the previous packager's unlisted files once the segments listed with them expired. */
  async #collectOrphans(expiredUpTo: number | undefined): Promise<void> {
    const orphans = this.#orphans;
    if (!orphans || (orphans.after >= 0 && (expiredUpTo === undefined || expiredUpTo < orphans.after))) return;
    for (const name of orphans.names) await this.#store.remove(name);
    this.#orphans = undefined;
  }

  /**
   * The playlist, then the snapshot that describes it (a resumable stream). The snapshot goes
   * second so that it never delays what viewers wait for; a packager that dies between the
   * two leaves a snapshot one write behind, which resume.ts's margins absorb. `nextPart`:
   * the part it hints at.
   */
  async #writePlaylist(text: string, open: OpenSegment | undefined, nextPart: number): Promise<void> {
    await this.#store.writeAtomic(PLAYLIST_FILE, text);
    if (this.#options.resume) {
      await this.#store.writeState(
        buildSnapshot({
          now: this.#options.now(),
          targetDuration: this.#options.playlistTargetDuration,
          window: this.#window.state,
          nextPart,
          nextInput: this.#inputCount,
          inits: this.#inits,
          open,
          orphans: this.#orphans?.names ?? [],
          clockEndMs: this.#clock.endMs,
        }),
        { segmentEnd: open === undefined },
      );
    }
  }

  #renderPlaylist(ended: boolean, open?: OpenSegment, hintUri?: string): string {
    return renderLive(this.#options, this.#window, ended, open, hintUri);
  }

  #enqueue(bytes: number, task: () => Promise<void>): void {
    this.#pendingBytes += bytes;
    this.#queue = this.#queue.then(async () => {
      try {
        if (!this.#failure) await task();
      } catch (error) {
        this.#fail(error instanceof PlayerStreamerError ? error : PlayerStreamerError.io('packaging in', this.#store.location, error));
      } finally {
        this.#pendingBytes -= bytes;
        this.#wakeDrainWaiters();
      }
    });
  }

  #fail(error: PlayerStreamerError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#state = 'failed';
    this.#active?.abort(error);
    this.#active = undefined;
    this.emit('error', error);
    this.#wakeDrainWaiters();
  }

  #drained(): Promise<void> {
    if (this.#failure || this.#pendingBytes < this.#options.highWaterMarkBytes) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #wakeDrainWaiters(): void {
    if (!this.#failure && this.#pendingBytes >= this.#options.highWaterMarkBytes) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }
}
