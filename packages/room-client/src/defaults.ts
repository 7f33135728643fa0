import { DefaultReconnectPolicy } from './reconnect/reconnect-policy.js';
import type { ReconnectPolicy } from './reconnect/reconnect-policy.js';
import { signalingUrl } from './signal/signaling-url.js';
import type { CreateLocalTrackOptions } from './track/create-local-tracks.js';
import type { PublishableTrack } from './track/to-local-track.js';

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** the onair server (http, https, ws or wss); default `location.origin` */
  serverUrl?: string;
  /** room name or SID, used when the token's VideoGrant names no room */
  name?: string;
  /** capture the microphone (ignored when `tracks` is given); default true (false when hidden) */
  audio?: boolean | CreateLocalTrackOptions;
  /** capture the camera (ignored when `tracks` is given); default true (false when hidden) */
  video?: boolean | CreateLocalTrackOptions;
  /** publish these tracks instead of capturing; the SDK never stops them */
  tracks?: PublishableTrack[];
  /** join unseen (the composer): not listed to others, publishes nothing by default */
  hidden?: boolean;
  /** ICE servers to use instead of the server's list */
  iceServers?: RTCIceServer[];
  /** ms to wait for the server to accept `join` (RoomError 53000 after); default 15000 */
  connectTimeout?: number;
  /** detect the dominant speaker; default true */
  dominantSpeaker?: boolean;
  /** when and how often to retry after the signaling connection drops */
  reconnectPolicy?: ReconnectPolicy;
  /** WebSocket implementation (tests); default the global one */
  WebSocket?: typeof WebSocket;
}

/** Every setting, resolved once at the edge. */
export interface InternalConnectOptions {
  readonly signalingUrl: string;
  readonly name: string | undefined;
  readonly audio: boolean | CreateLocalTrackOptions;
  readonly video: boolean | CreateLocalTrackOptions;
  readonly tracks: readonly PublishableTrack[] | undefined;
  readonly hidden: boolean;
  readonly iceServers: readonly RTCIceServer[] | undefined;
  readonly connectTimeout: number;
  readonly dominantSpeaker: boolean;
  readonly reconnectPolicy: ReconnectPolicy;
  readonly WebSocket: typeof WebSocket;
  /** ms to wait for `published` */
  readonly publishTimeout: number;
  /** ms one reconnection attempt may take */
  readonly reconnectAttemptTimeout: number;
  /** ms an existing participant waits for a newcomer's first offer before offering itself */
  readonly responderStartDelay: number;
  readonly dominantSpeakerInterval: number;
  readonly dominantSpeakerThreshold: number;
  readonly dominantSpeakerHold: number;
  /** relayed SDP/ICE kept while reconnecting, delivered if the session resumes */
  readonly outboxLimit: number;
  /** ms an offer may stay unanswered (signaling up) before it is sent again */
  readonly answerTimeout: number;
  /** ms a connection to a hidden participant may stay failed before it is closed */
  readonly hiddenPeerFailedTimeout: number;
}

/** The one defaults object. `audio`/`video` default to false for hidden participants. */
export const connectDefaults = {
  audio: true,
  video: true,
  hidden: false,
  connectTimeout: 15_000,
  dominantSpeaker: true,
  publishTimeout: 15_000,
  reconnectAttemptTimeout: 5_000,
  responderStartDelay: 1_000,
  dominantSpeakerInterval: 500,
  dominantSpeakerThreshold: 0.02,
  dominantSpeakerHold: 1_000,
  outboxLimit: 500,
  answerTimeout: 5_000,
  hiddenPeerFailedTimeout: 30_000,
} as const;

/** What the environment provides; injectable so the merge is testable outside a browser. */
export interface ConnectEnvironment {
  readonly origin: string | undefined;
  readonly WebSocket: typeof WebSocket | undefined;
}

export function browserEnvironment(): ConnectEnvironment {
  return {
    origin: typeof location === 'undefined' ? undefined : location.origin,
    WebSocket: typeof WebSocket === 'undefined' ? undefined : WebSocket,
  };
}

/** Validates `options` and merges them with {@link connectDefaults}. Throws TypeError. */
export function resolveConnectOptions(
  options: ConnectOptions,
  env: ConnectEnvironment = browserEnvironment(),
): InternalConnectOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const serverUrl = options.serverUrl ?? env.origin;
  if (!serverUrl) throw new TypeError('serverUrl is required outside a web page');
  const WebSocketImpl = options.WebSocket ?? env.WebSocket;
  if (!WebSocketImpl) throw new TypeError('no WebSocket implementation available');
  const connectTimeout = options.connectTimeout ?? connectDefaults.connectTimeout;
  if (!(Number.isFinite(connectTimeout) && connectTimeout > 0)) {
    throw new TypeError('connectTimeout must be a positive number of ms');
  }
  if (options.tracks !== undefined && !Array.isArray(options.tracks)) {
    throw new TypeError('tracks must be an array');
  }
  if (options.name !== undefined && typeof options.name !== 'string') {
    throw new TypeError('name must be a string');
  }
  const hidden = options.hidden ?? connectDefaults.hidden;
  return {
    ...connectDefaults,
    signalingUrl: signalingUrl(serverUrl),
    name: options.name,
    audio: options.audio ?? (hidden ? false : connectDefaults.audio),
    video: options.video ?? (hidden ? false : connectDefaults.video),
    tracks: options.tracks,
    hidden,
    iceServers: options.iceServers,
    connectTimeout,
    dominantSpeaker: options.dominantSpeaker ?? connectDefaults.dominantSpeaker,
    reconnectPolicy: options.reconnectPolicy ?? new DefaultReconnectPolicy(),
    WebSocket: WebSocketImpl,
    reconnectAttemptTimeout: Math.min(connectTimeout, connectDefaults.reconnectAttemptTimeout),
  };
}
