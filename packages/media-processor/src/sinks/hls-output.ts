/**
 * An HLS packager as a job's sink: one per PlayerStreamer output, cut as its latency mode
 * says (stream-packaging.ts). Playable once its first segment is listed.
 */
import type { LatencyMode } from '@onair/protocol';
import { HlsPackager, type PackagerStore, type PlayerStreamerError, type SegmentInfo } from '@onair/player-streamer';
import type { MediaSettings } from '../defaults.js';
import type { Sink } from './sink.js';
import { streamPackaging } from './stream-packaging.js';

export interface HlsOutputOptions {
  /** the stream's directory (on this machine); or `store` */
  dir?: string | undefined;
  /** where the files go instead of `dir`: the origin, over HTTP (a remote worker) */
  store?: PackagerStore | undefined;
  latencyMode: LatencyMode;
  media: MediaSettings;
  onSegment?: (segment: SegmentInfo) => void;
  onError?: (error: PlayerStreamerError) => void;
}

export async function openHlsOutput(opts: HlsOutputOptions): Promise<Sink> {
  // resume: a stream another worker started (it died, or drained) goes on after a
  // discontinuity; a new stream's directory has no snapshot, so it starts fresh
  const packager = await HlsPackager.open({
    ...(opts.store ? { store: opts.store } : { dir: opts.dir! }),
    ...streamPackaging(opts.latencyMode, opts.media),
    resume: true,
  });
  if (opts.onSegment) packager.on('segment', opts.onSegment);
  if (opts.onError) packager.on('error', opts.onError);
  let closing: Promise<void> | undefined;
  return {
    input: () => {
      if (closing) return { write: () => undefined, end: async () => undefined };
      const input = packager.input();
      return {
        write: (chunk) => void input.write(chunk),
        end: async () => {
          await input.end();
        },
      };
    },
    close: () => (closing ??= packager.finish().catch(() => undefined)),
    detach: () => (closing ??= packager.close()),
    onPlayable: (listener) => packager.once('segment', () => listener()),
  };
}
