/**
 * The MP4 recording of a job on a remote worker: its pieces are written on the worker's disk
 * as on the server (RecordingSink), and each one is uploaded to the origin's data dir as soon
 * as it is complete (its ffmpeg run ended, or the recording was stopped), then removed here.
 * The server joins them into the MediaRecording's MP4 when the job reports
 * `recordingClosed`, as it does for its own.
 *
 * Piece numbers continue across workers: a worker that takes a job over numbers its pieces
 * from the seconds since the processor was created, so they sort after the pieces of the
 * worker before it and never overwrite them at the origin.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingSink, type RecordingTap } from '../recording-sink.js';
import type { Sink } from './sink.js';
import { StoppableRecording } from './stoppable-recording.js';

export interface UploadedRecordingOptions {
  /** where the pieces are written on this machine before their upload */
  dir: string;
  /** epoch ms the processor was created */
  createdAt: number;
  /** uploads one complete piece to the origin (player-streamer's uploadRecording) */
  upload: (name: string, path: string) => Promise<void>;
  onError?: (err: Error, piece: string) => void;
}

export async function openUploadedRecording(opts: UploadedRecordingOptions): Promise<Sink> {
  const firstPiece = Math.max(0, Math.floor((Date.now() - opts.createdAt) / 1000));
  const sink = await RecordingSink.open({ dir: opts.dir, firstPiece, ...(opts.onError ? { onError: opts.onError } : {}) });
  const uploads = new Set<Promise<void>>();
  const uploading: RecordingTap = {
    input: () => {
      const piece = sink.input();
      let ended: Promise<void> | undefined;
      return {
        write: (chunk) => piece.write(chunk),
        // once: the job's ffmpeg exit and a stop() may both end it
        end: () =>
          (ended ??= piece.end().then(() => {
            const path = join(opts.dir, piece.name);
            const upload = opts
              .upload(piece.name, path)
              .then(() => rm(path, { force: true }))
              .catch((err: Error) => opts.onError?.(err, piece.name))
              .finally(() => uploads.delete(upload));
            uploads.add(upload);
          })),
      };
    },
  };
  const recording = new StoppableRecording(uploading);
  const finish = async () => {
    await recording.stop();
    while (uploads.size) await Promise.all([...uploads]);
  };
  return { input: () => recording.input(), close: finish, detach: finish };
}
