/**
 * Malformed input on every REST route: each answer must be a 4xx with Twilio's error JSON
 * `{code, message, more_info, status}` (body status = HTTP status), never a 5xx, and the
 * server must survive all of it.
 *
 * Rows are static; `{room}`, `{streamer}`… in paths and bodies are replaced at run time
 * with SIDs made in beforeAll (see `fx`).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SqliteStore } from '@onair/server';
import { api, startServer, type RunningServer } from './support/server.js';
import { expectTwilioError } from './support/wire.js';

let server: RunningServer;
/** placeholder → value, filled in beforeAll */
const fx: Record<string, string> = {};

const hex = (c: string) => c.repeat(32);
const UNKNOWN = {
  RM: `RM${hex('0')}`,
  PA: `PA${hex('0')}`,
  VJ: `VJ${hex('f')}`,
  ZX: `ZX${hex('e')}`,
  KV: `KV${hex('d')}`,
};
const BIG = 'x'.repeat(10 * 1024); // 10 kB string
const BAD_PCT = '%E0%A4%A'; // truncated UTF-8 percent-encoding

const ctx = (o: unknown) => JSON.stringify(o);
const composer = (context: unknown, extra: Record<string, string> = {}) => ({
  Extension: 'video-composer-v1',
  ExtensionContext: typeof context === 'string' ? context : ctx(context),
  ...extra,
});
const okContext = { room: { name: 'bad-input-room' }, outputs: ['{spare}'] };

type Body = Record<string, string | string[]> | string;
interface Row {
  name: string;
  method: string;
  path: string;
  body?: Body;
  headers?: Record<string, string>;
  /** 'none': no Authorization header at all; otherwise the header's exact value */
  auth?: 'none' | { header: string };
  status: number;
  code: number;
}

const row = (method: string, path: string, status: number, code: number, name: string, extra: Partial<Row> = {}): Row => ({
  name: `${method} ${path} ${name}`,
  method,
  path,
  status,
  code,
  ...extra,
});
const bad = (method: string, path: string, name: string, body?: Body, extra: Partial<Row> = {}) =>
  row(method, path, 400, 20001, name, { ...(body !== undefined ? { body } : {}), ...extra });
const query = (path: string, params: Record<string, string | string[]>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const item of [v].flat()) q.append(k, item);
  return `${path}?${q.toString()}`;
};
const badQuery = (path: string, name: string, params: Record<string, string | string[]>) =>
  bad('GET', query(path, params), name);
const notFound = (method: string, path: string, name: string, body?: Body) =>
  row(method, path, 404, 20404, name, body !== undefined ? { body } : {});

/** Every route, with a path that exists (so only the method or the auth is wrong). */
const ROUTES: [string, string][] = [
  ['POST', '/v1/Rooms'],
  ['GET', '/v1/Rooms'],
  ['GET', '/v1/Rooms/{room}'],
  ['POST', '/v1/Rooms/{room}'],
  ['GET', '/v1/Rooms/{room}/Participants'],
  ['GET', '/v1/Rooms/{room}/Participants/{participant}'],
  ['POST', '/v1/Rooms/{room}/Participants/{participant}'],
  ['POST', '/v1/PlayerStreamers'],
  ['GET', '/v1/PlayerStreamers'],
  ['GET', '/v1/PlayerStreamers/{streamer}'],
  ['POST', '/v1/PlayerStreamers/{streamer}'],
  ['POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant'],
  ['GET', '/v1/PlayerStreamers/{streamer}/PlaybackGrant'],
  ['POST', '/v1/MediaProcessors'],
  ['GET', '/v1/MediaProcessors'],
  ['GET', '/v1/MediaProcessors/{processor}'],
  ['POST', '/v1/MediaProcessors/{processor}'],
  ['GET', '/v1/MediaRecordings'],
  ['GET', '/v1/MediaRecordings/{recording}'],
  ['DELETE', '/v1/MediaRecordings/{recording}'],
  ['GET', '/v1/MediaRecordings/{recording}/Media'],
];

const SINGLE_PATHS = [...new Set(ROUTES.map(([, p]) => p))];
const ALLOWED = new Map<string, string[]>();
for (const [m, p] of ROUTES) ALLOWED.set(p, [...(ALLOWED.get(p) ?? []), m]);

