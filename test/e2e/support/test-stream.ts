/**
 * A live test stream written where the server serves PlayerStreamer HLS from: real ffmpeg
 * encodes a test pattern + tone in real time (`-re`) as fragmented MP4 on stdout, and the
 * real `HlsPackager` (@onair/player-streamer) cuts it into `<dataDir>/streams/<VJ>/`
 * (index.m3u8, init-N.mp4, seg-N.m4s), as a MediaProcessor would. No Chromium.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FRAGMENT_AIM_SHORT_US, resolveFfmpegPath } from '@onair/media-processor';
import { HlsPackager, type SegmentInfo } from '@onair/player-streamer';

export interface TestStreamOptions {
  /** the server's data dir; the stream goes to `<dataDir>/streams/<streamerSid>` */
  dataDir: string;
  streamerSid: string;
  /** default 320x180 */
  size?: string;
  /** keyframe interval = segment duration, seconds (default 1) */
  segmentSeconds?: number;
  /** segments in the live playlist (default 6) */
  windowSegments?: number;
  /** ffmpeg stops after this (default: runs until stop()) */
  seconds?: number;
  /** video bitrate, e.g. "300k" (default: x264's CRF default) */
  videoBitrate?: string;
  /** Low-Latency HLS: ffmpeg cuts a fragment (a part) this often, s (default: none, plain HLS) */
  partSeconds?: number;
}

export interface TestStream {
  readonly dir: string;
  readonly packager: HlsPackager;
  readonly segments: SegmentInfo[];
  /** resolves once `count` segments are playable */
  waitForSegments(count: number, timeoutMs?: number): Promise<void>;
  /**
   * Stops ffmpeg and finishes the playlist (EXT-X-ENDLIST); idempotent. With `endlistAfterMs`
   * the last segment is listed live first and ENDLIST is appended on its own that much later.
   */
  stop(options?: { endlistAfterMs?: number }): Promise<void>;
  /**
   * Stops ffmpeg and starts a new one into a new packager input, as a MediaProcessor does after
   * its Chromium died: the playlist goes on after an EXT-X-DISCONTINUITY with a new init section.
   */
  restart(): Promise<void>;
}

const FPS = 30;

export function testStreamArgs(opts: Pick<TestStreamOptions, 'size' | 'segmentSeconds' | 'seconds' | 'videoBitrate' | 'partSeconds'>): string[] {
  const gop = String(Math.round((opts.segmentSeconds ?? 1) * FPS));
  const rate = opts.videoBitrate ? ['-b:v', opts.videoBitrate, '-maxrate', opts.videoBitrate, '-bufsize', opts.videoBitrate] : [];
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
    '-f', 'lavfi', '-i', `testsrc2=size=${opts.size ?? '320x180'}:rate=${FPS}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    ...(opts.seconds ? ['-t', String(opts.seconds)] : []),
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', ...rate,
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k',
    '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof',
    ...(opts.partSeconds ? ['-frag_duration', String(Math.round(opts.partSeconds * 1e6) - FRAGMENT_AIM_SHORT_US), '-flush_packets', '1'] : []),
    'pipe:1',
  ];
}

export async function startTestStream(opts: TestStreamOptions): Promise<TestStream> {
  const segmentSeconds = opts.segmentSeconds ?? 1;
  const dir = join(opts.dataDir, 'streams', opts.streamerSid);
  const packager = await HlsPackager.open({
    dir,
    targetDurationSec: segmentSeconds,
    windowSegments: opts.windowSegments ?? 6,
    ...(opts.partSeconds
      ? { partTargetSec: Math.ceil((opts.partSeconds + 1 / FPS) * 1000) / 1000 }
      : { playlistTargetDuration: Math.ceil(segmentSeconds), fragmentsEndAtKeyframes: true }),
  });
  const segments: SegmentInfo[] = [];
  const waiters = new Set<() => void>();
  packager.on('segment', (s) => {
    segments.push(s);
    for (const w of waiters) w();
  });
  let stderr = '';
  /** one ffmpeg into one packager input; `ended` once its last bytes are in the playlist */
  const run = () => {
    const ffmpeg: ChildProcessByStdio<null, Readable, Readable> = spawn(resolveFfmpegPath(process.env.FFMPEG_PATH), testStreamArgs(opts), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    ffmpeg.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const input = packager.input();
    ffmpeg.stdout.on('data', (chunk: Buffer) => {
      if (!input.write(chunk) && input.state === 'open') {
        ffmpeg.stdout.pause();
        void input.drained().then(() => ffmpeg.stdout.resume());
      }
    });
    const ended = new Promise<void>((resolve) => {
      ffmpeg.stdout.once('end', () => void input.end().then(() => resolve(), () => resolve()));
      ffmpeg.once('error', () => resolve());
    });
    const kill = async () => {
      if (ffmpeg.exitCode === null && ffmpeg.signalCode === null) ffmpeg.kill('SIGTERM');
      await ended;
    };
    return { kill };
  };
  let current = run();
  let stopping: Promise<void> | undefined;
  return {
    dir,
    packager,
    segments,
    waitForSegments(count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (segments.length < count) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${segments.length}/${count} segments after ${timeoutMs} ms; ffmpeg said: ${stderr.slice(-500)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    stop(options = {}) {
      stopping ??= (async () => {
        await current.kill();
        if (options.endlistAfterMs) await new Promise((r) => setTimeout(r, options.endlistAfterMs));
        await packager.finish();
      })();
      return stopping;
    },
    async restart() {
      await current.kill();
      current = run();
    },
  };
}
