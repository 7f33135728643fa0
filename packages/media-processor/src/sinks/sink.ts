/**
 * Where a media job's fragmented MP4 goes. A job has one source (the composer page in
 * Chromium → ingest → ffmpeg) and several sinks: one HLS packager per output, the MP4
 * recording, and whatever comes later (timed metadata, more renditions). Every ffmpeg run
 * of the job (its first, and one after each restart) gets a fresh `input()` of every sink, so
 * a sink sees a restart as a new input and continues after a discontinuity.
 */
import type { MediaJobOutput } from '@onair/protocol';

/** One ffmpeg run's bytes into a sink. */
export interface SinkInput {
  write(chunk: Buffer): void;
  /** the run ended: resolves once what it wrote is kept (on disk, or pushed) */
  end(): Promise<void>;
}

export interface Sink {
  /** A new input for the next ffmpeg run. After close(), inputs drop what they are given. */
  input(): SinkInput;
  /** Ends the sink for good (an HLS playlist gets EXT-X-ENDLIST; a recording's pieces are final). Idempotent. */
  close(): Promise<void>;
  /**
   * Stops feeding the sink without ending it: the job moves to another worker, which opens
   * the same sink again with `resume` and carries on. Idempotent; close() after it does nothing.
   */
  detach(): Promise<void>;
  /** Calls `listener` (at most once) when the sink first holds something viewers can play. */
  onPlayable?(listener: () => void): void;
}

/** What a job's sinks are opened with (the worker decides where their files go). */
export interface SinkContext {
  /** the MediaProcessor SID */
  processorSid: string;
  /** the job continues a stream another worker (or run) started: sinks carry on after it */
  resume: boolean;
  /** epoch ms the processor was created (MediaJobSpec.createdAt) */
  createdAt: number;
}

export type OpenOutput = (output: MediaJobOutput, ctx: SinkContext) => Promise<Sink>;
export type OpenRecording = (
  recording: { mediaRecordingSid: string; containerFormat: 'mp4' },
  ctx: SinkContext,
) => Promise<Sink>;
