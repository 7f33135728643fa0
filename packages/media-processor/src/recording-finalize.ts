/**
 * Turns a recording's pieces (fragmented MP4, one per recording of the job) into ONE regular
 * MP4: ffmpeg's concat demuxer, streams copied (`-c copy`, no encode), `+faststart` so the
 * index comes first and players can start before the whole file is there. Pieces without any
 * media fragment (a recorder that died before its first fragment) are left out; a piece cut
 * off by a crash keeps what it has. Idempotent: a directory that already holds the final
 * file and no pieces (finalised, then the server stopped before saying so) is measured again.
 */
import { execFile } from 'node:child_process';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileBoxes, mp4DurationSec } from './recording-mp4.js';
import { PIECE_PATTERN } from './recording-sink.js';

export const RECORDING_FILE = 'media.mp4';
const LIST_FILE = 'pieces.txt';
const TEMP_FILE = 'media.part.mp4';

export type RecordingErrorCode = 'ERR_RECORDING_EMPTY' | 'ERR_RECORDING_REMUX';

export class RecordingError extends Error {
  override readonly name = 'RecordingError';
  constructor(
    readonly code: RecordingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface FinalizeOptions {
  ffmpegPath: string;
  /** the recording's directory (pieces in, media.mp4 out) */
  dir: string;
  /** ms the remux may take before it is killed */
  timeoutMs?: number;
  /** keep the pieces after a successful remux (default: removed) */
  keepPieces?: boolean;
}

export interface FinalizedRecording {
  /** the MP4's file name inside `dir` */
  file: string;
  /** bytes */
  size: number;
  /** s, from the MP4's movie header */
  durationSec: number;
  /** pieces joined */
  pieces: number;
}

/** The pieces of `names` in recording order. */
export function orderPieces(names: string[]): string[] {
  return names.filter((n) => PIECE_PATTERN.test(n)).sort();
}

/** The concat demuxer's list for `pieces` (our own names: no quoting issues, checked anyway). */
export function concatList(pieces: string[]): string {
  return pieces
    .map((p) => {
      if (!PIECE_PATTERN.test(p)) throw new Error(`not a piece name: ${p}`);
      return `file '${p}'\n`;
    })
    .join('');
}

/** ffmpeg's arguments for the remux, run with `dir` as its working directory. */
export function remuxArgs(listFile: string, outFile: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'concat', '-safe', '0', '-i', listFile,
    '-map', '0', '-c', 'copy',
    '-movflags', '+faststart',
    '-f', 'mp4', outFile,
  ];
}

/** Whether a piece holds at least one media fragment (moof + mdat). */
async function hasMedia(path: string): Promise<boolean> {
  try {
    const types = new Set((await fileBoxes(path)).map((b) => b.type));
    return types.has('moov') && types.has('moof') && types.has('mdat');
  } catch {
    return false;
  }
}

async function measure(dir: string, pieces: number): Promise<FinalizedRecording> {
  const path = join(dir, RECORDING_FILE);
  const [{ size }, duration] = await Promise.all([stat(path), mp4DurationSec(path)]);
  if (!duration || duration <= 0) throw new RecordingError('ERR_RECORDING_EMPTY', 'the recording holds no media');
  return { file: RECORDING_FILE, size, durationSec: duration, pieces };
}

export async function finalizeRecording(opts: FinalizeOptions): Promise<FinalizedRecording> {
  const { dir } = opts;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new RecordingError('ERR_RECORDING_EMPTY', 'nothing was recorded (no recording directory)');
  }
  const all = orderPieces(names);
  if (all.length === 0 && names.includes(RECORDING_FILE)) return measure(dir, 0);
  const usable: string[] = [];
  for (const p of all) if (await hasMedia(join(dir, p))) usable.push(p);
  if (usable.length === 0) {
    throw new RecordingError('ERR_RECORDING_EMPTY', `nothing usable was recorded (${all.length} piece(s) without media)`);
  }
  await writeFile(join(dir, LIST_FILE), concatList(usable));
  await new Promise<void>((resolve, reject) => {
    execFile(
      opts.ffmpegPath,
      remuxArgs(LIST_FILE, TEMP_FILE),
      { cwd: dir, timeout: opts.timeoutMs ?? 10 * 60_000, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (err) {
          const last = String(stderr).trim().split('\n').at(-1) ?? '';
          reject(new RecordingError('ERR_RECORDING_REMUX', `ffmpeg could not join the recording: ${last || err.message}`));
        } else resolve();
      },
    );
  });
  await rename(join(dir, TEMP_FILE), join(dir, RECORDING_FILE));
  const result = await measure(dir, usable.length);
  await rm(join(dir, LIST_FILE), { force: true });
  if (!opts.keepPieces) await Promise.all(all.map((p) => rm(join(dir, p), { force: true })));
  return result;
}
