import type { ErrorMessage, ServerMessage, TrackInfo } from '@onair/protocol';

/**
 * `error` frames may carry the `requestId` of the request they refuse (for example a
 * `publish`). Not in the protocol yet; honoured when present.
 */
export type ServerErrorMessage = ErrorMessage & { requestId?: string };

export type ParsedServerMessage = Exclude<ServerMessage, ErrorMessage> | ServerErrorMessage;

export type ParseResult =
  | { readonly ok: true; readonly message: ParsedServerMessage }
  | { readonly ok: false; readonly reason: string };

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isNonEmptyString = (value: unknown): value is string => isString(value) && value !== '';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isOptional = (value: unknown, guard: (v: unknown) => boolean): boolean =>
  value === undefined || guard(value);
const isNullable = (value: unknown, guard: (v: unknown) => boolean): boolean =>
  value === undefined || value === null || guard(value);

export function isTrackInfo(value: unknown): value is TrackInfo {
  return (
    isObject(value) &&
    isNonEmptyString(value.sid) &&
    isString(value.name) &&
    (value.kind === 'audio' || value.kind === 'video' || value.kind === 'data') &&
    isBoolean(value.enabled) &&
    isNonEmptyString(value.streamId)
  );
}

function isParticipantInfo(value: unknown): boolean {
  return (
    isObject(value) &&
    isNonEmptyString(value.sid) &&
    isString(value.identity) &&
    Array.isArray(value.tracks) &&
    value.tracks.every(isTrackInfo)
  );
}

function isIceServer(value: unknown): boolean {
  return (
    isObject(value) &&
    (isString(value.urls) || (Array.isArray(value.urls) && value.urls.every(isString))) &&
    isOptional(value.username, isString) &&
    isOptional(value.credential, isString)
  );
}

function isCandidate(value: unknown): boolean {
  if (value === null) return true;
  return (
    isObject(value) &&
    isOptional(value.candidate, isString) &&
    isNullable(value.sdpMid, isString) &&
    isNullable(value.sdpMLineIndex, isNumber) &&
    isNullable(value.usernameFragment, isString)
  );
}

function isRelay(m: Obj): boolean {
  if (!isNonEmptyString(m.from) || !isOptional(m.hidden, isBoolean)) return false;
  if (m.type === 'ice') return 'candidate' in m && isCandidate(m.candidate);
  return isNonEmptyString(m.sdp);
}

/** One structural check per message type: what the SDK relies on, nothing more. */
const validators: Record<ServerMessage['type'], (m: Obj) => boolean> = {
  joined: (m) =>
    isOptional(m.resumed, isBoolean) &&
    isObject(m.room) &&
    isNonEmptyString(m.room.sid) &&
    isString(m.room.name) &&
    isParticipantInfo(m.participant) &&
    Array.isArray(m.participants) &&
    m.participants.every(isParticipantInfo) &&
    Array.isArray(m.iceServers) &&
    m.iceServers.every(isIceServer) &&
    isOptional(m.heartbeatInterval, isNumber),
  'participant-joined': (m) => isParticipantInfo(m.participant),
  'participant-left': (m) => isNonEmptyString(m.participantSid),
  offer: isRelay,
  answer: isRelay,
  ice: isRelay,
  published: (m) => isNonEmptyString(m.requestId) && isTrackInfo(m.track),
  'track-published': (m) => isNonEmptyString(m.participantSid) && isTrackInfo(m.track),
  'track-unpublished': (m) => isNonEmptyString(m.participantSid) && isNonEmptyString(m.trackSid),
  'track-state': (m) =>
    isNonEmptyString(m.participantSid) && isNonEmptyString(m.trackSid) && isBoolean(m.enabled),
  error: (m) =>
    isNumber(m.code) &&
    isString(m.message) &&
    isOptional(m.fatal, isBoolean) &&
    isOptional(m.requestId, isString),
};

/**
 * Parses and validates one signaling frame from the server. Never throws: a malformed or
 * unknown frame yields `{ok: false, reason}` for the caller to log and ignore.
 */
export function parseServerMessage(frame: unknown): ParseResult {
  if (typeof frame !== 'string') return { ok: false, reason: 'binary frame' };
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isObject(value)) return { ok: false, reason: 'not a JSON object' };
  const type = value.type;
  if (!isString(type)) return { ok: false, reason: 'no type' };
  if (!Object.hasOwn(validators, type)) return { ok: false, reason: `unknown type "${type}"` };
  const validate = validators[type as ServerMessage['type']];
  if (!validate(value)) return { ok: false, reason: `malformed "${type}" frame` };
  return { ok: true, message: normalize(value) };
}

/** Fills the optional fields the SDK reads with their documented defaults. */
function normalize(value: Obj): ParsedServerMessage {
  if (value.type === 'joined' && value.resumed === undefined) value.resumed = false;
  if (value.type === 'error' && value.fatal === undefined) value.fatal = false;
  return value as unknown as ParsedServerMessage;
}
