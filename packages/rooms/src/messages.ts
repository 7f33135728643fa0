/** Parsing and validation of client → server frames (the room server trusts nothing else). */
import type { ClientMessage, TrackKind } from '@onair/protocol';
import { RoomsError } from './errors.js';

const KINDS: readonly TrackKind[] = ['audio', 'video', 'data'];
const MAX_FRAME = 256 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Obj, k: string, max = 256): string => {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw RoomsError.malformed(`${k} must be a string of 1–${max} characters`);
  return v;
};


function trackInput(v: unknown) {
  if (!isObj(v)) throw RoomsError.malformed('track must be an object');
  const kind = v.kind as TrackKind;
  if (!KINDS.includes(kind)) throw RoomsError.malformed('track.kind must be audio, video or data');
  return {
    name: str(v, 'name', 128),
    kind,
    enabled: v.enabled === undefined ? true : Boolean(v.enabled),
    streamId: str(v, 'streamId', 128),
  };
}

export function parseClientMessage(raw: string | Buffer): ClientMessage {
  if (raw.length > MAX_FRAME) throw RoomsError.malformed(`frame larger than ${MAX_FRAME} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(raw.toString());
  } catch {
    throw RoomsError.malformed('not JSON');
  }
  if (!isObj(v)) throw RoomsError.malformed('not an object');
  switch (v.type) {
    case 'join': {
      const tracks = v.tracks === undefined ? [] : v.tracks;
      if (!Array.isArray(tracks) || tracks.length > 32) throw RoomsError.malformed('tracks must be an array of at most 32');
      return {
        type: 'join',
        token: str(v, 'token', 8192),
        ...(v.room !== undefined ? { room: str(v, 'room', 256) } : {}),
        hidden: v.hidden === true,
        tracks: tracks.map(trackInput),
        ...(v.resume !== undefined ? { resume: str(v, 'resume', 64) } : {}),
        ...(v.sdk !== undefined ? { sdk: str(v, 'sdk', 128) } : {}),
      };
    }
    case 'offer':
    case 'answer':
      return { type: v.type, to: str(v, 'to', 64), sdp: str(v, 'sdp', MAX_FRAME) };
    case 'ice': {
      const c = v.candidate;
      if (c !== null && c !== undefined && !isObj(c)) throw RoomsError.malformed('candidate must be an object or null');
      return { type: 'ice', to: str(v, 'to', 64), candidate: (c ?? null) as never };
    }
    case 'publish':
      return { type: 'publish', requestId: str(v, 'requestId', 64), track: trackInput(v.track) };
    case 'unpublish':
      return { type: 'unpublish', trackSid: str(v, 'trackSid', 64) };
    case 'track-state':
      if (typeof v.enabled !== 'boolean') throw RoomsError.malformed('enabled must be a boolean');
      return { type: 'track-state', trackSid: str(v, 'trackSid', 64), enabled: v.enabled };
    case 'leave':
      return { type: 'leave' };
    default:
      throw RoomsError.malformed(`unknown type ${JSON.stringify(String(v.type)).slice(0, 40)}`);
  }
}

