/**
 * The composer ingest endpoint: `ws(s)://<server>/internal/ingest/<jobId>`, mounted on the
 * server's HTTP listener. Each job registers its id and per-job secret; the page's first
 * message (IngestHello) must carry that secret (compared in constant time) before anything
 * else is accepted. Then every binary message is a MediaRecorder chunk for that job.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { IngestCloseCode, type IngestHello, type IngestStatus } from '@onair/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

export const INGEST_PATH_PREFIX = '/internal/ingest/';

/** What a job does with one accepted ingest connection. */
export interface IngestSession {
  chunk(data: Buffer): void;
  status(status: IngestStatus): void;
  closed(code: number): void;
}

/** The job's side of one authenticated connection. */
export interface IngestSocket {
  readonly hello: IngestHello;
  /** tells the page to start recording */
  ready(): void;
  close(code: number, reason: string): void;
  /** stop/start reading from the socket (backpressure from ffmpeg's stdin) */
  pause(): void;
  resume(): void;
}

export type IngestAcceptor = (socket: IngestSocket) => IngestSession;

interface Registration {
  digest: Buffer;
  accept: IngestAcceptor;
}

export interface IngestServerOptions {
  /** ms the page has to send its hello */
  helloTimeoutMs: number;
  /** largest message accepted, bytes */
  maxPayload: number;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function parseHello(raw: string): IngestHello | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const h = v as Record<string, unknown>;
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;
  if (h.type !== 'hello' || typeof h.secret !== 'string' || typeof h.mimeType !== 'string') return undefined;
  if (h.videoCodec !== 'h264' && h.videoCodec !== 'vp8') return undefined;
  if (!num(h.width) || !num(h.height) || !num(h.frameRate)) return undefined;
  return h as unknown as IngestHello;
}

export class IngestServer {
  private readonly jobs = new Map<string, Registration>();
  private readonly wss: WebSocketServer;
  private closed = false;

  constructor(private readonly options: IngestServerOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, perMessageDeflate: false });
  }

  /** Registers a job's endpoint; returns its path and an unregister function. */
  register(jobId: string, secret: string, accept: IngestAcceptor): { path: string; unregister: () => void } {
    this.jobs.set(jobId, { digest: digest(secret), accept });
    return {
      path: INGEST_PATH_PREFIX + encodeURIComponent(jobId),
      unregister: () => {
        if (this.jobs.get(jobId)?.accept === accept) this.jobs.delete(jobId);
      },
    };
  }

  /** Takes an HTTP upgrade whose path is under the ingest prefix; false when it is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith(INGEST_PATH_PREFIX)) return false;
    const jobId = decodeURIComponent(path.slice(INGEST_PATH_PREFIX.length));
    const job = this.jobs.get(jobId);
    if (this.closed || !job) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, jobId));
    return true;
  }

  close(): void {
    this.closed = true;
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket, jobId: string): void {
    let session: IngestSession | undefined;
    const timer = setTimeout(() => ws.close(IngestCloseCode.Unauthorized, 'no hello'), this.options.helloTimeoutMs);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!session) {
        const hello = isBinary ? undefined : parseHello(data.toString());
        const job = this.jobs.get(jobId);
        if (!hello || !job || !timingSafeEqual(digest(hello.secret), job.digest)) {
          clearTimeout(timer);
          ws.close(IngestCloseCode.Unauthorized, hello ? 'bad secret' : 'expected hello');
          return;
        }
        clearTimeout(timer);
        session = job.accept({
          hello: { ...hello, secret: '' },
          ready: () => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ type: 'ready' })),
          close: (code, reason) => ws.close(code, reason),
          pause: () => ws.pause(),
          resume: () => ws.resume(),
        });
        return;
      }
      if (isBinary) {
        session.chunk(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
        return;
      }
      try {
        const msg = JSON.parse(data.toString()) as { type?: unknown };
        if (msg.type === 'status') session.status(msg as IngestStatus);
      } catch {
        // a malformed status report is not worth dropping the recording for
      }
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      session?.closed(code);
    });
    ws.on('error', () => ws.terminate());
  }
}
