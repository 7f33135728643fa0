/**
 * What the demo page sees of the REST resources: the wire JSON (snake_case, as the REST
 * API answers) reduced to the fields the dashboard shows, in camelCase.
 */

export interface RestRoom {
  sid: string;
  unique_name: string;
  status: string;
  date_created: string;
}

export interface RestStreamer {
  sid: string;
  status: string;
  ended_reason: string | null;
  date_created: string;
}

export interface RestProcessor {
  sid: string;
  status: string;
  extension: string;
  extension_context: string;
  ended_reason: string | null;
  date_created: string;
}

export interface ParticipantView {
  sid: string;
  identity: string;
  status: string;
}

export interface RoomView {
  sid: string;
  name: string;
  status: string;
  dateCreated: string;
  participants: ParticipantView[];
}

export interface StreamerView {
  sid: string;
  status: string;
  endedReason: string | null;
  /** the room its processor composes, when known */
  room: string | null;
  /** live playback sessions (the onair_playback_viewers gauge) */
  viewers: number;
  watchUrl: string;
  dateCreated: string;
}

export interface ProcessorView {
  sid: string;
  status: string;
  endedReason: string | null;
  extension: string;
  room: string | null;
  outputs: string[];
  dateCreated: string;
}

export function toRoomView(room: RestRoom, participants: ParticipantView[]): RoomView {
  return {
    sid: room.sid,
    name: room.unique_name,
    status: room.status,
    dateCreated: room.date_created,
    participants: participants.map((p) => ({ sid: p.sid, identity: p.identity, status: p.status })),
  };
}

export function toStreamerView(s: RestStreamer, room: string | null | undefined, viewers: number): StreamerView {
  return {
    sid: s.sid,
    status: s.status,
    endedReason: s.ended_reason ?? null,
    room: room ?? null,
    viewers,
    watchUrl: `/demo/watch?streamer=${s.sid}`,
    dateCreated: s.date_created,
  };
}

/** Reads the composer's ExtensionContext; a context it cannot read leaves room and outputs empty. */
export function toProcessorView(p: RestProcessor): ProcessorView {
  let room: string | null = null;
  let outputs: string[] = [];
  try {
    const ctx = JSON.parse(p.extension_context) as { room?: { name?: unknown }; outputs?: unknown };
    if (typeof ctx.room?.name === 'string') room = ctx.room.name;
    if (Array.isArray(ctx.outputs)) outputs = ctx.outputs.filter((o): o is string => typeof o === 'string');
  } catch {
    // not JSON: shown without room and outputs
  }
  return {
    sid: p.sid,
    status: p.status,
    endedReason: p.ended_reason ?? null,
    extension: p.extension,
    room,
    outputs,
    dateCreated: p.date_created,
  };
}
