/**
 * Reading a streamer's HLS output from its storage directory, and checking its media with
 * ffprobe/ffmpeg: codecs, keyframes, durations, and pixels of a decoded frame.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';

const run = promisify(execFile);
export const ffmpegPath: string = ffmpegInstaller.path;
export const ffprobePath: string = ffprobeInstaller.path;

export interface PlaylistSegment {
  uri: string;
  duration: number;
  /** EXT-X-MAP in force for it */
  map: string;
  discontinuity: boolean;
}

export interface Playlist {
  text: string;
  mediaSequence: number;
  targetDuration: number;
  segments: PlaylistSegment[];
  ended: boolean;
  discontinuities: number;
}

export const streamDir = (dataDir: string, streamerSid: string) => join(dataDir, 'streams', streamerSid);

export function readPlaylist(dir: string): Playlist | undefined {
  const path = join(dir, 'index.m3u8');
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const segments: PlaylistSegment[] = [];
  let map = '';
  let duration = 0;
  let discontinuity = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#EXT-X-MAP:')) map = /URI="([^"]+)"/.exec(line)?.[1] ?? '';
    else if (line.startsWith('#EXTINF:')) duration = parseFloat(line.slice(8));
    else if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (line && !line.startsWith('#')) {
      segments.push({ uri: line, duration, map, discontinuity });
      discontinuity = false;
    }
  }
  const num = (tag: string) => Number(new RegExp(`#${tag}:(\\d+)`).exec(text)?.[1] ?? NaN);
  return {
    text,
    mediaSequence: num('EXT-X-MEDIA-SEQUENCE'),
    targetDuration: num('EXT-X-TARGETDURATION'),
    segments,
    ended: text.includes('#EXT-X-ENDLIST'),
    discontinuities: segments.filter((s) => s.discontinuity).length,
  };
}

/** init + segment as one playable MP4 file in a temp dir (segments of fMP4 HLS need their init). */
export function standalone(dir: string, segment: PlaylistSegment): string {
  const out = join(mkdtempSync(join(tmpdir(), 'onair-seg-')), 'segment.mp4');
  writeFileSync(out, Buffer.concat([readFileSync(join(dir, segment.map)), readFileSync(join(dir, segment.uri))]));
  return out;
}

export interface ProbedSegment {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
  /** video packets in decode order: pts in s and whether each is a keyframe */
  video: { pts: number; key: boolean }[];
  videoDuration: number;
}

export async function probe(file: string): Promise<ProbedSegment> {
  const { stdout: s } = await run(ffprobePath, ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file]);
  const { stdout: p } = await run(ffprobePath, [
    '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time,flags', '-of', 'json', file,
  ]);
  const packets = (JSON.parse(p).packets ?? []) as { pts_time: string; duration_time?: string; flags: string }[];
  const video = packets.map((k) => ({ pts: Number(k.pts_time), key: k.flags.includes('K') }));
  const last = packets.at(-1);
  const videoDuration = video.length ? video.at(-1)!.pts - video[0]!.pts + Number(last?.duration_time ?? 1 / 30) : 0;
  return { streams: JSON.parse(s).streams, video, videoDuration };
}

/** The audio packets of `file` in decode order: pts and duration in the stream's time base (1/sample rate for AAC in MP4). */
export async function audioPackets(file: string): Promise<{ pts: number; duration: number }[]> {
  const { stdout } = await run(ffprobePath, ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=pts,duration', '-of', 'json', file]);
  return ((JSON.parse(stdout).packets ?? []) as { pts: string; duration: string }[]).map((p) => ({ pts: Number(p.pts), duration: Number(p.duration) }));
}

/** The first video frame of `file`, scaled to w×h, as RGB bytes. */
export async function firstFrameRgb(file: string, w: number, h: number): Promise<Buffer> {
  const { stdout } = await run(
    ffmpegPath,
    ['-v', 'error', '-i', file, '-frames:v', '1', '-vf', `scale=${w}:${h}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout as unknown as Buffer;
}

/** Mean luma (BT.601) of a rectangle of an RGB frame. */
export function meanLuma(rgb: Buffer, frameWidth: number, rect: { x: number; y: number; w: number; h: number }): number {
  let sum = 0;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    for (let x = rect.x; x < rect.x + rect.w; x++) {
      const i = (y * frameWidth + x) * 3;
      sum += 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
    }
  }
  return sum / (rect.w * rect.h);
}
