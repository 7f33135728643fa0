/**
 * A recording that can end before its job does (the disk fell below its floor): wraps the
 * job's RecordingTap; `stop()` closes the pieces being written, so everything recorded so
 * far is on disk and can be finalised, and ignores whatever the job writes afterwards (a
 * restart of the job's ffmpeg gets an input that drops its bytes).
 */
import type { RecordingTap } from '../recording-sink.js';

type Input = ReturnType<RecordingTap['input']>;

export class StoppableRecording implements RecordingTap {
  readonly #tap: RecordingTap;
  readonly #open = new Set<Input>();
  #stopped = false;

  constructor(tap: RecordingTap) {
    this.#tap = tap;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  input(): Input {
    if (this.#stopped) return { write: () => undefined, end: async () => undefined };
    const inner = this.#tap.input();
    const input: Input = {
      write: (chunk) => {
        if (!this.#stopped) inner.write(chunk);
      },
      end: () => {
        this.#open.delete(input);
        return inner.end();
      },
    };
    this.#open.add(input);
    return input;
  }

  /** Ends the recording now: resolves once its open pieces are on disk. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#open].map((input) => input.end()));
  }
}
