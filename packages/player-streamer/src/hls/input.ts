/**
 * One input of the packager: the fragmented MP4 stdout of one ffmpeg run.
 *
 * `write()` parses synchronously and never throws on bad bytes: a parse error fails the
 * input (the packager emits `error`), the segment being built from complete fragments is
 * still published, and later writes are ignored (they return false). `end()` drops an
 * incomplete trailing fragment (ffmpeg killed mid-write), publishes the last segment and
 * resolves once everything is on disk.
 */
import { Writable } from 'node:stream';
import { PlayerStreamerError } from '../errors.js';
import { FragmentedStream, type StreamItem } from '../mp4/fragmented-stream.js';
import type { InputSummary } from './events.js';
import type { ResolvedHlsOptions } from './options.js';
import { Segmenter, type CutSegment } from './segmenter.js';

/** What an input needs from its packager (implemented inside HlsPackager; not public API). */
export interface InputHost {
  readonly options: ResolvedHlsOptions;
  addInit(input: number, boxes: readonly Buffer[]): void;
  /** `anchorWallMs`: when the input's first sample was captured (given with its first segment). */
  addSegment(input: number, segment: CutSegment, anchorWallMs: number): void;
  /** Low-Latency HLS: a fragment is now the newest part of the open segment (after the cuts it caused). */
  addPart(input: number, part: InputPart, anchorWallMs: number): void;
  /** The input is done (failed when `error` is given); resolves when its files are on disk. */
  inputStopped(input: number, error?: PlayerStreamerError): Promise<void>;
  warn(warning: PlayerStreamerError): void;
  /** Whether fewer than highWaterMarkBytes wait to be written. */
  hasRoom(): boolean;
  drained(): Promise<void>;
}

export type InputState = 'open' | 'ended' | 'failed';

/** One fragment (moof+mdat) as a Low-Latency HLS part. */
export interface InputPart {
  readonly boxes: readonly Buffer[];
  readonly byteLength: number;
  readonly durationSec: number;
  /** starts with a keyframe */
  readonly independent: boolean;
  /** media time of its first sample */
  readonly startSec: number;
}

export class PackagerInput {
  readonly #host: InputHost;
  readonly #stream: FragmentedStream;
  readonly #segmenter: Segmenter;
  #state: InputState = 'open';
  #error: PlayerStreamerError | undefined;
  #done: Promise<InputSummary> | undefined;
  #segments = 0;
  #droppedFragments = 0;
  #droppedTailBytes = 0;
  #anchorWallMs: number | undefined;

  /** @internal created by `HlsPackager.input()` */
  constructor(
    host: InputHost,
    /** Index of this input in its packager, from 0 (names its init file). */
    readonly index: number,
  ) {
    this.#host = host;
    const { maxBoxSize, targetDurationSec, playlistTargetDuration, fragmentsEndAtKeyframes } = host.options;
    this.#stream = new FragmentedStream({ maxBoxSize });
    this.#segmenter = new Segmenter({ targetDurationSec, maxDurationSec: playlistTargetDuration + 0.5, fragmentsEndAtKeyframes });
  }

  get state(): InputState {
    return this.#state;
  }

  /** Why the input failed, if it did. */
  get error(): PlayerStreamerError | undefined {
    return this.#error;
  }

  get bytesReceived(): number {
    return this.#stream.bytesReceived;
  }

