/**
 * Keeps a job's stream on disk: the same fragmented MP4 bytes ffmpeg gives the HLS packagers,
 * appended as they come to `piece-NNNNNN.mp4` in the recording's directory. No second
 * encode. Each recording of the job (a restart of Chromium or ffmpeg starts one, with its own
 * init segment) is a piece of its own; `finalizeRecording` later joins them into one MP4.
 * A crash of the server leaves the pieces as they were written, ready to be finalised.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** What a job writes a recording to: one input per recording, like an HLS packager's. */
export interface RecordingTap {
  input(): { write(chunk: Buffer): void; end(): Promise<void> };
}

export const PIECE_PATTERN = /^piece-(\d{6})\.mp4$/;
export const pieceName = (index: number) => `piece-${String(index).padStart(6, '0')}.mp4`;

export interface RecordingSinkOptions {
  dir: string;
  /** a piece could not be written (disk full, directory gone): the rest of it is dropped */
  onError?: (err: Error, piece: string) => void;
  /** the first piece's number at least (pieces of other workers' runs of the same recording come before it) */
  firstPiece?: number;
}

export class RecordingSink implements RecordingTap {
  private next: number;
  private written = 0;
  private readonly open = new Set<WriteStream>();

  private constructor(
    private readonly opts: RecordingSinkOptions,
    first: number,
  ) {
    this.next = first;
  }

  /** Creates the directory; pieces already there (an earlier run) are kept and followed. */
  static async open(opts: RecordingSinkOptions): Promise<RecordingSink> {
    await mkdir(opts.dir, { recursive: true });
    const last = (await readdir(opts.dir))
      .map((f) => PIECE_PATTERN.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .reduce((max, n) => Math.max(max, Number(n)), 0);
    return new RecordingSink(opts, Math.max(last + 1, opts.firstPiece ?? 0));
  }

  get dir(): string {
    return this.opts.dir;
  }

  /** Bytes handed to the pieces so far. */
  get bytes(): number {
    return this.written;
  }

  /** A new piece. Its writes are buffered by the stream; `end()` resolves once it is on disk. */
  input(): { readonly name: string; write(chunk: Buffer): void; end(): Promise<void> } {
    const name = pieceName(this.next++);
    const stream = createWriteStream(join(this.opts.dir, name), { flags: 'wx' });
    this.open.add(stream);
    let failed = false;
    let ended: Promise<void> | undefined;
    stream.on('error', (err) => {
      if (failed) return;
      failed = true;
      this.opts.onError?.(err, name);
    });
    return {
      name,
      write: (chunk) => {
        if (failed || ended) return;
        this.written += chunk.length;
        stream.write(chunk);
      },
      end: () => {
        ended ??= new Promise<void>((resolve) => {
          const done = () => {
            this.open.delete(stream);
            resolve();
          };
          if (failed || stream.destroyed) return done();
          stream.once('error', done);
          stream.end(done);
        });
        return ended;
      },
    };
  }

  /** Pieces still being written. */
  get openPieces(): number {
    return this.open.size;
  }
}
