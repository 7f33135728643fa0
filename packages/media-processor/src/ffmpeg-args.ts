/**
 * ffmpeg's command line for one recording: Matroska/WebM (H.264 or VP8 + Opus) from the
 * composer page on stdin, fragmented MP4 (H.264 + AAC, one fragment per keyframe) on stdout
 * for the HLS packager. Pure, so the choices are tested without running ffmpeg.
 *
 * - H.264 recordings are copied: the page already set the keyframe interval to the segment
 *   target, and copying costs ffmpeg almost nothing (FACTS: ~0.035 cores).
 * - VP8 recordings (Chromium without H.264 in MediaRecorder) are re-encoded with libx264,
 *   keyframes forced at the segment target.
 * - Audio is always re-encoded to AAC (MediaRecorder cannot record AAC), made continuous first:
 *   the recorder's audio has holes (its timestamps ran up to ~0.25 s ahead of its samples
 *   within seconds, measured in the glass-to-glass bench: Chromium's "Large timestamp gap
 *   detected"). A player's audio clock counts samples, so each hole put the viewer's play
 *   head further behind the audio it had buffered: its decoded audio ran out (an underflow,
 *   a stall) while `buffered` still showed 0.3–0.6 s. `aresample=async=1` fills holes with
 *   silence and trims overlaps, so samples and timestamps agree.
 */
import type { ComposerVideoCodec } from '@onair/protocol';

export interface FfmpegArgsInput {
  videoCodec: ComposerVideoCodec;
  /** the segment target, s: the keyframe interval of re-encoded video */
  segmentSeconds: number;
  frameRate: number;
  width: number;
  height: number;
  /** AAC bitrate, kb/s */
  audioKbps: number;
  /** libx264 preset for re-encoding */
  x264Preset: string;
  /** cut a fragment (an LL-HLS part) at least this often, s; 0 or absent: only at keyframes */
  partSeconds?: number;
}

/**
 * ffmpeg closes a fragment with the first packet past `-frag_duration`, so a fragment
 * overshoots by up to a frame: aim ~17 ms short (measured, FACTS: Low-Latency HLS).
 */
export const FRAGMENT_AIM_SHORT_US = 17_000;

/** Video bitrate for re-encoding, scaled from 2.5 Mb/s at 720p30 by pixels and frame rate. */
export function videoBitrate(width: number, height: number, frameRate: number): number {
  const scaled = 2_500_000 * ((width * height) / (1280 * 720)) * (frameRate / 30);
  return Math.round(Math.min(8_000_000, Math.max(300_000, scaled)) / 1000) * 1000;
}

export function ffmpegArgs(input: FfmpegArgsInput): string[] {
  const video =
    input.videoCodec === 'h264'
      ? ['-c:v', 'copy']
      : (() => {
          const kbps = Math.round(videoBitrate(input.width, input.height, input.frameRate) / 1000);
          const gop = Math.max(1, Math.round(input.segmentSeconds * input.frameRate));
          return [
            '-c:v', 'libx264',
            '-preset', input.x264Preset,
            '-tune', 'zerolatency',
            '-pix_fmt', 'yuv420p',
            '-b:v', `${kbps}k`,
            '-maxrate', `${kbps}k`,
            '-bufsize', `${kbps * 2}k`,
            '-g', String(gop),
            '-keyint_min', String(gop),
            '-sc_threshold', '0',
            '-force_key_frames', `expr:gte(t,n_forced*${input.segmentSeconds})`,
            // MediaRecorder's WebM has a 1 ms time base and a variable frame rate: without an
            // output rate ffmpeg 4.1 duplicates frames up to 1000 fps and cannot keep up
            '-r', String(input.frameRate),
          ];
        })();
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel', 'warning',
    // Matroska names its tracks and codecs in its header: no need to sit on the first
    // seconds of the stream probing it. (0 would mean ffmpeg's default of 5 s, not none.)
    '-probesize', '65536',
    '-analyzeduration', '500000',
    // nor on its first 20 frames estimating a frame rate (copy keeps the recorder's
    // timestamps): the first segment waits for ffmpeg's probing to end
    '-fpsprobesize', '0',
    // no +nobuffer: it drops the packets read while ffmpeg analyses the input (~1 s here),
    // so the first segment lost its frames after the first keyframe and came out 1.3 s longer
    // than the target, and its publication waited as long (measured)
    '-fflags', '+genpts',
    '-f', 'matroska', // reads WebM too
    '-i', 'pipe:0',
    '-map', '0:v:0',
    '-map', '0:a:0?',
    ...video,
    '-af', 'aresample=async=1',
    '-c:a', 'aac',
    '-b:a', `${input.audioKbps}k`,
    '-ar', '48000',
    '-ac', '2',
    '-f', 'mp4',
    '-movflags', '+frag_keyframe+empty_moov+default_base_moof',
    ...(input.partSeconds && input.partSeconds > 0
      ? [
          '-frag_duration', String(Math.max(10_000, Math.round(input.partSeconds * 1_000_000) - FRAGMENT_AIM_SHORT_US)),
          // each fragment leaves as soon as it is complete, not when an output buffer fills
          '-flush_packets', '1',
        ]
      : []),
    'pipe:1',
  ];
}
