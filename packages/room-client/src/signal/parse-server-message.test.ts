import { describe, expect, test } from 'vitest';
import { parseServerMessage } from './parse-server-message.js';

const track = { sid: 'MT1', name: 'cam', kind: 'video', enabled: true, streamId: 'st1' };
const participant = { sid: 'PA1', identity: 'alice', tracks: [track] };
const joined = {
  type: 'joined',
  resumed: false,
  room: { sid: 'RM1', name: 'room' },
  participant: { sid: 'PA0', identity: 'me', tracks: [] },
  participants: [participant],
  iceServers: [{ urls: 'stun:example.org' }, { urls: ['turn:a', 'turn:b'], username: 'u', credential: 'c' }],
  heartbeatInterval: 10,
};

const valid: Array<[string, unknown]> = [
  ['joined', joined],
  ['participant-joined', { type: 'participant-joined', participant }],
  ['participant-left', { type: 'participant-left', participantSid: 'PA1' }],
  ['offer', { type: 'offer', from: 'PA1', sdp: 'v=0' }],
  ['hidden offer', { type: 'offer', from: 'PA9', hidden: true, sdp: 'v=0' }],
  ['answer', { type: 'answer', from: 'PA1', sdp: 'v=0' }],
  ['ice', { type: 'ice', from: 'PA1', candidate: { candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 } }],
  ['end of candidates', { type: 'ice', from: 'PA1', candidate: null }],
  ['published', { type: 'published', requestId: 'r1', track }],
  ['track-published', { type: 'track-published', participantSid: 'PA1', track }],
  ['data track-published', { type: 'track-published', participantSid: 'PA1', track: { ...track, kind: 'data' } }],
  ['track-unpublished', { type: 'track-unpublished', participantSid: 'PA1', trackSid: 'MT1' }],
  ['track-state', { type: 'track-state', participantSid: 'PA1', trackSid: 'MT1', enabled: false }],
  ['error', { type: 'error', code: 53205, message: 'duplicate identity', fatal: true }],
  ['error with requestId', { type: 'error', code: 53304, message: 'dup', fatal: false, requestId: 'r1' }],
  ['unknown extra fields', { type: 'participant-left', participantSid: 'PA1', extra: 1 }],
];

const invalid: Array<[string, unknown, string]> = [
  ['binary', new ArrayBuffer(2), 'binary frame'],
  ['not JSON', '{', 'not JSON'],
  ['array', '[]', 'not a JSON object'],
  ['null', 'null', 'not a JSON object'],
  ['no type', '{}', 'no type'],
  ['unknown type', '{"type":"ping"}', 'unknown type "ping"'],
  ['prototype key', '{"type":"toString"}', 'unknown type "toString"'],
  ['joined without room', JSON.stringify({ ...joined, room: undefined }), 'malformed "joined" frame'],
  ['joined bad track', JSON.stringify({ ...joined, participants: [{ ...participant, tracks: [{ ...track, kind: 'screen' }] }] }), 'malformed "joined" frame'],
  ['joined bad ice server', JSON.stringify({ ...joined, iceServers: [{ urls: 1 }] }), 'malformed "joined" frame'],
  ['offer without sdp', '{"type":"offer","from":"PA1"}', 'malformed "offer" frame'],
  ['offer without from', '{"type":"offer","sdp":"v=0"}', 'malformed "offer" frame'],
  ['ice without candidate', '{"type":"ice","from":"PA1"}', 'malformed "ice" frame'],
  ['ice bad candidate', '{"type":"ice","from":"PA1","candidate":{"sdpMLineIndex":"0"}}', 'malformed "ice" frame'],
  ['published without requestId', JSON.stringify({ type: 'published', track }), 'malformed "published" frame'],
  ['track-published missing streamId', JSON.stringify({ type: 'track-published', participantSid: 'PA1', track: { ...track, streamId: '' } }), 'malformed "track-published" frame'],
  ['track-state enabled string', '{"type":"track-state","participantSid":"PA1","trackSid":"MT1","enabled":"no"}', 'malformed "track-state" frame'],
  ['error without code', '{"type":"error","message":"x","fatal":true}', 'malformed "error" frame'],
];

describe('parseServerMessage', () => {
  test.each(valid)('accepts %s', (_name, message) => {
    const result = parseServerMessage(JSON.stringify(message));
    expect(result).toEqual({ ok: true, message });
  });

  test.each(invalid)('rejects %s', (_name, frame, reason) => {
    expect(parseServerMessage(frame)).toEqual({ ok: false, reason });
  });

  test('defaults joined.resumed to false and error.fatal to false', () => {
    const { resumed: _r, ...withoutResumed } = joined;
    const a = parseServerMessage(JSON.stringify(withoutResumed));
    expect(a.ok && a.message.type === 'joined' && a.message.resumed).toBe(false);
    const b = parseServerMessage('{"type":"error","code":1,"message":"m"}');
    expect(b.ok && b.message.type === 'error' && b.message.fatal).toBe(false);
  });
});
