/**
 * The origin's push endpoint: a plain node:http handler for everything under `/origin`,
 * where workers (HttpPushStore) deliver what their packagers write.
 *
 *   PUT    /origin/streams/<VJ>/<file>      a generated HLS file or packager.json (body streamed, chunked or not)
 *   DELETE /origin/streams/<VJ>/<file>      (a file already gone is fine)
 *   GET    /origin/streams/<VJ>/packager.json   the snapshot, 404 when none
 *   PUT    /origin/recordings/<KV>/<file>   media.mp4 or piece-NNNNNN.mp4
 *
 * Every request is authorized first (`authorize`, HTTP Basic checked by the server; 401
 * 20003 otherwise). The path is read raw, never decoded or normalised: a SID or a name that
 * is not exactly one of the patterns (names.ts) is refused (400 20001), so `..`, escapes and
 * overlong names never reach the filesystem. Files are written atomically (receive-file.ts)
 * into the directory the server names, so the playback origin (fs.watch waiters, file cache)
 * serves pushed streams as it serves local ones. At most `maxConcurrentPushes` bodies are
 * received at once (429 20429 with Retry-After beyond); sizes are capped (413 20413).
 * Refusals are Twilio's error JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { SNAPSHOT_FILE } from '../hls/snapshot.js';
import { ORIGIN_PATH, isPushableStreamFile, isRecordingFileName, isRecordingSid, isStreamerSid } from './names.js';
import { receiveFile } from './receive-file.js';
import { OriginRefusal, sendJson } from './refusal.js';

export interface OriginIngestOptions {
  /** The directory of a streamer's HLS files (`<dataDir>/streams/<VJ>`); called with a checked VJ SID. */
  streamDir(streamerSid: string): string;
  /** The directory of a recording's files (`<dataDir>/recordings/<KV>`); called with a checked KV SID. */
  recordingDir(mediaRecordingSid: string): string;
  /** Whether the request carries valid credentials (the server compares them in constant time). */
  authorize(req: IncomingMessage): boolean | Promise<boolean>;
  /** Largest stream file, bytes (default 32 MiB). */
  maxFileBytes?: number;
  /** Largest recording file, bytes (default 16 GiB). */
  maxRecordingBytes?: number;
  /** Bodies received at once, all streams together (default 64). */
  maxConcurrentPushes?: number;
  /** A body that sends nothing for this long is cut and nothing is stored, ms (default 15 000). */
  idleTimeoutMs?: number;
}

export const ORIGIN_INGEST_DEFAULTS = {
  maxFileBytes: 32 * 1024 * 1024,
  maxRecordingBytes: 16 * 1024 * 1024 * 1024,
  maxConcurrentPushes: 64,
  idleTimeoutMs: 15_000,
} as const;

/** The handler, plus what it is doing (for metrics). */
export interface OriginIngest {
  (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): Promise<void>;
  /** bodies being received now */
  readonly active: number;
}

export function createOriginIngest(options: OriginIngestOptions): OriginIngest {
  const opts = { ...ORIGIN_INGEST_DEFAULTS, ...definedOnly(options) };
  for (const key of ['maxFileBytes', 'maxRecordingBytes', 'maxConcurrentPushes', 'idleTimeoutMs'] as const) {
    if (!(Number.isSafeInteger(opts[key]) && opts[key] > 0)) throw new TypeError(`${key} must be a whole number > 0, got ${String(opts[key])}`);
  }
  let active = 0;

  const directory = (dir: string): string => {
    if (!isAbsolute(dir)) throw new TypeError(`the origin's directories must be absolute, got ${dir}`);
    return dir;
  };

  const receive = async (req: IncomingMessage, res: ServerResponse, dir: string, name: string, maxBytes: number, durable: boolean) => {
    if (active >= opts.maxConcurrentPushes) throw OriginRefusal.busy(opts.maxConcurrentPushes);
    active += 1;
    try {
      await receiveFile(req, dir, name, { maxBytes, idleTimeoutMs: opts.idleTimeoutMs, durable });
    } finally {
      active -= 1;
    }
    res.statusCode = 204;
    res.setHeader('Cache-Control', 'no-store');
    res.end();
  };

  const route = async (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): Promise<void> => {
    const raw = req.originalUrl ?? req.url ?? '';
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    if (path !== ORIGIN_PATH && !path.startsWith(`${ORIGIN_PATH}/`)) throw OriginRefusal.notFound();
    if (!(await options.authorize(req))) throw OriginRefusal.unauthorized();
    const [kind, sid = '', name = '', ...rest] = path.slice(ORIGIN_PATH.length + 1).split('/');
    if (rest.length > 0 || name === '' || (kind !== 'streams' && kind !== 'recordings')) throw OriginRefusal.notFound();
    const method = req.method ?? 'GET';

    if (kind === 'streams') {
      if (!isStreamerSid(sid)) throw OriginRefusal.invalid('Not a PlayerStreamer SID (VJ…)');
      if (!isPushableStreamFile(name)) throw OriginRefusal.invalid('Not a stream file name (index.m3u8, init-N.mp4, seg-N.m4s, part-N.m4s, packager.json)');
      const dir = directory(options.streamDir(sid));
      if (method === 'PUT') return receive(req, res, dir, name, opts.maxFileBytes, false);
      if (method === 'DELETE') {
        req.resume();
        await rm(join(dir, name), { force: true });
        res.statusCode = 204;
        res.end();
        return;
      }
      if (method === 'GET' && name === SNAPSHOT_FILE) {
        req.resume();
        let data: Buffer;
        try {
          data = await readFile(join(dir, name));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw OriginRefusal.notFound('This stream has no packager snapshot');
          throw error;
        }
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Content-Length', String(data.length));
        res.setHeader('Cache-Control', 'no-store');
        res.end(data);
        return;
      }
      throw OriginRefusal.method(name === SNAPSHOT_FILE ? 'GET, PUT, DELETE' : 'PUT, DELETE');
    }

    if (!isRecordingSid(sid)) throw OriginRefusal.invalid('Not a MediaRecording SID (KV…)');
    if (!isRecordingFileName(name)) throw OriginRefusal.invalid('Not a recording file name (media.mp4, piece-NNNNNN.mp4)');
    if (method !== 'PUT') throw OriginRefusal.method('PUT');
    return receive(req, res, directory(options.recordingDir(sid)), name, opts.maxRecordingBytes, true);
  };

  const handler = async (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): Promise<void> => {
    try {
      await route(req, res);
    } catch (error) {
      const refusal = error instanceof OriginRefusal ? error : OriginRefusal.internal();
      // a refused body is not read (it may be large, or hostile): the connection closes after the answer
      const headers = req.complete ? refusal.headers : { ...refusal.headers, Connection: 'close' };
      sendJson(res, refusal.status, refusal.body, headers);
    }
  };
  Object.defineProperty(handler, 'active', { get: () => active, enumerable: true });
  return handler as OriginIngest;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
