/** Checks on a recorded media file with ffprobe (`@ffprobe-installer`) and ffmpeg (`@ffmpeg-installer`). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import ffprobe from '@ffprobe-installer/ffprobe';

const run = promisify(execFile);

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
}

export interface Probe {
  format: { format_name: string };
  streams: ProbedStream[];
}

export async function probe(file: string): Promise<Probe> {
  const { stdout } = await run(ffprobe.path, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Probe;
}

/** One decoded frame at `atSec` (decoded from the start, so exact) as packed RGB24. */
export async function frameRgb(file: string, atSec: number, width: number, height: number): Promise<Buffer> {
  const { stdout } = await run(
    ffmpeg.path,
    ['-v', 'error', '-i', file, '-ss', String(atSec), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  if (stdout.length !== width * height * 3) throw new Error(`expected a ${width}x${height} frame, got ${stdout.length} bytes`);
  return stdout;
}

/** Peak and RMS (0–1) of the audio, decoded to mono 16-bit at 8 kHz. */
export async function audioLevels(file: string): Promise<{ peak: number; rms: number; seconds: number }> {
  const { stdout } = await run(ffmpeg.path, ['-v', 'error', '-i', file, '-vn', '-ac', '1', '-ar', '8000', '-f', 's16le', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  let peak = 0;
  let sum = 0;
  const n = Math.floor(stdout.length / 2);
  for (let i = 0; i < n; i++) {
    const v = stdout.readInt16LE(i * 2) / 32768;
    peak = Math.max(peak, Math.abs(v));
    sum += v * v;
  }
  return { peak, rms: n > 0 ? Math.sqrt(sum / n) : 0, seconds: n / 8000 };
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Mean R, G, B and luma (BT.601) of a region of a packed RGB24 frame. */
export function regionStats(rgb: Buffer, frameWidth: number, r: Region): { r: number; g: number; b: number; luma: number } {
  let sr = 0;
  let sg = 0;
  let sb = 0;
  let n = 0;
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      const i = (y * frameWidth + x) * 3;
      sr += rgb[i]!;
      sg += rgb[i + 1]!;
      sb += rgb[i + 2]!;
      n++;
    }
  }
  const mean = { r: sr / n, g: sg / n, b: sb / n };
  return { ...mean, luma: 0.299 * mean.r + 0.587 * mean.g + 0.114 * mean.b };
}

/** The EBML magic every Matroska/WebM stream starts with. */
export const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
