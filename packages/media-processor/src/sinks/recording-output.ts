/**
 * The MP4 recording as a job's sink: fragmented MP4 pieces in the recording's directory
 * (RecordingSink), one per ffmpeg run, that can be closed before the job ends (the disk is
 * low): what was written so far is then on disk, ready to be finalised, and later runs'
 * bytes are dropped (StoppableRecording).
 */
import { RecordingSink } from '../recording-sink.js';
import type { Sink } from './sink.js';
import { StoppableRecording } from './stoppable-recording.js';

export interface RecordingOutputOptions {
  /** the recording's directory (pieces already there are kept and followed) */
  dir: string;
  onError?: (err: Error, piece: string) => void;
}

export async function openRecordingOutput(opts: RecordingOutputOptions): Promise<Sink> {
  const recording = new StoppableRecording(await RecordingSink.open(opts.onError ? { dir: opts.dir, onError: opts.onError } : { dir: opts.dir }));
  return {
    input: () => recording.input(),
    close: () => recording.stop(),
    // the pieces written so far are complete files; the next worker adds its own after them
    detach: () => recording.stop(),
  };
}
