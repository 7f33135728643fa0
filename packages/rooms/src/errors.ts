/** Errors the room server sends to clients: a Twilio-style numeric code and a readable message. */
import { ErrorCode } from '@onair/protocol';

export class RoomsError extends Error {
  override readonly name = 'RoomsError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  /**
   * Any failure as the error a client hears: a RoomsError as is; an error meant for clients
   * (a numeric Twilio `twilioCode` or `code`, as token and REST errors carry) with its code and
   * message; anything else is this server's own failure (a database error, a bug), whose text
   * stays in the server's log: the client hears 53000 and a generic message.
   */
  static from(err: unknown): RoomsError {
    if (err instanceof RoomsError) return err;
    const e = err as { twilioCode?: unknown; code?: unknown; message?: unknown } | null | undefined;
    const code = typeof e?.twilioCode === 'number' ? e.twilioCode : typeof e?.code === 'number' ? e.code : undefined;
    if (code === undefined) return new RoomsError(ErrorCode.SignalingMalformed, 'The signaling server could not handle this request');
    return new RoomsError(code, typeof e?.message === 'string' ? e.message : 'Signaling error');
  }

  /** True for an error `from` would not pass on to a client: the server's own failure, worth logging. */
  static isInternal(err: unknown): boolean {
    if (err instanceof RoomsError) return false;
    const e = err as { twilioCode?: unknown; code?: unknown } | null | undefined;
    return typeof e?.twilioCode !== 'number' && typeof e?.code !== 'number';
  }

  static malformed(detail: string): RoomsError {
    return new RoomsError(ErrorCode.SignalingMalformed, `Invalid signaling message: ${detail}`);
  }
  static roomFull(name: string, max: number): RoomsError {
    return new RoomsError(ErrorCode.RoomMaxParticipantsExceeded, `Room '${name}' is full (MaxParticipants ${max})`);
  }
  static roomCompleted(name: string): RoomsError {
    return new RoomsError(ErrorCode.RoomCompleted, `Room '${name}' is completed`);
  }
  static duplicateIdentity(identity: string): RoomsError {
    return new RoomsError(
      ErrorCode.ParticipantDuplicateIdentity,
      `Another connection joined as '${identity}'; this one was disconnected`,
    );
  }
  static removed(): RoomsError {
    return new RoomsError(ErrorCode.ParticipantRemoved, 'The participant was removed from the room via the REST API');
  }
  static maxTracks(max: number): RoomsError {
    return new RoomsError(
      ErrorCode.ParticipantMaxTracksExceeded,
      `Publishing would exceed the Room's maximum simultaneously published tracks (${max})`,
    );
  }
  static budget(what: 'messages' | 'bytes'): RoomsError {
    return new RoomsError(
      ErrorCode.TooManyRequests,
      `Too many signaling ${what}: this connection spent its budget and is closed`,
    );
  }
  static grants(message: string): RoomsError {
    return new RoomsError(ErrorCode.AccessTokenGrantsInvalid, message);
  }
}
