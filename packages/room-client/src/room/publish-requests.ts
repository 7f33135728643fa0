import type { PublishMessage, TrackInfo } from '@onair/protocol';
import { RoomError } from '../errors.js';
import { randomId } from '../ids.js';

type TrackDescription = Omit<TrackInfo, 'sid'>;

interface Pending {
  readonly message: PublishMessage;
  readonly resolve: (track: TrackInfo) => void;
  readonly reject: (error: RoomError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Outstanding `publish` requests, keyed by requestId: answered by `published`, by an
 * `error` frame carrying the requestId, by the track list of a later `joined` (after a
 * reconnection), or by the timeout.
 */
export class PublishRequests {
  readonly #pending = new Map<string, Pending>();
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Sends a `publish` through `send` and resolves with the server's TrackInfo. */
  request(track: TrackDescription, send: (message: PublishMessage) => void): Promise<TrackInfo> {
    return new Promise<TrackInfo>((resolve, reject) => {
      const requestId = randomId('pub');
      const message: PublishMessage = { type: 'publish', requestId, track };
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(RoomError.requestTimeout(`publishing "${track.name}"`, this.#timeoutMs));
      }, this.#timeoutMs);
      this.#pending.set(requestId, { message, resolve, reject, timer });
      send(message);
    });
  }

  /** `published`: returns false when no request waits for it (late or unknown). */
  resolve(requestId: string, track: TrackInfo): boolean {
    const pending = this.#take(requestId);
    pending?.resolve(track);
    return pending !== undefined;
  }

  reject(requestId: string, error: RoomError): boolean {
    const pending = this.#take(requestId);
    pending?.reject(error);
    return pending !== undefined;
  }

  /**
   * After a (re)join: requests whose track the server already lists are resolved with it;
   * the others are sent again (same requestId).
   */
  settleFromServer(serverTracks: readonly TrackInfo[], send: (message: PublishMessage) => void): void {
    const byStream = new Map(serverTracks.map((track) => [track.streamId, track]));
    for (const [requestId, pending] of [...this.#pending]) {
      const track = byStream.get(pending.message.track.streamId);
      if (track) this.resolve(requestId, track);
      else send(pending.message);
    }
  }

  /** Whether a request for this stream is outstanding. */
  hasStream(streamId: string): boolean {
    for (const pending of this.#pending.values()) {
      if (pending.message.track.streamId === streamId) return true;
    }
    return false;
  }

  rejectAll(error: RoomError): void {
    for (const requestId of [...this.#pending.keys()]) this.reject(requestId, error);
  }

  #take(requestId: string): Pending | undefined {
    const pending = this.#pending.get(requestId);
    if (!pending) return undefined;
    this.#pending.delete(requestId);
    clearTimeout(pending.timer);
    return pending;
  }
}
