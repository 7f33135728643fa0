/**
 * HlsPackager: writes a live fMP4 HLS stream (init-N.mp4, seg-N.m4s, index.m3u8) into a
 * directory from the fragmented MP4 that ffmpeg writes on stdout.
 *
 * Ownership: the packager owns its directory and its inputs (one at a time, one per ffmpeg
 * run). Every input after the first gets its own init file and starts with a
 * discontinuity. All file work runs in one serial queue, in the order segments were cut:
 * segment file → playlist → `segment` event → deletion of files that left the window.
 * An I/O error fails the packager for good (`error` with ERR_HLS_IO); a parse error fails
 * only its input.
 */
import { join } from 'node:path';
import { PlayerStreamerError } from '../errors.js';
import { TypedEmitter } from '@onair/protocol';
import type { HlsPackagerEvents, PackagerState, PartInfo, SegmentInfo } from './events.js';
import { HlsDirectory, PLAYLIST_FILE, initFileName, segmentFileName } from './files.js';
import { PackagerInput, type InputHost, type InputPart } from './input.js';
import { PartList, withRecentParts } from './part-list.js';
import { HLS_PACKAGER_DEFAULTS, resolveHlsOptions, type HlsPackagerOptions, type ResolvedHlsOptions } from './options.js';
import { renderPlaylist, type OpenSegment } from './playlist.js';
import { ProgramClock } from './program-clock.js';
import type { CutSegment } from './segmenter.js';
import { LiveWindow } from './window.js';

export class HlsPackager extends TypedEmitter<HlsPackagerEvents> {
  readonly #options: ResolvedHlsOptions;
  readonly #dir: HlsDirectory;
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
  readonly #parts = new PartList();
  /** Low-Latency HLS: the segment being built, as listed */
  #openSegment: OpenSegment | undefined;
  #segmentCount = 0;
  #lastSegmentAt: number | undefined;
  #queue: Promise<void> = Promise.resolve();
  #pendingBytes = 0;
  #drainWaiters: Array<() => void> = [];
  /** What inputs may call back into (kept off the public surface). */
  readonly #host: InputHost;

  private constructor(options: ResolvedHlsOptions, dir: HlsDirectory) {
    super(options.onListenerError);
    this.#options = options;
    this.#dir = dir;
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
  }

  /** Validates options (ERR_HLS_INVALID_OPTIONS), prepares the directory (ERR_HLS_IO). */
  static async open(options: HlsPackagerOptions): Promise<HlsPackager> {
    const resolved = resolveHlsOptions(options);
    const dir = await HlsDirectory.open(resolved.dir);
    return new HlsPackager({ ...resolved, dir: dir.path }, dir);
  }

  /** Absolute directory path. */
  get dir(): string {
    return this.#dir.path;
  }

