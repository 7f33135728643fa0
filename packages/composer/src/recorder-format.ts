/**
 * Which MediaRecorder format to record in. H.264 first: Matroska is what ffmpeg reads best
 * from a pipe, and H.264 lets the job copy the video instead of re-encoding it; WebM/H.264
 * next; VP8 last. `vp8` asks for VP8 directly (the processor's re-encoding baseline).
 */
import type { ComposerVideoCodec } from '@onair/protocol';
import { ComposerError } from './errors.js';

export interface RecorderFormat {
  mimeType: string;
  videoCodec: ComposerVideoCodec;
}

export const RECORDER_FORMATS: Readonly<Record<ComposerVideoCodec, readonly RecorderFormat[]>> = {
  h264: [
    { mimeType: 'video/x-matroska;codecs=avc1,opus', videoCodec: 'h264' },
    { mimeType: 'video/webm;codecs=h264,opus', videoCodec: 'h264' },
    { mimeType: 'video/webm;codecs=vp8,opus', videoCodec: 'vp8' },
  ],
  vp8: [{ mimeType: 'video/webm;codecs=vp8,opus', videoCodec: 'vp8' }],
};

/**
 * The first format in the preference list of `preferred` that `isTypeSupported` accepts
 * (in the page: `MediaRecorder.isTypeSupported`). Throws ComposerError (ERR_NO_RECORDER_FORMAT).
 */
export function chooseRecorderFormat(
  preferred: ComposerVideoCodec,
  isTypeSupported: (mimeType: string) => boolean,
): RecorderFormat {
  const candidates = RECORDER_FORMATS[preferred];
  const found = candidates.find((format) => isTypeSupported(format.mimeType));
  if (!found) throw ComposerError.noRecorderFormat(candidates.map((f) => f.mimeType));
  return found;
}
