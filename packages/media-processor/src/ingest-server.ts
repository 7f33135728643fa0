/**
 * The composer ingest endpoint: `ws(s)://<server>/internal/ingest/<jobId>`, mounted on the
 * server's HTTP listener. Each job registers its id and per-job secret; the page's first
 * message (IngestHello) must carry that secret (compared in constant time) before anything
 * else is accepted. Then every binary message is a MediaRecorder chunk for that job.
 *
 * Only this host may connect (local-peer.ts): other peers get 403 before the handshake.
 * Until the hello is accepted a connection may send INGEST_HELLO_MAX_BYTES in all
 * (hello-budget.ts), then it is read no further and closed with IngestCloseCode.HelloTooLarge; the large
 * `maxPayload` is for the media chunks after it. Nothing a peer sends throws out of here:
 * bad upgrades get a Twilio JSON error on the socket, bad frames a close code.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  ErrorCode,
  INGEST_HELLO_MAX_BYTES,
  IngestCloseCode,
  refuseOnSocket,
  type IngestHello,
  type IngestStatus,
} from '@onair/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { HelloBudget } from './hello-budget.js';
import { isLocalPeer } from './local-peer.js';

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
  /** largest message accepted once authenticated, bytes */
  maxPayload: number;
  /** bytes a connection may send before its hello is accepted (default INGEST_HELLO_MAX_BYTES) */
  helloMaxBytes?: number;
  /** who may connect (default: this host only, see local-peer.ts) */
  allowPeer?: (req: IncomingMessage) => boolean;
  /** an error of the job's own code while handling a message (the connection is closed with 1011) */
  onError?: (err: unknown) => void;
}

/** How long a connection closed for its too large hello has to read the close frame before it is dropped. */
const HELLO_CLOSE_GRACE_MS = 5_000;

/** The close code for "the server failed", RFC 6455. */
const INTERNAL_ERROR_CLOSE = 1011;

/** Refuses an upgrade with Twilio's error JSON on the raw socket; true: the upgrade was ours. */
function refuse(socket: Duplex, status: number, code: number, message: string): true {
  refuseOnSocket(socket, status, code, message);
  return true;
}

/** The job id from the path's last part, or undefined when its escapes are not UTF-8. */
function decodeJobId(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
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
    // a handshake `ws` itself refuses (bad key, version, protocol header) gets our JSON error
    this.wss.on('wsClientError', (err, socket) => refuse(socket, 400, ErrorCode.InvalidParameter, err.message));
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
    socket.on('error', () => socket.destroy());
    const allowPeer = this.options.allowPeer ?? ((r: IncomingMessage) => isLocalPeer(r.socket));
    if (!allowPeer(req)) {
      return refuse(socket, 403, ErrorCode.Forbidden, 'The ingest endpoint only accepts connections from this host');
    }
    if (req.method !== 'GET') return refuse(socket, 405, ErrorCode.MethodNotAllowed, 'A WebSocket upgrade must be a GET');
    const jobId = decodeJobId(path.slice(INGEST_PATH_PREFIX.length));
    if (jobId === undefined) {
      return refuse(socket, 400, ErrorCode.InvalidParameter, 'The ingest path is not valid percent-encoded UTF-8');
    }
    if (this.closed || !this.jobs.has(jobId)) return refuse(socket, 404, ErrorCode.NotFound, 'No such ingest endpoint');
    const budget = new HelloBudget(socket, this.options.helloMaxBytes ?? INGEST_HELLO_MAX_BYTES);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, jobId, budget, socket));
    return true;
  }

  close(): void {
    this.closed = true;
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket, jobId: string, budget: HelloBudget, socket: Duplex): void {
    let session: IngestSession | undefined;
    const timer = setTimeout(() => ws.close(IngestCloseCode.Unauthorized, 'no hello'), this.options.helloTimeoutMs);
    budget.onExceeded(() => {
      clearTimeout(timer);
      // nothing more is read (the rest of a large frame stays in the kernel's buffers): the
      // close frame goes out, then the end of the stream; the connection is dropped after a grace
      ws.pause();
      ws.close(IngestCloseCode.HelloTooLarge, 'hello too large');
      socket.end();
      setTimeout(() => ws.terminate(), HELLO_CLOSE_GRACE_MS).unref();
    });
    const failed = (err: unknown) => {
      try {
        this.options.onError?.(err);
      } catch {
        // reporting must not throw either
      }
      ws.close(INTERNAL_ERROR_CLOSE, 'internal error');
    };
    const onMessage = (data: RawData, isBinary: boolean) => {
      if (budget.exceeded) return; // closing: nothing it sends counts
      if (!session) {
        const hello = isBinary ? undefined : parseHello(data.toString());
        const job = this.jobs.get(jobId);
        clearTimeout(timer);
        if (!hello || !job || !timingSafeEqual(digest(hello.secret), job.digest)) {
          ws.close(IngestCloseCode.Unauthorized, hello ? 'bad secret' : 'expected hello');
          return;
        }
        budget.done();
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
      let msg: { type?: unknown };
      try {
        msg = JSON.parse(data.toString()) as { type?: unknown };
      } catch {
        return; // a malformed status report is not worth dropping the recording for
      }
      if (msg && typeof msg === 'object' && msg.type === 'status') session.status(msg as IngestStatus);
    };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        onMessage(data, isBinary);
      } catch (err) {
        failed(err);
      }
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      budget.done();
      try {
        session?.closed(code);
      } catch (err) {
        this.options.onError?.(err);
      }
    });
    // a frame `ws` refuses (too big, bad UTF-8, bad framing): it closes with the matching code
    // itself (1009, 1007, 1002) after sending a close frame; terminating here would drop that
    ws.on('error', () => undefined);
  }
}