  /** Absolute path of index.m3u8 (it exists once the first segment is published). */
  get playlistPath(): string {
    return join(this.#dir.path, PLAYLIST_FILE);
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

  /** Segments published (on disk and listed) so far. */
  get segmentCount(): number {
    return this.#segmentCount;
  }

  /** When (options.now() ms) the last segment was published; undefined before the first. */
  get lastSegmentAt(): number | undefined {
    return this.#lastSegmentAt;
  }

  /** Inputs opened so far. */
  get inputCount(): number {
    return this.#inputCount;
  }

  /**
   * Starts the input of a new ffmpeg run. The previous input must have ended or failed
   * (ERR_HLS_INPUT_ACTIVE); not after `finish()` (ERR_HLS_FINISHED) or a failure (its error).
   */
  input(): PackagerInput {
    if (this.#failure) throw this.#failure;
    if (this.#finishing || this.#state !== 'live') throw new PlayerStreamerError('ERR_HLS_FINISHED', 'the packager is finished');
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
   * Ends the active input, if any, and writes the playlist with EXT-X-ENDLIST; idempotent.
   * Rejects with the packager's error if it failed.
   */
  finish(): Promise<void> {
    this.#finishing ??= this.#finish();
    return this.#finishing;
  }

  async #finish(): Promise<void> {
    // the input's last segment (published by end(), synchronously queued) goes out in the
    // same playlist write as EXT-X-ENDLIST: a player that saw it listed live and then only
    // ENDLIST appended may never mark its media ended (hls.js #5777)
    this.#finishRequested = true;
    await this.#active?.end();
    this.#enqueue(0, async () => {
      await this.#dir.writeAtomic(PLAYLIST_FILE, this.#renderPlaylist(true));
    });
    await this.#queue;
    if (this.#failure) throw this.#failure;
    this.#state = 'finished';
    this.emit('finish');
  }

  #addInit(input: number, boxes: readonly Buffer[]): void {
    const name = initFileName(input);
    this.#currentInit = name;
    const bytes = boxes.reduce((sum, box) => sum + box.length, 0);
    this.#enqueue(bytes, async () => {
      await this.#dir.writeAtomic(name, boxes);
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
      await this.#dir.writeAtomic(info.uri, segment.boxes);
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
      await this.#dir.writeAtomic(PLAYLIST_FILE, this.#renderPlaylist(last, undefined, hint));
      this.#segmentCount += 1;
      this.#lastSegmentAt = this.#options.now();
      this.emit('segment', info);
      for (const old of expired) {
        await this.#dir.remove(old.uri);
        for (const part of old.parts ?? []) await this.#dir.remove(part.uri);
      }
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
    const info: PartInfo = { sequence: entry.sequence, uri: entry.uri, durationSec: entry.durationSec, independent: entry.independent, segmentSequence: this.#nextSequence };
    const lowLatency = this.#options.lowLatency;
    if (lowLatency && part.durationSec > lowLatency.partTargetSec + 0.001) {
      this.emit(
        'warning',
        new PlayerStreamerError('ERR_HLS_PART_TOO_LONG', `part ${entry.sequence} lasts ${part.durationSec.toFixed(3)} s, more than PART-TARGET ${lowLatency.partTargetSec}`),
      );
    }
    this.#enqueue(part.byteLength, async () => {
      await this.#dir.writeAtomic(entry.uri, part.boxes);
      await this.#dir.writeAtomic(PLAYLIST_FILE, this.#renderPlaylist(false, open, hint));
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
      await this.#dir.remove(name);
      this.#inits.delete(name);
    }
  }

  /**
   * `open` and `hintUri`: the segment being built and the next part as of when the task was
   * queued (parts added since are queued behind it).
   */
  #renderPlaylist(ended: boolean, open?: OpenSegment, hintUri?: string): string {
    const lowLatency = this.#options.lowLatency;
    if (!lowLatency) {
      return renderPlaylist({
        targetDuration: this.#options.playlistTargetDuration,
        mediaSequence: this.#window.mediaSequence,
        discontinuitySequence: this.#window.discontinuitySequence,
        segments: this.#window.segments,
        ended,
      });
    }
    const openSec = open?.parts.reduce((sum, p) => sum + p.durationSec, 0) ?? 0;
    const horizonSec = HLS_PACKAGER_DEFAULTS.partListTargetDurations * this.#options.playlistTargetDuration;
    return renderPlaylist({
      targetDuration: this.#options.playlistTargetDuration,
      mediaSequence: this.#window.mediaSequence,
      discontinuitySequence: this.#window.discontinuitySequence,
      segments: withRecentParts(this.#window.segments, openSec, horizonSec),
      ended,
      lowLatency: {
        partTargetSec: lowLatency.partTargetSec,
        partHoldBackSec: lowLatency.partHoldBackSec,
        ...(open ? { open } : {}),
        ...(hintUri ? { preloadHintUri: hintUri } : {}),
      },
    });
  }

  #enqueue(bytes: number, task: () => Promise<void>): void {
    this.#pendingBytes += bytes;
    this.#queue = this.#queue.then(async () => {
      try {
        if (!this.#failure) await task();
      } catch (error) {
        this.#fail(error instanceof PlayerStreamerError ? error : PlayerStreamerError.io('packaging in', this.#dir.path, error));
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
