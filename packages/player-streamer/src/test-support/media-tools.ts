/** ffmpeg / ffprobe for integration tests: the npm static ffmpeg 4.1 and @ffprobe-installer's ffprobe. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import ffprobe from '@ffprobe-installer/ffprobe';

export const FFMPEG = ffmpeg.path;
export const FFPROBE = ffprobe.path;

/**
 * A synthetic live encode like the MediaProcessor's: 640x360 test pattern at 30 fps, H.264
 * with a 2 s GOP (keyframes exactly every 60 frames) + AAC, fragmented MP4 on stdout (with
 * `partSeconds`, also a fragment every part, for Low-Latency HLS).
 */
export function encodeArgs(options: { seconds: number; videoBitrate?: string; partSeconds?: number }): string[] {
  const rate = options.videoBitrate ? ['-b:v', options.videoBitrate, '-maxrate', options.videoBitrate, '-bufsize', '4M'] : [];
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(options.seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', ...rate, '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k',
    '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof',
    // Low-Latency HLS: a fragment (a part) every partSeconds, aimed a little short as the pipeline does
    ...(options.partSeconds ? ['-frag_duration', String(Math.round(options.partSeconds * 1e6) - 17_000)] : []),
    'pipe:1',
  ];
}

export type FfmpegProcess = ChildProcessByStdio<null, Readable, Readable>;

export function spawnFfmpeg(args: string[]): FfmpegProcess {
  return spawn(FFMPEG, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a program to completion, collecting its output. */
export function run(command: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr }));
  });
}

/** A deterministic pseudo-random generator (tests must be reproducible). */
export function seededRandom(seed: number): (maxExclusive: number) => number {
  let state = seed >>> 0 || 1;
  return (maxExclusive) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % maxExclusive;
  };
}

/** Cuts a chunk into pieces of random sizes (1 byte … 20 KB). */
export function rechunk(chunk: Buffer, random: (max: number) => number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < chunk.length; ) {
    const size = random(5) === 0 ? 1 + random(16) : 1 + random(20_000);
    pieces.push(chunk.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

export interface ProbedSegment {
  /** ffprobe flags of the video packets in decode order (`K_` for a keyframe). */
  readonly videoFlags: readonly string[];
  readonly audioPackets: number;
  readonly durationSec: number;
}

/** Probes `init + segment` concatenated, independently of our parser. */
export async function probeSegment(initPath: string, segmentPath: string, scratchPath: string): Promise<ProbedSegment> {
  await writeFile(scratchPath, Buffer.concat([await readFile(initPath), await readFile(segmentPath)]));
  const result = await run(FFPROBE, ['-v', 'error', '-show_entries', 'packet=codec_type,flags,duration_time', '-of', 'json', scratchPath]);
  if (result.code !== 0) throw new Error(`ffprobe failed: ${result.stderr}`);
  const packets = (JSON.parse(result.stdout.toString()) as { packets?: Array<{ codec_type: string; flags: string; duration_time?: string }> }).packets ?? [];
  const video = packets.filter((p) => p.codec_type === 'video');
  return {
    videoFlags: video.map((p) => p.flags),
    audioPackets: packets.filter((p) => p.codec_type === 'audio').length,
    durationSec: video.reduce((sum, p) => sum + Number(p.duration_time ?? 0), 0),
  };
}
