/**
 * The signaling protocol between the room SDK and the room server: JSON text frames over
 * one WebSocket at `/signaling`. Media flows peer to peer; the server only relays.
 *
 * Flow: the client opens the socket and sends `join` (the access token travels in this
 * message, never in the URL). The server answers `joined` with the participant's SID,
 * the visible participants and their tracks, and the ICE servers to use. Each newcomer
 * then sends an offer to every participant already there; later renegotiations may come
 * from either side. Any refusal is an `error` frame followed by a close.
 */

export type TrackKind = 'audio' | 'video' | 'data';

/** A published track as others see it. */
export interface TrackInfo {
  /** MT… SID, stable for the life of the publication */
  sid: string;
  name: string;
  kind: TrackKind;
  enabled: boolean;
  /**
   * Media tracks: the id of the MediaStream the sender adds the track with, so the
   * receiver can match `RTCTrackEvent.streams[0].id` to this publication.
   * Data tracks: the RTCDataChannel label.
   */
  streamId: string;
}

export interface ParticipantInfo {
  sid: string;
  identity: string;
  tracks: TrackInfo[];
}

export interface IceServerInfo {
  urls: string | string[];
  username?: string;
  credential?: string;
}

// ---- client → server -------------------------------------------------------------------

export interface JoinMessage {
  type: 'join';
  token: string;
  /** room name or SID; used when the token's VideoGrant names no room */
  room?: string;
  /**
   * a hidden participant (the composer) sees everyone and is seen by no one; only allowed
   * when the token's VideoGrant has `hidden: true` (else error 20106)
   */
  hidden?: boolean;
  /** tracks published at join time */
  tracks?: Omit<TrackInfo, 'sid'>[];
  /** SDK name/version, for logs */
  sdk?: string;
  /**
   * Reconnect: the SID of this client's participant whose socket dropped. Within the
   * server's grace period (5 s) the same participant is resumed: others see no leave,
   * peer connections are kept (the client restarts ICE).
   */
  resume?: string;
}

/** SDP offer or answer, or an ICE candidate, for one peer. */
export interface RelayOut {
  type: 'offer' | 'answer' | 'ice';
  to: string;
  sdp?: string;
  candidate?: RTCIceCandidateInitLike | null;
}

export interface PublishMessage {
  type: 'publish';
  /** client-chosen id echoed in `published` */
  requestId: string;
  track: Omit<TrackInfo, 'sid'>;
}

export interface UnpublishMessage {
  type: 'unpublish';
  trackSid: string;
}

export interface TrackStateMessage {
  type: 'track-state';
  trackSid: string;
  enabled: boolean;
}

export interface LeaveMessage {
  type: 'leave';
}

export type ClientMessage =
  | JoinMessage
  | RelayOut
  | PublishMessage
  | UnpublishMessage
  | TrackStateMessage
  | LeaveMessage;

// ---- server → client -------------------------------------------------------------------

export interface JoinedMessage {
  type: 'joined';
  /** true when a `resume` join found the participant still held */
  resumed: boolean;
  room: { sid: string; name: string };
  participant: { sid: string; identity: string; tracks: TrackInfo[] };
  /** the visible participants already in the room */
  participants: ParticipantInfo[];
  iceServers: IceServerInfo[];
  /** seconds between server pings; a client may treat twice this of silence as a drop */
  heartbeatInterval: number;
}

export interface ParticipantJoinedMessage {
  type: 'participant-joined';
  participant: ParticipantInfo;
}

/** Sent for hidden participants too, so peers can close their connection to one. */
export interface ParticipantLeftMessage {
  type: 'participant-left';
  participantSid: string;
}

/** Relayed SDP/ICE. `hidden` marks a peer that is not in the participant list. */
export interface RelayIn {
  type: 'offer' | 'answer' | 'ice';
  from: string;
  hidden?: boolean;
  sdp?: string;
  candidate?: RTCIceCandidateInitLike | null;
}

export interface PublishedMessage {
  type: 'published';
  requestId: string;
  track: TrackInfo;
}

export interface TrackPublishedMessage {
  type: 'track-published';
  participantSid: string;
  track: TrackInfo;
}

export interface TrackUnpublishedMessage {
  type: 'track-unpublished';
  participantSid: string;
  trackSid: string;
}

export interface TrackStateChangedMessage {
  type: 'track-state';
  participantSid: string;
  trackSid: string;
  enabled: boolean;
}

/** A refusal or failure. `fatal` errors are followed by the server closing the socket. */
export interface ErrorMessage {
  type: 'error';
  code: number;
  message: string;
  fatal: boolean;
  /** the `requestId` of the request refused (e.g. a `publish` past MaxConcurrentPublishedTracks, 53203) */
  requestId?: string;
}

export type ServerMessage =
  | JoinedMessage
  | ParticipantJoinedMessage
  | ParticipantLeftMessage
  | RelayIn
  | PublishedMessage
  | TrackPublishedMessage
  | TrackUnpublishedMessage
  | TrackStateChangedMessage
  | ErrorMessage;

/** RTCIceCandidateInit without depending on DOM types. */
export interface RTCIceCandidateInitLike {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** WebSocket close codes used by the server (4000–4999 are application codes; 1000 and 1008 are the standard ones). */
export const SignalingCloseCode = {
  /** normal leave */
  Normal: 1000,
  /** refused or removed; the last `error` frame says why */
  Refused: 4000,
  /** missed heartbeats */
  Timeout: 4001,
  /**
   * the socket spent its budget (messages or bytes per second, see the server's
   * ONAIR_SIGNALING_MESSAGE_RATE / ONAIR_SIGNALING_BYTE_RATE); an `error` frame with code
   * 20429 comes first. Not worth retrying at once: the SDK reports it as a fatal error.
   */
  PolicyViolation: 1008,
} as const;

export const SIGNALING_PATH = '/signaling';
