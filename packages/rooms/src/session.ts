/** One participant's live presence: its socket (which may be replaced on resume) and tracks. */
import type { ServerMessage, TrackInfo } from '@onair/protocol';
import { SignalingCloseCode } from '@onair/protocol';
import type { WebSocket } from 'ws';
import type { RoomsError } from './errors.js';

export class Session {
  readonly tracks = new Map<string, TrackInfo>();
  /** set while the socket is gone and the participant may still resume */
  graceTimer: NodeJS.Timeout | undefined;
  lastPong = Date.now();
  closed = false;

  constructor(
    readonly sid: string,
    readonly identity: string,
    readonly hidden: boolean,
    public socket: WebSocket | undefined,
  ) {}

  get info() {
    return { sid: this.sid, identity: this.identity, tracks: [...this.tracks.values()] };
  }

  send(message: ServerMessage): void {
    const ws = this.socket;
    if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  /** Sends a fatal error and closes the socket. */
  refuse(error: RoomsError): void {
    this.send({ type: 'error', code: error.code, message: error.message, fatal: true });
    this.socket?.close(SignalingCloseCode.Refused, String(error.code));
    this.socket = undefined;
  }
}
