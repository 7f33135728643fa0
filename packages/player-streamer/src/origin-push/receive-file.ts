/**
 * Receives one pushed file: the request body (chunked or with Content-Length) streams into a
 * temp file beside its final name, which is renamed into place only once the body is
 * complete. A body that is cut, stalls, or grows past the cap leaves no file behind (the
 * temp file is deleted), and the file that was there before stays as it was. Temp names
 * (`.<name>.<pid>.<n>.tmp`) are those HlsDirectory removes at open and that the playback
 * origin's watch ignores.
 */
import type { IncomingMessage } from 'node:http';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OriginRefusal } from './refusal.js';

export interface ReceiveOptions {
  readonly maxBytes: number;
  /** the body may pause this long between chunks (a live part is written as it is encoded) */
  readonly idleTimeoutMs: number;
  /** fsync before the rename (recordings: written once, kept) */
  readonly durable: boolean;
}

let tempCounter = 0;
/** directories known to exist (a stream's directory gets a file five times a second: one mkdir is enough) */
const made = new Set<string>();
const MADE_MAX = 10_000;

/** Stores the body of `req` as `<dir>/<name>`; resolves with its size. Rejects with an OriginRefusal. */
export async function receiveFile(req: IncomingMessage, dir: string, name: string, options: ReceiveOptions): Promise<number> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > options.maxBytes) throw OriginRefusal.tooLarge(options.maxBytes);
  if (!made.has(dir)) {
    await mkdir(dir, { recursive: true });
    if (made.size >= MADE_MAX) made.clear();
    made.add(dir);
  }
  tempCounter += 1;
  const temp = join(dir, `.${name}.${process.pid}.${tempCounter}.tmp`);
  const file = await open(temp, 'wx').catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    // the directory went meanwhile (retention removed an ended stream): made again
    await mkdir(dir, { recursive: true });
    return open(temp, 'wx');
  });
  let stored = false;
  try {
    const size = await readBody(req, options, async (chunk) => {
      await file.write(chunk);
    });
    if (options.durable) await file.sync();
    await file.close();
    await rename(temp, join(dir, name));
    stored = true;
    return size;
  } finally {
    if (!stored) {
      await file.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
}

/** Feeds the body to `write`, chunk by chunk in order; rejects when it is cut, stalls or is too large. */
function readBody(req: IncomingMessage, options: ReceiveOptions, write: (chunk: Buffer) => Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let writing: Promise<void> = Promise.resolve();
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (refusal: OriginRefusal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      req.pause();
      // the rest of the body is not wanted: answer now, then the connection closes (Connection: close)
      writing.finally(() => reject(refusal)).catch(() => undefined);
    };
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        fail(OriginRefusal.incomplete(`No body bytes for ${options.idleTimeoutMs} ms: nothing stored`));
        req.destroy();
      }, options.idleTimeoutMs);
      timer.unref();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxBytes) return fail(OriginRefusal.tooLarge(options.maxBytes));
      idle();
      req.pause();
      writing = writing.then(() => write(chunk));
      writing.then(
        () => {
          if (!settled) req.resume();
        },
        () => fail(OriginRefusal.internal()),
      );
    };
    const onEnd = () => {
      if (settled) return;
      writing.then(
        () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          cleanup();
          resolve(size);
        },
        () => fail(OriginRefusal.internal()),
      );
    };
    const onAborted = () => fail(OriginRefusal.incomplete('The body was cut before its end: nothing stored'));
    const onClose = () => {
      if (!req.complete) onAborted();
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('aborted', onAborted);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('aborted', onAborted);
    req.on('close', onClose);
    idle();
  });
}
