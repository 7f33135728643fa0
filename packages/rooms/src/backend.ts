/**
 * What the room server needs from its host (the onair server): token checks, the room
 * and participant records, and notifications. The room server itself only keeps live
 * sessions in memory.
 */
import type { IceServerInfo, TrackInfo } from '@onair/protocol';

export interface AuthenticatedToken {
  identity: string;
  /** the VideoGrant's room (name or SID), when it names one */
  room: string | undefined;
  /** the VideoGrant allows joining as a hidden participant (`grants.video.hidden`) */
  mayHide: boolean;
}

export interface RoomRef {
  sid: string;
  name: string;
  maxParticipants: number;
  /** MaxConcurrentPublishedTracks: tracks all participants may publish at once; null or 0 = no limit */
  maxPublishedTracks?: number | null;
}

export interface RoomsBackend {
  /** Verifies an access token; throws an error with a numeric `code` when it is refused. */
  authenticate(token: string): Promise<AuthenticatedToken>;
  /**
   * The in-progress room for a name or SID. A name with no in-progress room creates one
   * (ad hoc); a SID of a completed room is refused (53118), an unknown SID too (53106).
   */
  openRoom(nameOrSid: string): Promise<RoomRef>;
  /** The in-progress room for a name or SID, if there is one; creates nothing. */
  findRoom(nameOrSid: string): Promise<RoomRef | undefined>;
  /** Persists a connected participant; returns its PA SID. */
  participantConnected(room: RoomRef, identity: string): Promise<string>;
  /** Marks the participant disconnected (end_time, duration). */
  participantDisconnected(room: RoomRef, participantSid: string): Promise<void>;
  trackAdded(room: RoomRef, participant: { sid: string; identity: string }, track: TrackInfo): void;
  trackRemoved(room: RoomRef, participant: { sid: string; identity: string }, track: TrackInfo): void;
  /** How many sessions (hidden ones included) a room holds now; drives empty-room timeouts. */
  occupancyChanged(room: RoomRef, count: number): void;
  /** ICE servers for one participant (TURN credentials may be per identity). */
  iceServers(identity: string): IceServerInfo[];
}