const rows: Row[] = [
  // ───────────────────────── auth: every route, then header variants ─────────────────────────
  ...ROUTES.map(([m, p]) => row(m, p, 401, 20003, 'without Authorization', { auth: 'none' })),
  row('GET', '/v1/Rooms', 401, 20003, 'wrong secret', { auth: { header: 'wrong-secret' } }),
  row('GET', '/v1/Rooms', 401, 20003, 'API key SID with the auth token (mixed pair)', { auth: { header: 'mixed' } }),
  row('GET', '/v1/Rooms', 401, 20003, 'Authorization: Bearer', { auth: { header: 'Bearer abc.def.ghi' } }),
  row('GET', '/v1/Rooms', 401, 20003, 'Authorization: Basic !!!', { auth: { header: 'Basic !!!not-base64!!!' } }),
  row('GET', '/v1/Rooms', 401, 20003, 'Authorization: Basic without colon', {
    auth: { header: `Basic ${Buffer.from('no-colon-here').toString('base64')}` },
  }),
  row('GET', '/v1/Rooms', 401, 20003, 'Authorization: Basic empty user and password', {
    auth: { header: `Basic ${Buffer.from(':').toString('base64')}` },
  }),
  row('GET', '/v1/Rooms', 401, 20003, 'Authorization: "Basic" alone', { auth: { header: 'Basic' } }),
  row('POST', '/v1/Rooms', 401, 20003, 'unauthenticated create with a valid body', {
    auth: 'none',
    body: { UniqueName: 'should-not-exist' },
  }),
  row('GET', '/v1/Nope', 401, 20003, 'unknown /v1 route without auth is 401, not 404', { auth: 'none' }),

  // ───────────────────────── unknown routes ─────────────────────────
  notFound('GET', '/v1/Nope', 'unknown /v1 route'),
  notFound('POST', '/v1/Nope', 'unknown /v1 route (POST)', { A: 'b' }),
  notFound('GET', '/nope', 'unknown top-level route'),
  notFound('GET', '/v1', '/v1 itself'),
  notFound('GET', '/v2/Rooms', 'another API version'),
  notFound('GET', '/v1/Rooms/{room}/Nope', 'unknown sub-resource'),
  notFound('GET', '/v1/PlayerStreamers/{streamer}/PlaybackGrant/extra', 'path below PlaybackGrant'),
  notFound('GET', '/v1/MediaRecordings/{recording}/Media/extra', 'path below a recording'),

  // ───────────────────────── wrong methods: 405 20004 on every route ─────────────────────────
  row('DELETE', '/v1/Rooms', 405, 20004, 'DELETE on the Rooms list'),
  row('PUT', '/v1/PlayerStreamers/{streamer}', 405, 20004, 'PUT on a PlayerStreamer'),
  ...SINGLE_PATHS.flatMap((p) =>
    ['PUT', 'PATCH', 'DELETE', 'POST', 'GET']
      .filter((m) => !ALLOWED.get(p)!.includes(m))
      .filter((m) => !(m === 'DELETE' && p === '/v1/Rooms') && !(m === 'PUT' && p === '/v1/PlayerStreamers/{streamer}'))
      .map((m) => row(m, p, 405, 20004, 'method not allowed')),
  ),
  row('POST', '/v1/MediaRecordings/{recording}', 405, 20004, 'method not allowed with a body', { body: { Status: 'deleted' } }),

  // ───────────────────────── malformed percent-encoding in the path ─────────────────────────
  bad('GET', `/v1/Rooms/${BAD_PCT}`, 'malformed percent-encoding'),
  bad('POST', `/v1/Rooms/${BAD_PCT}`, 'malformed percent-encoding', { Status: 'completed' }),
  bad('GET', `/v1/Rooms/${BAD_PCT}/Participants`, 'malformed percent-encoding'),
  bad('GET', `/v1/Rooms/{room}/Participants/${BAD_PCT}`, 'malformed percent-encoding'),
  bad('GET', `/v1/PlayerStreamers/${BAD_PCT}`, 'malformed percent-encoding'),
  bad('POST', `/v1/PlayerStreamers/${BAD_PCT}/PlaybackGrant`, 'malformed percent-encoding'),
  bad('GET', `/v1/MediaProcessors/%ZZ`, 'non-hex percent-encoding'),
  bad('DELETE', `/v1/MediaRecordings/${BAD_PCT}`, 'malformed percent-encoding'),

  // ───────────────────────── request bodies ─────────────────────────
  row('POST', '/v1/Rooms', 413, 20413, 'body over 1 MB', { body: `UniqueName=${'a'.repeat(1024 * 1024 + 10)}` }),
  row('POST', '/v1/PlayerStreamers/{streamer}', 413, 20413, 'body over 1 MB on an update', {
    body: `Status=ended&Pad=${'a'.repeat(1024 * 1024 + 10)}`,
  }),
  row('POST', '/v1/Rooms', 413, 20413, 'more than 1000 parameters', {
    body: Array.from({ length: 1001 }, (_, i) => `P${i}=1`).join('&'),
  }),
  row('POST', '/v1/Rooms', 415, 20415, 'charset=koi8-r', {
    body: 'UniqueName=koi8',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' },
  }),
  row('POST', '/v1/PlayerStreamers', 415, 20415, 'charset=utf-16', {
    body: 'Video=true',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16' },
  }),
  row('POST', '/v1/MediaProcessors', 415, 20415, 'Content-Encoding: compress (unsupported)', {
    body: 'Extension=video-composer-v1',
    headers: { 'content-encoding': 'compress' },
  }),
  bad('POST', '/v1/Rooms', 'Content-Encoding: gzip with a body that is not gzip', 'UniqueName=not-gzipped', {
    headers: { 'content-encoding': 'gzip' },
  }),
  bad('POST', '/v1/Rooms', 'invalid UTF-8 in a percent-encoded value (%FF)', 'UniqueName=bad%FFutf8'),

  // ───────────────────────── empty bodies on every POST route that needs a parameter ─────────────────────────
  ...(
    [
      ['/v1/Rooms/{room}', 'Status'],
      ['/v1/Rooms/{room}/Participants/{participant}', 'Status'],
      ['/v1/PlayerStreamers/{streamer}', 'Status'],
      ['/v1/MediaProcessors', 'Extension'],
      ['/v1/MediaProcessors/{processor}', 'Status'],
    ] as const
  ).flatMap(([p]) => [
    bad('POST', p, 'empty form body', ''),
    bad('POST', p, 'no body and no Content-Type'),
    bad('POST', p, 'JSON body (not form-encoded) is not read as parameters', '{"Status":"completed","Extension":"video-composer-v1"}', {
      headers: { 'content-type': 'application/json' },
    }),
  ]),

  // ───────────────────────── Rooms: create ─────────────────────────
  bad('POST', '/v1/Rooms', 'Type=conference', { Type: 'conference' }),
  bad('POST', '/v1/Rooms', 'Type unicode', { Type: 'グループ' }),
  bad('POST', '/v1/Rooms', 'Type given twice', { Type: ['group', 'go'] }),
  bad('POST', '/v1/Rooms', 'Type empty', { Type: '' }),
  bad('POST', '/v1/Rooms', 'MaxParticipants=abc', { MaxParticipants: 'abc' }),
  bad('POST', '/v1/Rooms', 'MaxParticipants=1.5', { MaxParticipants: '1.5' }),
  bad('POST', '/v1/Rooms', 'MaxParticipants=0', { MaxParticipants: '0' }),
  bad('POST', '/v1/Rooms', 'MaxParticipants=-1', { MaxParticipants: '-1' }),
  bad('POST', '/v1/Rooms', 'MaxParticipants=51 (group max 50)', { MaxParticipants: '51' }),
  bad('POST', '/v1/Rooms', 'MaxParticipants=1e1', { MaxParticipants: '1e1' }),
  bad('POST', '/v1/Rooms', 'MaxParticipants=99999999999999999999999', { MaxParticipants: '99999999999999999999999' }),
  bad('POST', '/v1/Rooms', 'Type=go MaxParticipants=5', { Type: 'go', MaxParticipants: '5' }),
  bad('POST', '/v1/Rooms', 'Type=group-small MaxParticipants=5', { Type: 'group-small', MaxParticipants: '5' }),
  bad('POST', '/v1/Rooms', 'Type=peer-to-peer MaxParticipants=11', { Type: 'peer-to-peer', MaxParticipants: '11' }),
  bad('POST', '/v1/Rooms', 'MaxParticipantDuration=599', { MaxParticipantDuration: '599' }),
  bad('POST', '/v1/Rooms', 'MaxParticipantDuration=86401', { MaxParticipantDuration: '86401' }),
  bad('POST', '/v1/Rooms', 'MaxParticipantDuration=forever', { MaxParticipantDuration: 'forever' }),
  bad('POST', '/v1/Rooms', 'AudioOnly=yes', { AudioOnly: 'yes' }),
  bad('POST', '/v1/Rooms', 'AudioOnly=1', { AudioOnly: '1' }),
  bad('POST', '/v1/Rooms', 'RecordParticipantsOnConnect=maybe', { RecordParticipantsOnConnect: 'maybe' }),
  bad('POST', '/v1/Rooms', 'EnableTurn=on', { EnableTurn: 'on' }),
  bad('POST', '/v1/Rooms', 'LargeRoom=', { LargeRoom: '' }),
  bad('POST', '/v1/Rooms', 'VideoCodecs=AV1', { VideoCodecs: 'AV1' }),
  bad('POST', '/v1/Rooms', 'VideoCodecs=VP8,AV1', { VideoCodecs: ['VP8', 'AV1'] }),
  bad('POST', '/v1/Rooms', 'VideoCodecs empty', { VideoCodecs: '' }),
  bad('POST', '/v1/Rooms', 'StatusCallback=ftp://x', { StatusCallback: 'ftp://x' }),
  bad('POST', '/v1/Rooms', 'StatusCallback=not-a-url', { StatusCallback: 'not-a-url' }),
  bad('POST', '/v1/Rooms', 'StatusCallback=javascript:', { StatusCallback: 'javascript:alert(1)' }),
  bad('POST', '/v1/Rooms', 'StatusCallback relative', { StatusCallback: '/callbacks' }),
  bad('POST', '/v1/Rooms', 'StatusCallback 10 kB', { StatusCallback: `https://example.com/${BIG}` }),
  bad('POST', '/v1/Rooms', 'StatusCallbackMethod=PUT', { StatusCallbackMethod: 'PUT' }),
  bad('POST', '/v1/Rooms', 'StatusCallbackMethod=DELETE', { StatusCallbackMethod: 'DELETE' }),
  bad('POST', '/v1/Rooms', 'UniqueName is a Room SID', { UniqueName: `RM${hex('a')}` }),
  bad('POST', '/v1/Rooms', 'UniqueName 129 characters', { UniqueName: 'n'.repeat(129) }),
  bad('POST', '/v1/Rooms', 'UniqueName 10 kB', { UniqueName: BIG }),
  bad('POST', '/v1/Rooms', 'UniqueName empty', { UniqueName: '' }),
  bad('POST', '/v1/Rooms', 'UniqueName given twice', { UniqueName: ['a', 'b'] }),
  row('POST', '/v1/Rooms', 400, 53113, 'UniqueName of an in-progress room', { body: { UniqueName: 'bad-input-room' } }),
  bad('POST', '/v1/Rooms', 'EmptyRoomTimeout=0', { EmptyRoomTimeout: '0' }),
  bad('POST', '/v1/Rooms', 'EmptyRoomTimeout=61', { EmptyRoomTimeout: '61' }),
  bad('POST', '/v1/Rooms', 'UnusedRoomTimeout=0', { UnusedRoomTimeout: '0' }),
  bad('POST', '/v1/Rooms', 'UnusedRoomTimeout=61', { UnusedRoomTimeout: '61' }),
  bad('POST', '/v1/Rooms', 'RecordingRules malformed JSON', { RecordingRules: '{"rules": [' }),
  bad('POST', '/v1/Rooms', 'MediaRegion 10 kB', { MediaRegion: BIG }),

  // ───────────────────────── Rooms: list ─────────────────────────
  badQuery('/v1/Rooms', 'Status=active', { Status: 'active' }),
  badQuery('/v1/Rooms', 'Status=in_progress', { Status: 'in_progress' }),
  badQuery('/v1/Rooms', 'Status given twice', { Status: ['in-progress', 'completed'] }),
  badQuery('/v1/Rooms', 'PageSize=0', { PageSize: '0' }),
  badQuery('/v1/Rooms', 'PageSize=1001', { PageSize: '1001' }),
  badQuery('/v1/Rooms', 'PageSize=abc', { PageSize: 'abc' }),
  badQuery('/v1/Rooms', 'PageSize=2.5', { PageSize: '2.5' }),
  badQuery('/v1/Rooms', 'PageSize given twice', { PageSize: ['2', '3'] }),
  badQuery('/v1/Rooms', 'Page=-1', { Page: '-1' }),
  badQuery('/v1/Rooms', 'Page=first', { Page: 'first' }),
  badQuery('/v1/Rooms', 'PageToken=garbage', { PageToken: 'garbage' }),
  badQuery('/v1/Rooms', 'PageToken=PAxyz', { PageToken: 'PAxyz' }),
  badQuery('/v1/Rooms', 'PageToken=PB (empty cursor)', { PageToken: 'PB' }),
  badQuery('/v1/Rooms', 'PageToken unicode', { PageToken: 'PA😀' }),
  badQuery('/v1/Rooms', 'PageToken 10 kB', { PageToken: `PA${BIG}` }),
  badQuery('/v1/Rooms', 'PageToken empty', { PageToken: '' }),
  badQuery('/v1/Rooms', 'DateCreatedAfter=yesterday', { DateCreatedAfter: 'yesterday' }),
  badQuery('/v1/Rooms', 'DateCreatedAfter=2020-13-01', { DateCreatedAfter: '2020-13-01' }),
  badQuery('/v1/Rooms', 'DateCreatedAfter=2020-02-30 (no such day)', { DateCreatedAfter: '2020-02-30' }),
  badQuery('/v1/Rooms', 'DateCreatedBefore=1700000000 (epoch seconds)', { DateCreatedBefore: '1700000000' }),
  badQuery('/v1/Rooms', 'DateCreatedBefore=2020-01-01T25:00:00Z', { DateCreatedBefore: '2020-01-01T25:00:00Z' }),
  badQuery('/v1/Rooms', 'UniqueName 10 kB', { UniqueName: BIG }),

  // ───────────────────────── Rooms: fetch / update ─────────────────────────
  notFound('GET', `/v1/Rooms/${UNKNOWN.RM}`, 'unknown Room SID'),
  notFound('GET', '/v1/Rooms/no-such-room', 'unknown UniqueName'),
  notFound('GET', `/v1/Rooms/RM${hex('A')}`, 'upper-case hex SID (a name, unknown)'),
  notFound('GET', '/v1/Rooms/RM123', 'truncated SID'),
  notFound('GET', '/v1/Rooms/%F0%9F%98%80', 'unicode name'),
  notFound('GET', `/v1/Rooms/${BIG}`, '10 kB name'),
  notFound('POST', `/v1/Rooms/${UNKNOWN.RM}`, 'update of an unknown Room SID', { Status: 'completed' }),
  notFound('POST', '/v1/Rooms/no-such-room', 'update of an unknown UniqueName', { Status: 'completed' }),
  bad('POST', '/v1/Rooms/{room}', 'Status=in-progress', { Status: 'in-progress' }),
  bad('POST', '/v1/Rooms/{room}', 'Status=failed', { Status: 'failed' }),
  bad('POST', '/v1/Rooms/{room}', 'Status=paused', { Status: 'paused' }),
  bad('POST', '/v1/Rooms/{room}', 'Status unicode', { Status: '完了' }),
  bad('POST', '/v1/Rooms/{room}', 'Status 10 kB', { Status: BIG }),
  bad('POST', '/v1/Rooms/{room}', 'Status empty', { Status: '' }),
  bad('POST', '/v1/Rooms/{room}', 'Status given twice', { Status: ['completed', 'completed'] }),
  bad('POST', '/v1/Rooms/bad-input-room', 'Status=paused by UniqueName', { Status: 'paused' }),

  // ───────────────────────── Participants ─────────────────────────
  notFound('GET', `/v1/Rooms/${UNKNOWN.RM}/Participants`, 'list in an unknown room'),
  notFound('GET', '/v1/Rooms/no-such-room/Participants', 'list in an unknown room name'),
  notFound('GET', `/v1/Rooms/${UNKNOWN.RM}/Participants?Status=bogus`, 'unknown room wins over a bad filter'),
  badQuery('/v1/Rooms/{room}/Participants', 'Status=gone', { Status: 'gone' }),
  badQuery('/v1/Rooms/{room}/Participants', 'PageSize=0', { PageSize: '0' }),
  badQuery('/v1/Rooms/{room}/Participants', 'PageSize=1001', { PageSize: '1001' }),
  badQuery('/v1/Rooms/{room}/Participants', 'Page=-1', { Page: '-1' }),
  badQuery('/v1/Rooms/{room}/Participants', 'PageToken=PAxyz', { PageToken: 'PAxyz' }),
  badQuery('/v1/Rooms/{room}/Participants', 'DateCreatedAfter=not-a-date', { DateCreatedAfter: 'not-a-date' }),
  badQuery('/v1/Rooms/{room}/Participants', 'DateCreatedBefore=2020-02-31', { DateCreatedBefore: '2020-02-31' }),
  badQuery('/v1/Rooms/{room}/Participants', 'Identity 10 kB', { Identity: BIG }),
  badQuery('/v1/Rooms/{room}/Participants', 'Identity given twice', { Identity: ['a', 'b'] }),
  notFound('GET', `/v1/Rooms/{room}/Participants/${UNKNOWN.PA}`, 'unknown Participant SID'),
  notFound('GET', '/v1/Rooms/{room}/Participants/PA123', 'malformed Participant SID'),
  notFound('GET', '/v1/Rooms/{room}/Participants/%F0%9F%98%80', 'unicode Participant SID'),
  notFound('GET', `/v1/Rooms/{room}/Participants/${BIG}`, '10 kB Participant SID'),
  notFound('GET', '/v1/Rooms/{room2}/Participants/{participant}', 'participant of another room'),
  notFound('GET', `/v1/Rooms/${UNKNOWN.RM}/Participants/{participant}`, 'participant under an unknown room'),
  notFound('POST', `/v1/Rooms/{room}/Participants/${UNKNOWN.PA}`, 'update of an unknown participant', { Status: 'disconnected' }),
  notFound('POST', '/v1/Rooms/{room2}/Participants/{participant}', 'update of a participant of another room', {
    Status: 'disconnected',
  }),
  bad('POST', '/v1/Rooms/{room}/Participants/{participant}', 'Status=connected', { Status: 'connected' }),
  bad('POST', '/v1/Rooms/{room}/Participants/{participant}', 'Status=kicked', { Status: 'kicked' }),
  bad('POST', '/v1/Rooms/{room}/Participants/{participant}', 'Status=Disconnected (case)', { Status: 'Disconnected' }),
  bad('POST', '/v1/Rooms/{room}/Participants/{participant}', 'Status given twice', { Status: ['disconnected', 'disconnected'] }),
  bad('POST', '/v1/Rooms/{room}/Participants/{participant}', 'Status 10 kB', { Status: BIG }),

  // ───────────────────────── PlayerStreamers ─────────────────────────
  bad('POST', '/v1/PlayerStreamers', 'Video=yes', { Video: 'yes' }),
  bad('POST', '/v1/PlayerStreamers', 'Video=1', { Video: '1' }),
  bad('POST', '/v1/PlayerStreamers', 'Video given twice', { Video: ['true', 'false'] }),
  bad('POST', '/v1/PlayerStreamers', 'MaxDuration=0', { MaxDuration: '0' }),
  bad('POST', '/v1/PlayerStreamers', 'MaxDuration=90001', { MaxDuration: '90001' }),
  bad('POST', '/v1/PlayerStreamers', 'MaxDuration=ten', { MaxDuration: 'ten' }),
  bad('POST', '/v1/PlayerStreamers', 'MaxDuration=30.5', { MaxDuration: '30.5' }),
  bad('POST', '/v1/PlayerStreamers', 'StatusCallback=ftp://x', { StatusCallback: 'ftp://x' }),
  bad('POST', '/v1/PlayerStreamers', 'StatusCallback=not-a-url', { StatusCallback: 'not-a-url' }),
  bad('POST', '/v1/PlayerStreamers', 'StatusCallbackMethod=PUT', { StatusCallbackMethod: 'PUT' }),
  bad('POST', '/v1/PlayerStreamers', 'LatencyMode=ultra', { LatencyMode: 'ultra' }),
  bad('POST', '/v1/PlayerStreamers', 'LatencyMode=Low (case-sensitive)', { LatencyMode: 'Low' }),
  bad('POST', '/v1/PlayerStreamers', 'LatencyMode empty', { LatencyMode: '' }),
  bad('POST', '/v1/PlayerStreamers', 'LatencyMode given twice', { LatencyMode: ['low', 'standard'] }),
  badQuery('/v1/PlayerStreamers', 'Status=paused', { Status: 'paused' }),
  badQuery('/v1/PlayerStreamers', 'Order=sideways', { Order: 'sideways' }),
  badQuery('/v1/PlayerStreamers', 'Order=ASC (case)', { Order: 'ASC' }),
  badQuery('/v1/PlayerStreamers', 'PageSize=1001', { PageSize: '1001' }),
  badQuery('/v1/PlayerStreamers', 'PageSize=0', { PageSize: '0' }),
  badQuery('/v1/PlayerStreamers', 'Page=-1', { Page: '-1' }),
  badQuery('/v1/PlayerStreamers', 'PageToken=garbage', { PageToken: 'garbage' }),
  badQuery('/v1/PlayerStreamers', 'Order given twice', { Order: ['asc', 'desc'] }),
  notFound('GET', `/v1/PlayerStreamers/${UNKNOWN.VJ}`, 'unknown SID'),
  notFound('GET', '/v1/PlayerStreamers/VJxyz', 'malformed SID'),
  notFound('GET', `/v1/PlayerStreamers/VJ${hex('G')}`, 'non-hex SID'),
  notFound('GET', '/v1/PlayerStreamers/{room}', 'a Room SID'),
  notFound('GET', `/v1/PlayerStreamers/${BIG}`, '10 kB SID'),
  notFound('POST', `/v1/PlayerStreamers/${UNKNOWN.VJ}`, 'update of an unknown SID', { Status: 'ended' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}', 'Status=paused', { Status: 'paused' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}', 'Status=started', { Status: 'started' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}', 'Status=created', { Status: 'created' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}', 'Status=failed', { Status: 'failed' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}', 'Status given twice', { Status: ['ended', 'ended'] }),
  bad('POST', '/v1/PlayerStreamers/{streamer}', 'Status unicode', { Status: 'énded' }),

  // ───────────────────────── PlaybackGrant ─────────────────────────
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'Ttl=0', { Ttl: '0' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'Ttl=61', { Ttl: '61' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'Ttl=abc', { Ttl: 'abc' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'Ttl=-1', { Ttl: '-1' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'Ttl=1.5', { Ttl: '1.5' }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'Ttl given twice', { Ttl: ['10', '20'] }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'AccessControlAllowOrigin="not an origin"', {
    AccessControlAllowOrigin: 'not an origin',
  }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'AccessControlAllowOrigin with a path', {
    AccessControlAllowOrigin: 'https://a.com/path',
  }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'AccessControlAllowOrigin with credentials', {
    AccessControlAllowOrigin: 'https://user:pw@a.com',
  }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'AccessControlAllowOrigin list with an empty item', {
    AccessControlAllowOrigin: 'https://a.com,,https://b.com',
  }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'AccessControlAllowOrigin unicode', {
    AccessControlAllowOrigin: 'ü',
  }),
  bad('POST', '/v1/PlayerStreamers/{streamer}/PlaybackGrant', 'AccessControlAllowOrigin 10 kB', {
    AccessControlAllowOrigin: `https://${BIG}.com`,
  }),
  notFound('POST', `/v1/PlayerStreamers/${UNKNOWN.VJ}/PlaybackGrant`, 'grant for an unknown streamer', { Ttl: '10' }),
  notFound('POST', '/v1/PlayerStreamers/VJnope/PlaybackGrant', 'grant for a malformed SID', ''),
  notFound('GET', `/v1/PlayerStreamers/${UNKNOWN.VJ}/PlaybackGrant`, 'grant of an unknown streamer'),
  notFound('GET', '/v1/PlayerStreamers/{nogrant}/PlaybackGrant', 'grant of a streamer that has none'),
  row('POST', '/v1/PlayerStreamers/{ended}/PlaybackGrant', 409, 20409, 'grant for an ended streamer', { body: { Ttl: '10' } }),

  // ───────────────────────── MediaProcessors: create ─────────────────────────
  bad('POST', '/v1/MediaProcessors', 'missing Extension', { ExtensionContext: ctx(okContext) }),
  bad('POST', '/v1/MediaProcessors', 'missing ExtensionContext', { Extension: 'video-composer-v1' }),
  bad('POST', '/v1/MediaProcessors', 'unknown Extension', { Extension: 'video-composer-v2', ExtensionContext: ctx(okContext) }),
  bad('POST', '/v1/MediaProcessors', 'Extension unicode', { Extension: '🎥-composer', ExtensionContext: ctx(okContext) }),
  bad('POST', '/v1/MediaProcessors', 'Extension 10 kB', { Extension: BIG, ExtensionContext: ctx(okContext) }),
  bad('POST', '/v1/MediaProcessors', 'Extension empty', { Extension: '', ExtensionContext: ctx(okContext) }),
  bad('POST', '/v1/MediaProcessors', 'Extension given twice', {
    Extension: ['video-composer-v1', 'video-composer-v1'],
    ExtensionContext: ctx(okContext),
  }),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext malformed JSON', composer('{"room": {"name": "x"')),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext JSON array', composer('[]')),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext JSON string', composer('"standup"')),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext JSON number', composer('42')),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext JSON null', composer('null')),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext empty', composer('')),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext over 16 kB', composer(ctx({ ...okContext, identity: 'i'.repeat(17_000) }))),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext missing room', composer({ outputs: ['{spare}'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext room is a string', composer({ room: 'bad-input-room', outputs: ['{spare}'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext room.name empty', composer({ room: { name: '' }, outputs: ['{spare}'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext room.name missing', composer({ room: {}, outputs: ['{spare}'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext room.name a number', composer({ room: { name: 7 }, outputs: ['{spare}'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext missing outputs', composer({ room: { name: 'bad-input-room' } })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext outputs empty', composer({ room: { name: 'bad-input-room' }, outputs: [] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext outputs a string', composer({ room: { name: 'bad-input-room' }, outputs: '{spare}' })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext outputs with a non-VJ string', composer({ room: { name: 'x' }, outputs: ['not-a-vj'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext outputs with a Room SID', composer({ room: { name: 'x' }, outputs: ['{room}'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext outputs with a unicode VJ', composer({ room: { name: 'x' }, outputs: ['VJ😀'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext outputs with a nonexistent VJ', composer({ room: { name: 'x' }, outputs: [UNKNOWN.VJ] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext outputs with an ended streamer', composer({ room: { name: 'x' }, outputs: ['{ended}'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext outputs with a streamer already fed', composer({ room: { name: 'x' }, outputs: ['{busy}'] })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext outputs with 9 streamers', composer({
    room: { name: 'x' },
    outputs: Array.from({ length: 9 }, (_, i) => `VJ${String(i).repeat(32)}`),
  })),
  ...['1x1', '4000x4000', 'big', '1281x720', '1920x1920', '0x0', '1280x720x3', ''].map((resolution) =>
    bad('POST', '/v1/MediaProcessors', `ExtensionContext resolution ${JSON.stringify(resolution)}`, composer({ ...okContext, resolution })),
  ),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext resolution a number', composer({ ...okContext, resolution: 720 })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext audioBitrate 5', composer({ ...okContext, audioBitrate: 5 })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext audioBitrate "128"', composer({ ...okContext, audioBitrate: '128' })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext audioBitrate 1e400', composer('{"room":{"name":"x"},"outputs":["{spare}"],"audioBitrate":1e400}')),
  bad('POST', '/v1/MediaProcessors', 'ExtensionContext identity empty', composer({ ...okContext, identity: '' })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionEnvironment malformed JSON', composer(okContext, { ExtensionEnvironment: '{hide' })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionEnvironment JSON array', composer(okContext, { ExtensionEnvironment: '[]' })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionEnvironment backgroundColor=red', composer(okContext, {
    ExtensionEnvironment: ctx({ backgroundColor: 'red' }),
  })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionEnvironment backgroundColor=#12345', composer(okContext, {
    ExtensionEnvironment: ctx({ backgroundColor: '#12345' }),
  })),
  bad('POST', '/v1/MediaProcessors', 'ExtensionEnvironment hideParticipantIdentities="yes"', composer(okContext, {
    ExtensionEnvironment: ctx({ hideParticipantIdentities: 'yes' }),
  })),
  bad('POST', '/v1/MediaProcessors', 'StatusCallback=ftp://x', composer(okContext, { StatusCallback: 'ftp://x' })),
  bad('POST', '/v1/MediaProcessors', 'StatusCallback=not-a-url', composer(okContext, { StatusCallback: 'not-a-url' })),
  bad('POST', '/v1/MediaProcessors', 'StatusCallbackMethod=PUT', composer(okContext, { StatusCallbackMethod: 'PUT' })),
  bad('POST', '/v1/MediaProcessors', 'MaxDuration=0', composer(okContext, { MaxDuration: '0' })),
  bad('POST', '/v1/MediaProcessors', 'MaxDuration=90001', composer(okContext, { MaxDuration: '90001' })),
  bad('POST', '/v1/MediaProcessors', 'MaxDuration=abc', composer(okContext, { MaxDuration: 'abc' })),

  // ───────────────────────── MediaProcessors: list / fetch / update ─────────────────────────
  badQuery('/v1/MediaProcessors', 'Status=running', { Status: 'running' }),
  badQuery('/v1/MediaProcessors', 'Order=sideways', { Order: 'sideways' }),
  badQuery('/v1/MediaProcessors', 'PageSize=0', { PageSize: '0' }),
  badQuery('/v1/MediaProcessors', 'PageSize=1001', { PageSize: '1001' }),
  badQuery('/v1/MediaProcessors', 'Page=-1', { Page: '-1' }),
  badQuery('/v1/MediaProcessors', 'PageToken=PAxyz', { PageToken: 'PAxyz' }),
  notFound('GET', `/v1/MediaProcessors/${UNKNOWN.ZX}`, 'unknown SID'),
  notFound('GET', '/v1/MediaProcessors/ZX1', 'malformed SID'),
  notFound('GET', '/v1/MediaProcessors/{streamer}', 'a PlayerStreamer SID'),
  notFound('POST', `/v1/MediaProcessors/${UNKNOWN.ZX}`, 'update of an unknown SID', { Status: 'ended' }),
  bad('POST', '/v1/MediaProcessors/{processor}', 'Status=paused', { Status: 'paused' }),
  bad('POST', '/v1/MediaProcessors/{processor}', 'Status=started', { Status: 'started' }),
  bad('POST', '/v1/MediaProcessors/{processor}', 'Status=failed', { Status: 'failed' }),
  bad('POST', '/v1/MediaProcessors/{processor}', 'Status=in-progress', { Status: 'in-progress' }),
  bad('POST', '/v1/MediaProcessors/{processor}', 'Status given twice', { Status: ['ended', 'ended'] }),
  bad('POST', '/v1/MediaProcessors/{processor}', 'Status 10 kB', { Status: BIG }),

  // ───────────────────────── MediaRecordings ─────────────────────────
  badQuery('/v1/MediaRecordings', 'Status=recording', { Status: 'recording' }),
  badQuery('/v1/MediaRecordings', 'Order=sideways', { Order: 'sideways' }),
  badQuery('/v1/MediaRecordings', 'PageSize=0', { PageSize: '0' }),
  badQuery('/v1/MediaRecordings', 'PageSize=1001', { PageSize: '1001' }),
  badQuery('/v1/MediaRecordings', 'PageSize=ten', { PageSize: 'ten' }),
  badQuery('/v1/MediaRecordings', 'Page=-1', { Page: '-1' }),
  badQuery('/v1/MediaRecordings', 'PageToken=garbage', { PageToken: 'garbage' }),
  badQuery('/v1/MediaRecordings', 'ProcessorSid 10 kB', { ProcessorSid: BIG }),
  badQuery('/v1/MediaRecordings', 'SourceSid given twice', { SourceSid: [UNKNOWN.VJ, UNKNOWN.VJ] }),
  notFound('GET', `/v1/MediaRecordings/${UNKNOWN.KV}`, 'unknown SID'),
  notFound('GET', '/v1/MediaRecordings/KVnope', 'malformed SID'),
  notFound('DELETE', `/v1/MediaRecordings/${UNKNOWN.KV}`, 'delete of an unknown SID'),
  notFound('DELETE', '/v1/MediaRecordings/KVnope', 'delete of a malformed SID'),
  notFound('DELETE', '/v1/MediaRecordings/{streamer}', 'delete of a PlayerStreamer SID'),
  notFound('DELETE', `/v1/MediaRecordings/${BIG}`, 'delete of a 10 kB SID'),
];

/** Replaces `{name}` placeholders with fixture values. */
function fill(s: string): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => fx[k] ?? m);
}
function fillBody(body: Body | undefined): Body | undefined {
  if (body === undefined || typeof body === 'string') return body === undefined ? undefined : fill(body);
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v.map(fill) : fill(v)]));
}

async function send(r: Row) {
  const path = fill(r.path);
  const body = fillBody(r.body);
  if (r.auth === undefined) return api(server, r.method, path, body, r.headers);
  let authorization: string | undefined;
  if (r.auth !== 'none') {
    const { creds } = server;
    authorization =
      r.auth.header === 'wrong-secret'
        ? `Basic ${Buffer.from(`${creds.apiKeySid}:${creds.apiSecret}x`).toString('base64')}`
        : r.auth.header === 'mixed'
          ? `Basic ${Buffer.from(`${creds.apiKeySid}:${creds.authToken}`).toString('base64')}`
          : r.auth.header;
  }
  let payload: string | undefined;
  if (typeof body === 'string') payload = body;
  else if (body) payload = new URLSearchParams(Object.entries(body).flatMap(([k, v]) => [v].flat().map((i) => [k, i]))).toString();
  const res = await fetch(server.url + path, {
    method: r.method,
    headers: {
      ...(authorization !== undefined ? { authorization } : {}),
      ...(payload !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...r.headers,
    },
    body: payload,
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers, text };
}

beforeAll(async () => {
  server = await startServer();
  const ok = async (method: string, path: string, body?: Record<string, string>) => {
    const res = await api(server, method, path, body);
    if (res.status >= 300) throw new Error(`fixture ${method} ${path} → ${res.status} ${res.text}`);
    return res.json;
  };
  fx.room = (await ok('POST', '/v1/Rooms', { UniqueName: 'bad-input-room' })).sid;
  fx.room2 = (await ok('POST', '/v1/Rooms', { UniqueName: 'bad-input-other' })).sid;
  fx.streamer = (await ok('POST', '/v1/PlayerStreamers', {})).sid;
  fx.nogrant = (await ok('POST', '/v1/PlayerStreamers', {})).sid;
  fx.spare = (await ok('POST', '/v1/PlayerStreamers', {})).sid;
  fx.ended = (await ok('POST', '/v1/PlayerStreamers', {})).sid;
  await ok('POST', `/v1/PlayerStreamers/${fx.ended}`, { Status: 'ended' });
  fx.busy = (await ok('POST', '/v1/PlayerStreamers', {})).sid;
  fx.processor = (
    await ok('POST', '/v1/MediaProcessors', {
      Extension: 'video-composer-v1',
      ExtensionContext: ctx({ room: { name: 'bad-input-room' }, outputs: [fx.busy] }),
      MaxDuration: '3600',
    })
  ).sid;

  // Participants and recordings are not created through REST; seed them in the server's store.
  const store = SqliteStore.open(join(server.dataDir, 'onair.sqlite'));
  const now = Date.now();
  const participant = (fx.participant = `PA${hex('1')}`);
  await store.participants.insert({
    sid: participant,
    accountSid: server.creds.accountSid,
    roomSid: fx.room!,
    identity: 'alice',
    status: 'connected',
    dateCreated: now,
    dateUpdated: now,
    startTime: now,
    endTime: null,
  });
  const recording = (fx.recording = `KV${hex('2')}`);
  await store.mediaRecordings.insert({
    sid: recording,
    accountSid: server.creds.accountSid,
    processorSid: fx.processor!,
    sourceSid: fx.busy!,
    status: 'completed',
    format: 'mp4',
    resolution: '1280x720',
    duration: 10,
    mediaSize: 1000,
    statusCallback: null,
    statusCallbackMethod: 'POST',
    dateCreated: now,
    dateUpdated: now,
  });
  await store.close();
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

describe('malformed input gets a 4xx with Twilio error JSON', () => {
  test('the rows have unique names', () => {
    const names = rows.map((r) => r.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  test.each(rows.map((r) => [`${r.name} → ${r.status} ${r.code}`, r] as const))('%s', async (_name, r) => {
    const res = await send(r);
    const summary = `${r.method} ${fill(r.path).slice(0, 120)} → ${res.status} ${res.text.slice(0, 300)}`;
    expect(res.status, summary).toBeLessThan(500);
    expect(res.headers.get('content-type') ?? '', summary).toMatch(/^application\/json/);
    expect(res.json, summary).toBeTypeOf('object');
    expect(Object.keys(res.json).filter((k) => k !== 'details').sort(), summary).toEqual(['code', 'message', 'more_info', 'status']);
    expect({ status: res.status, code: res.json.code }, summary).toEqual({ status: r.status, code: r.code });
    expectTwilioError(res, r.status, r.code);
    if (r.status === 401) expect(res.headers.get('www-authenticate') ?? '', summary).toMatch(/^Basic realm=/);
  });

  test('the server survived every row', async () => {
    expect(server.proc.exitCode).toBeNull();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // pino logs to stdout; check both streams
    expect(server.stderr()).not.toContain('unhandled error');
    expect(server.stdout()).not.toContain('unhandled error');
    // the fixtures were left alone by all the refused requests
    for (const [path, status] of [
      [`/v1/Rooms/${fx.room}`, 'in-progress'],
      [`/v1/Rooms/${fx.room}/Participants/${fx.participant}`, 'connected'],
      [`/v1/PlayerStreamers/${fx.streamer}`, 'created'],
      [`/v1/PlayerStreamers/${fx.spare}`, 'created'],
      [`/v1/MediaProcessors/${fx.processor}`, 'started'],
      [`/v1/MediaRecordings/${fx.recording}`, 'completed'],
    ] as const) {
      const res = await api(server, 'GET', path);
      expect({ path, status: res.status, resource: res.json?.status }).toEqual({ path, status: 200, resource: status });
    }
    // the unauthenticated create did not create anything
    expect((await api(server, 'GET', '/v1/Rooms/should-not-exist')).status).toBe(404);
  });
});

test('empty bodies on create routes whose parameters are all optional are accepted, not 5xx', async () => {
  // By Twilio semantics these are valid requests (201), so they are not error rows.
  for (const path of ['/v1/PlayerStreamers', `/v1/PlayerStreamers/${fx.streamer}/PlaybackGrant`]) {
    for (const body of ['', undefined]) {
      const res = await api(server, 'POST', path, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status: 201 });
    }
  }
  const room = await api(server, 'POST', '/v1/Rooms', '');
  expect(room.status).toBe(201);
  expect(room.json.unique_name).toBe(room.json.sid);
});