  /**
   * Adds bytes of ffmpeg's stdout, in any chunking. Returns false when the caller should
   * wait for `drained()` before writing more (disk behind), or when the input no longer
   * accepts bytes: `state` is then `failed` (see `error`) or `ended`. Never throws: it is
   * called from a stdout `data` handler, and bytes still arriving after `end()`/`finish()`
   * (ffmpeg not killed yet) are simply ignored.
   */
  write(chunk: Buffer): boolean {
    if (this.#state !== 'open') return false;
    let items: StreamItem[];
    try {
      items = this.#stream.push(chunk);
    } catch (error) {
      this.#fail(error instanceof PlayerStreamerError ? error : new PlayerStreamerError('ERR_MP4_MALFORMED', String(error), { cause: error }));
      return false;
    }
    for (const item of items) {
      if (item.kind === 'init') {
        this.#host.addInit(this.index, item.boxes);
        continue;
      }
      const { summary } = item;
      const result = this.#segmenter.push({
        boxes: item.boxes,
        byteLength: item.byteLength,
        durationSec: summary.durationSec,
        startsWithSync: summary.startsWithSync,
        ...(summary.startSec !== undefined ? { startSec: summary.startSec } : {}),
      });
      if (result.dropped) {
        this.#droppedFragments += 1;
        if (this.#droppedFragments === 1) {
          this.#host.warn(
            new PlayerStreamerError('ERR_HLS_NO_KEYFRAME', `input ${this.index}: fragments before the first keyframe are dropped`),
          );
        }
      } else if (this.#anchorWallMs === undefined) {
        this.#anchorWallMs = this.#host.options.now() - summary.durationSec * 1000;
      }
      for (const cut of result.cuts) this.#publish(cut);
      if (!result.dropped && this.#host.options.lowLatency) {
        this.#host.addPart(
          this.index,
          { boxes: item.boxes, byteLength: item.byteLength, durationSec: summary.durationSec, independent: summary.startsWithSync, startSec: result.startSec },
          this.#anchorWallMs ?? this.#host.options.now(),
        );
      }
    }
    return this.#host.hasRoom();
  }

  /** Resolves when fewer bytes wait for the disk than the high-water mark (or the input stopped). */
  drained(): Promise<void> {
    return this.#host.drained();
  }

  /** Ends the input (idempotent): drops an incomplete tail, publishes the last segment, waits for the disk. */
  end(): Promise<InputSummary> {
    if (this.#done) return this.#done;
    this.#state = 'ended';
    this.#droppedTailBytes = this.#stream.end().droppedBytes;
    this.#flush();
    this.#done = this.#host.inputStopped(this.index).then(() => this.#summary());
    return this.#done;
  }

  /**
   * A Writable for `stream.pipeline(ffmpeg.stdout, input.writable())`: it waits for
   * `drained()` when `write()` asks to (backpressure reaches ffmpeg through the pipe), errors
   * when the input fails (so the pipeline rejects and the caller can kill ffmpeg), and ends
   * the input when the source ends or the pipeline is torn down.
   */
  writable(): Writable {
    const stopped = () => this.#error ?? new PlayerStreamerError('ERR_HLS_INPUT_CLOSED', `input ${this.index} no longer accepts bytes`);
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (this.#state !== 'open') return callback(stopped());
        if (this.write(chunk)) return callback();
        if (this.#state !== 'open') return callback(stopped());
        this.drained().then(() => callback(), callback);
      },
      final: (callback) => {
        this.end().then((summary) => callback(summary.error ?? null), callback);
      },
      destroy: (error, callback) => {
        if (this.#state === 'open') void this.end();
        callback(error);
      },
    });
  }

  /** @internal the packager stops its active input when the packager itself fails. */
  abort(error: PlayerStreamerError): void {
    if (this.#state !== 'open') return;
    this.#state = 'failed';
    this.#error = error;
    this.#done = Promise.resolve(this.#summary());
  }

  #fail(error: PlayerStreamerError): void {
    this.#state = 'failed';
    this.#error = error;
    this.#flush();
    this.#done = this.#host.inputStopped(this.index, error).then(() => this.#summary());
  }

  #flush(): void {
    const last = this.#segmenter.flush();
    if (last) this.#publish(last);
  }

  #publish(segment: CutSegment): void {
    this.#segments += 1;
    this.#host.addSegment(this.index, segment, this.#anchorWallMs ?? this.#host.options.now());
  }

  #summary(): InputSummary {
    return {
      input: this.index,
      bytesReceived: this.#stream.bytesReceived,
      segments: this.#segments,
      droppedTailBytes: this.#droppedTailBytes,
      droppedFragments: this.#droppedFragments,
      ...(this.#error ? { error: this.#error } : {}),
    };
  }
}
