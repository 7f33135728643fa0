/** The sessions of one in-progress room. */
import type { ServerMessage } from '@onair/protocol';
import type { RoomRef } from './backend.js';
import type { Session } from './session.js';

export class LiveRoom {
  readonly sessions = new Map<string, Session>();

  constructor(readonly ref: RoomRef) {}

  /** Participants others can see. */
  get visible(): Session[] {
    return [...this.sessions.values()].filter((s) => !s.hidden);
  }

  /** The visible session with this identity (identities are unique among visible participants). */
  byIdentity(identity: string): Session | undefined {
    return [...this.sessions.values()].find((s) => !s.hidden && s.identity === identity);
  }

  /** Tracks published in the room now, by every participant. */
  get publishedTracks(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.tracks.size;
    return n;
  }

  /** True when `more` tracks would take the room past MaxConcurrentPublishedTracks. */
  wouldExceedTracks(more: number): boolean {
    const max = this.ref.maxPublishedTracks;
    return typeof max === 'number' && max > 0 && more > 0 && this.publishedTracks + more > max;
  }

  /** Sends to every session except `except`. */
  broadcast(message: ServerMessage, except?: Session): void {
    for (const s of this.sessions.values()) if (s !== except) s.send(message);
  }
}
