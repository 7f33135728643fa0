/**
 * Keeps the composer in its room as a hidden participant. The SDK resumes short signaling
 * drops by itself; when the room is lost for good (or a join fails) the session joins again
 * with backoff, unless the error cannot heal (token refused, removed via the API, replaced
 * by a newer connection with the same identity). Independent of the ingest connection.
 */
import { connect, RoomError, type Room } from '@onair/room-client';
import { backoffDelay, isRetryableRoomError, type BackoffOptions } from '../backoff.js';
import { ComposerError } from '../errors.js';
import { logWarn } from './page-state.js';

export interface RoomSessionOptions {
  token: string;
  room: string;
  serverUrl: string | undefined;
  joinTimeoutMs: number;
  backoff: BackoffOptions;
  /** attaches listeners to a joined room; returns their removal */
  bind(room: Room): () => void;
  onJoining(): void;
  onJoined(room: Room): void;
  /** the room was lost (everyone in it is gone from our view); a rejoin follows unless fatal */
  onLeft(): void;
  onFatal(error: ComposerError): void;
}

export class RoomSession {
  readonly #options: RoomSessionOptions;
  #room: Room | null = null;
  #closed = false;
  #wake: (() => void) | null = null;

  constructor(options: RoomSessionOptions) {
    this.#options = options;
  }

  get room(): Room | null {
    return this.#room;
  }

  start(): void {
    void this.#run();
  }

  /** Leaves the room and stops rejoining. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#room?.disconnect();
    this.#wake?.();
  }

  async #run(): Promise<void> {
    const o = this.#options;
    let failures = 0;
    while (!this.#closed) {
      o.onJoining();
      let room: Room;
      try {
        room = await connect(o.token, {
          name: o.room,
          hidden: true,
          connectTimeout: o.joinTimeoutMs,
          ...(o.serverUrl === undefined ? {} : { serverUrl: o.serverUrl }),
        });
      } catch (error) {
        if (this.#closed) return;
        const code = error instanceof RoomError ? error.code : 53000;
        const message = error instanceof Error ? error.message : String(error);
        if (!isRetryableRoomError(code)) {
          o.onFatal(ComposerError.roomFatal(code, message, error));
          return;
        }
        const delay = backoffDelay(failures++, o.backoff);
        logWarn(`joining the room failed (${code}: ${message}); retrying in ${delay} ms`);
        await this.#sleep(delay);
        continue;
      }
      if (this.#closed) {
        room.disconnect();
        return;
      }
      failures = 0;
      this.#room = room;
      const lost = new Promise<RoomError | undefined>((resolve) => room.once('disconnected', (_room, error) => resolve(error)));
      const unbind = o.bind(room);
      o.onJoined(room);
      const error = await lost;
      unbind();
      this.#room = null;
      o.onLeft();
      if (this.#closed) return;
      if (error && !isRetryableRoomError(error.code)) {
        o.onFatal(ComposerError.roomFatal(error.code, error.message, error));
        return;
      }
      const delay = backoffDelay(failures++, o.backoff);
      logWarn(`left the room (${error ? `${error.code}: ${error.message}` : 'without error'}); rejoining in ${delay} ms`);
      await this.#sleep(delay);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }
}
