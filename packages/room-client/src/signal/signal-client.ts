import type { ClientMessage, JoinedMessage, JoinMessage } from '@onair/protocol';
import { SignalingCloseCode } from '@onair/protocol';
import { RoomError } from '../errors.js';
import { log } from '../logger.js';
import type { ParsedServerMessage, ServerErrorMessage } from './parse-server-message.js';
import { parseServerMessage } from './parse-server-message.js';
import { closeOutcome } from './close-outcome.js';

const WS_OPEN = 1;

export interface SignalCloseEvent {
  readonly code: number;
  readonly reason: string;
  /** the last fatal `error` frame before the close, if any */
  readonly error: RoomError | undefined;
}

export interface SignalObserver {
  onMessage(message: ParsedServerMessage): void;
  onClose(event: SignalCloseEvent): void;
}

export interface SignalOpenParams {
  readonly url: string;
  readonly join: JoinMessage;
  readonly WebSocket: typeof WebSocket;
  readonly timeoutMs: number;
}

export type SignalOpenResult =
  | { readonly ok: true; readonly client: SignalClient; readonly joined: JoinedMessage }
  | {
      readonly ok: false;
      readonly error: RoomError;
      /** false when the server refused (an `error` frame): retrying cannot help */
      readonly retryable: boolean;
    };

/**
 * The wire layer: one WebSocket to `/signaling`, JSON text frames. `open()` sends `join` and
 * resolves with the `joined` answer (or why there was none); afterwards every valid frame
 * goes to the observer, malformed ones are logged and dropped.
 */
export class SignalClient {
  readonly #ws: WebSocket;
  #observer: SignalObserver | null = null;
  #queue: ParsedServerMessage[] = [];
  #fatal: RoomError | undefined;
  #closed = false;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (event) => {
      const message = parseFrame(event.data);
      if (!message) return;
      if (message.type === 'error' && message.fatal) this.#fatal = errorFromFrame(message);
      if (this.#observer) this.#deliver(this.#observer, message);
      else this.#queue.push(message);
    };
    ws.onclose = (event) => {
      if (this.#closed) return;
      this.#closed = true;
      const observer = this.#observer;
      this.#observer = null;
      try {
        observer?.onClose({ code: event.code, reason: event.reason, error: this.#fatal });
      } catch (error) {
        log.error('signaling close handler threw', error);
      }
    };
    ws.onerror = null;
  }

  /** Opens the socket, sends `join` and waits for `joined`. Never rejects. */
  static open(params: SignalOpenParams): Promise<SignalOpenResult> {
    return new Promise((resolve) => {
      let ws: WebSocket;
      try {
        ws = new params.WebSocket(params.url);
      } catch (cause) {
        resolve({
          ok: false,
          retryable: false,
          error: RoomError.signalingConnection(`cannot open ${params.url}`, cause),
        });
        return;
      }
      let settled = false;
      const settle = (result: SignalOpenResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!result.ok) {
          ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
          closeQuietly(ws, SignalingCloseCode.Normal);
        }
        resolve(result);
      };
      const timer = setTimeout(
        () => settle({ ok: false, retryable: true, error: RoomError.connectTimeout(params.timeoutMs) }),
        params.timeoutMs,
      );
      ws.onopen = () => {
        try {
          ws.send(JSON.stringify(params.join));
        } catch (cause) {
          settle({ ok: false, retryable: true, error: RoomError.signalingConnection('cannot send join', cause) });
        }
      };
      ws.onmessage = (event) => {
        const message = parseFrame(event.data);
        if (!message) return;
        if (message.type === 'joined') {
          settle({ ok: true, client: new SignalClient(ws), joined: message });
        } else if (message.type === 'error') {
          settle({ ok: false, retryable: false, error: errorFromFrame(message) });
        } else {
          log.warn(`signaling: "${message.type}" before "joined" ignored`);
        }
      };
      ws.onclose = (event) => {
        const outcome = closeOutcome(event.code, event.reason, undefined);
        settle(
          outcome.kind === 'refused'
            ? { ok: false, retryable: false, error: outcome.error }
            : {
                ok: false,
                retryable: true,
                error: RoomError.signalingConnection(`signaling connection closed before joining (${event.code})`),
              },
        );
      };
      ws.onerror = null; // a close event always follows
    });
  }

  get isOpen(): boolean {
    return !this.#closed && this.#ws.readyState === WS_OPEN;
  }

  /** Starts delivering frames (those received meanwhile first). */
  setObserver(observer: SignalObserver): void {
    this.#observer = observer;
    const queued = this.#queue;
    this.#queue = [];
    for (const message of queued) {
      if (this.#observer !== observer) return;
      this.#deliver(observer, message);
    }
  }

  /** Sends one frame; returns false (and drops it) when the socket is not open. */
  send(message: ClientMessage): boolean {
    if (!this.isOpen) return false;
    try {
      this.#ws.send(JSON.stringify(message));
      return true;
    } catch (error) {
      log.warn(`signaling: cannot send "${message.type}"`, error);
      return false;
    }
  }

  /** Closes without notifying the observer; with `leave`, says goodbye first. */
  close(options: { leave: boolean }): void {
    if (this.#closed) return;
    if (options.leave) this.send({ type: 'leave' });
    this.#closed = true;
    this.#observer = null;
    this.#queue = [];
    closeQuietly(this.#ws, SignalingCloseCode.Normal);
  }

  #deliver(observer: SignalObserver, message: ParsedServerMessage): void {
    try {
      observer.onMessage(message);
    } catch (error) {
      log.error(`signaling: handling "${message.type}" threw`, error);
    }
  }
}

function parseFrame(data: unknown): ParsedServerMessage | null {
  const result = parseServerMessage(data);
  if (result.ok) return result.message;
  log.warn(`signaling: ignoring frame (${result.reason})`);
  return null;
}

function errorFromFrame(frame: ServerErrorMessage): RoomError {
  return RoomError.fromServer(frame.code, frame.message);
}

function closeQuietly(ws: WebSocket, code: number): void {
  try {
    ws.close(code);
  } catch {
    // already closing
  }
}
