import { randomId } from '../ids.js';
import { log } from '../logger.js';

/** Options of a {@link LocalDataTrack}; delivery options map to RTCDataChannelInit. */
export interface LocalDataTrackOptions {
  /** published track name; defaults to a random id */
  name?: string;
  /** retransmit for at most this many ms (unreliable mode); exclusive with maxRetransmits */
  maxPacketLifeTime?: number;
  /** retransmit at most this many times (unreliable mode); exclusive with maxPacketLifeTime */
  maxRetransmits?: number;
  /** deliver in order (default true) */
  ordered?: boolean;
}

/**
 * A data track: `send()` delivers a message to every participant subscribed to it, over one
 * RTCDataChannel per peer connection (label = `streamId`). Messages sent while no channel is
 * open are dropped, as in twilio-video.js.
 */
export class LocalDataTrack {
  readonly kind = 'data' as const;
  readonly id: string;
  readonly name: string;
  /** the RTCDataChannel label; `TrackInfo.streamId` on the wire */
  readonly streamId: string;
  readonly maxPacketLifeTime: number | null;
  readonly maxRetransmits: number | null;
  readonly ordered: boolean;
  readonly #channels = new Set<RTCDataChannel>();

  constructor(options: LocalDataTrackOptions = {}) {
    if (options.maxPacketLifeTime !== undefined && options.maxRetransmits !== undefined) {
      throw new TypeError('maxPacketLifeTime and maxRetransmits are mutually exclusive');
    }
    this.id = randomId();
    this.streamId = randomId('dt');
    this.name = options.name ?? this.id;
    this.maxPacketLifeTime = options.maxPacketLifeTime ?? null;
    this.maxRetransmits = options.maxRetransmits ?? null;
    this.ordered = options.ordered ?? true;
  }

  /** Data tracks cannot be muted. */
  get isEnabled(): boolean {
    return true;
  }

  /** Whether delivery is reliable (no lifetime or retransmit limit). */
  get reliable(): boolean {
    return this.maxPacketLifeTime === null && this.maxRetransmits === null;
  }

  /** Sends `data` to every subscriber whose channel is open. */
  send(data: string | ArrayBuffer): void {
    if (typeof data !== 'string' && !(data instanceof ArrayBuffer)) {
      throw new TypeError('LocalDataTrack.send() takes a string or an ArrayBuffer');
    }
    for (const channel of this.#channels) {
      if (channel.readyState !== 'open') continue;
      try {
        if (typeof data === 'string') channel.send(data);
        else channel.send(data);
      } catch (error) {
        log.warn(`data track "${this.name}": send failed`, error);
      }
    }
  }

  /** @internal the RTCDataChannelInit every peer connection uses for this track */
  _channelInit(): RTCDataChannelInit {
    const init: RTCDataChannelInit = { ordered: this.ordered };
    if (this.maxPacketLifeTime !== null) init.maxPacketLifeTime = this.maxPacketLifeTime;
    if (this.maxRetransmits !== null) init.maxRetransmits = this.maxRetransmits;
    return init;
  }

  /** @internal */
  _addChannel(channel: RTCDataChannel): void {
    this.#channels.add(channel);
  }

  /** @internal */
  _removeChannel(channel: RTCDataChannel): void {
    this.#channels.delete(channel);
  }
}
