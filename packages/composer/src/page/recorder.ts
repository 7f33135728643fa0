/**
 * One recording: a MediaRecorder over the composed stream (canvas video + mixed audio),
 * started with a timeslice so chunks flow continuously. A new Recording (so a new container
 * header) is made for every ingest connection. After `stop()` no chunk is delivered.
 */
import type { RecorderFormat } from '../recorder-format.js';

export interface RecordingOptions {
  format: RecorderFormat;
  videoBitsPerSecond: number;
  audioBitsPerSecond: number;
  keyFrameIntervalMs: number;
  timesliceMs: number;
}

/** Chromium's MediaRecorder option for a fixed keyframe interval (not yet in lib.dom). */
interface ChromiumMediaRecorderOptions extends MediaRecorderOptions {
  videoKeyFrameIntervalDuration?: number;
}

export class Recording {
  readonly #recorder: MediaRecorder;
  #stopped = false;

  constructor(
    stream: MediaStream,
    options: RecordingOptions,
    onChunk: (chunk: Blob) => void,
    onError: (error: unknown) => void,
  ) {
    const recorderOptions: ChromiumMediaRecorderOptions = {
      mimeType: options.format.mimeType,
      videoBitsPerSecond: options.videoBitsPerSecond,
      audioBitsPerSecond: options.audioBitsPerSecond,
      // every HLS segment must start on a keyframe
      videoKeyFrameIntervalDuration: options.keyFrameIntervalMs,
    };
    const recorder = new MediaRecorder(stream, recorderOptions);
    recorder.addEventListener('dataavailable', (event) => {
      if (!this.#stopped && event.data.size > 0) onChunk(event.data);
    });
    recorder.addEventListener('error', (event) => {
      if (this.#stopped) return;
      this.stop();
      onError((event as Event & { error?: unknown }).error ?? new Error('MediaRecorder error'));
    });
    recorder.start(options.timesliceMs);
    this.#recorder = recorder;
  }

  get mimeType(): string {
    return this.#recorder.mimeType;
  }

  /** Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#recorder.state !== 'inactive') {
      try {
        this.#recorder.stop();
      } catch {
        // already stopping
      }
    }
  }
}
