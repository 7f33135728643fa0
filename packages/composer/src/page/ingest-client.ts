/**
 * The page's side of the ingest contract (protocol/src/composer.ts): one WebSocket = one
 * complete recording. hello → wait for `{type:'ready'}` → a new recording whose chunks go out
 * as binary messages, in order (reading a Blob is async; a queue keeps the order), plus an
 * IngestStatus every second. When the connection closes with anything but 1000, the
 * recording stops and a new connection (and recording) follows after a short pause that
 * grows while connections keep failing. 1000 ends it all; 4003 (hello refused) is fatal,
 * since the same secret would be refused again.
 */
import type { IngestHello, IngestStatus } from '@onair/protocol';
import { IngestCloseCode } from '@onair/protocol';
import { backoffDelay } from '../backoff.js';
import { ComposerError } from '../errors.js';
import { logError, logWarn } from './page-state.js';

export interface RecordingHandle {
  stop(): void;
}

export interface IngestClientOptions {
  url: string;
  hello: IngestHello;
  statusIntervalMs: number;
  reconnectMs: number;
  reconnectMaxMs: number;
  readyTimeoutMs: number;
  maxBufferedBytes: number;
  /** starts a new recording for one connection; `fail` drops the connection (a new one follows) */
  startRecording(send: (chunk: Blob) => void, fail: (error: unknown) => void): RecordingHandle;
  status(): IngestStatus;
  /** a recording started (true) or ended (false) */
  onRecording(active: boolean): void;
  /** the job closed with 1000: stop for good */
  onStopped(): void;
  onFatal(error: ComposerError): void;
  WebSocket?: typeof WebSocket;
}

interface Connection {
  readonly ws: WebSocket;
  recording: RecordingHandle | null;
  queue: Promise<void>;
  done: boolean;
  readyTimer: ReturnType<typeof setTimeout> | undefined;
  statusTimer: ReturnType<typeof setInterval> | undefined;
}

export class IngestClient {
  readonly #options: IngestClientOptions;
  #current: Connection | null = null;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #closed = false;

  constructor(options: IngestClientOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#closed || this.#current || this.#reconnectTimer !== undefined) return;
    this.#connect();
  }

  /** Ends the recording and the connection (1000) without reconnecting. Idempotent. */
  close(reason = 'composer stopped'): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const conn = this.#current;
    if (!conn) return;
    this.#finish(conn);
    try {
      conn.ws.close(IngestCloseCode.Stop, reason);
    } catch {
      // already closing
    }
  }

  #connect(): void {
    this.#reconnectTimer = undefined;
    if (this.#closed) return;
    const WebSocketImpl = this.#options.WebSocket ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new WebSocketImpl(this.#options.url);
    } catch (error) {
      logError('cannot open the ingest connection', error);
      this.#scheduleReconnect('cannot open');
      return;
    }
    ws.binaryType = 'arraybuffer';
    const conn: Connection = {
      ws,
      recording: null,
      queue: Promise.resolve(),
      done: false,
      readyTimer: undefined,
      statusTimer: undefined,
    };
    this.#current = conn;
    conn.readyTimer = setTimeout(() => this.#drop(conn, 'no ready in time'), this.#options.readyTimeoutMs);
    ws.addEventListener('open', () => {
      if (!conn.done) ws.send(JSON.stringify(this.#options.hello));
    });
    ws.addEventListener('message', (event: MessageEvent) => this.#onMessage(conn, event.data));
    ws.addEventListener('close', (event: CloseEvent) => this.#onClose(conn, event.code, event.reason));
  }

  #onMessage(conn: Connection, data: unknown): void {
    if (conn.done || typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      logWarn('ingest: ignored a message that is not JSON');
      return;
    }
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'ready') {
      logWarn('ingest: ignored an unknown message');
      return;
    }
    if (conn.recording) return;
    clearTimeout(conn.readyTimer);
    this.#failures = 0;
    try {
      conn.recording = this.#options.startRecording(
        (chunk) => this.#send(conn, chunk),
        (error) => {
          logError('the recording failed; starting a new one', error);
          this.#drop(conn, 'recorder failed');
        },
      );
    } catch (error) {
      logError('cannot start recording', error);
      this.#drop(conn, 'recorder failed');
      return;
    }
    this.#options.onRecording(true);
    conn.statusTimer = setInterval(() => this.#sendStatus(conn), this.#options.statusIntervalMs);
  }

  #send(conn: Connection, chunk: Blob): void {
    const data = chunk.arrayBuffer(); // start reading now, send in the order chunks arrived
    conn.queue = conn.queue
      .then(async () => {
        const buffer = await data;
        if (conn.done || conn.ws.readyState !== conn.ws.OPEN) return;
        if (conn.ws.bufferedAmount > this.#options.maxBufferedBytes) {
          this.#drop(conn, 'ingest too slow');
          return;
        }
        conn.ws.send(buffer);
      })
      .catch((error: unknown) => {
        logError('cannot send a chunk; starting a new recording', error);
        this.#drop(conn, 'send failed');
      });
  }

  #sendStatus(conn: Connection): void {
    if (conn.done || conn.ws.readyState !== conn.ws.OPEN) return;
    conn.ws.send(JSON.stringify(this.#options.status()));
  }

  /** Gives up on a connection from our side; a new one follows. */
  #drop(conn: Connection, reason: string): void {
    if (conn.done) return;
    try {
      conn.ws.close(IngestCloseCode.Restart, reason);
    } catch {
      // already closing
    }
    this.#onClose(conn, IngestCloseCode.Restart, reason);
  }

  #onClose(conn: Connection, code: number, reason: string): void {
    if (conn.done) return;
    this.#finish(conn);
    if (this.#closed) return;
    if (code === IngestCloseCode.Stop) {
      this.#closed = true;
      this.#options.onStopped();
      return;
    }
    if (code === IngestCloseCode.Unauthorized) {
      this.#closed = true;
      this.#options.onFatal(ComposerError.ingestUnauthorized(reason));
      return;
    }
    this.#scheduleReconnect(`closed with ${code}${reason ? ` (${reason})` : ''}`);
  }

  #finish(conn: Connection): void {
    conn.done = true;
    clearTimeout(conn.readyTimer);
    clearInterval(conn.statusTimer);
    if (this.#current === conn) this.#current = null;
    if (conn.recording) {
      conn.recording.stop();
      conn.recording = null;
      this.#options.onRecording(false);
    }
  }

  #scheduleReconnect(why: string): void {
    const { reconnectMs, reconnectMaxMs } = this.#options;
    const delay = backoffDelay(this.#failures++, { initialMs: reconnectMs, maxMs: reconnectMaxMs, multiplier: 1.5 });
    logWarn(`ingest connection ${why}; reconnecting in ${Math.round(delay)} ms`);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }
}
