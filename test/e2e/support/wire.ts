/** Expected wire field sets (twilio-wire-format.md) and small format checks. */
import { expect } from 'vitest';

export const FIELDS = {
  room: [
    'sid', 'status', 'date_created', 'date_updated', 'account_sid', 'enable_turn', 'unique_name',
    'status_callback', 'status_callback_method', 'end_time', 'duration', 'type', 'max_participants',
    'max_participant_duration', 'max_concurrent_published_tracks', 'record_participants_on_connect',
    'video_codecs', 'media_region', 'audio_only', 'empty_room_timeout', 'unused_room_timeout',
    'large_room', 'url', 'links',
  ],
  participant: [
    'sid', 'room_sid', 'account_sid', 'status', 'identity', 'date_created', 'date_updated',
    'start_time', 'end_time', 'duration', 'url', 'links',
  ],
  playerStreamer: [
    'account_sid', 'date_created', 'date_updated', 'video', 'links', 'sid', 'status', 'url',
    'status_callback', 'status_callback_method', 'ended_reason', 'max_duration',
    'latency_mode', // onair's extension; twilio-node ignores it
  ],
  playbackGrant: ['sid', 'url', 'account_sid', 'date_created', 'grant'],
  mediaProcessor: [
    'account_sid', 'sid', 'date_created', 'date_updated', 'extension', 'extension_context', 'status',
    'url', 'ended_reason', 'status_callback', 'status_callback_method', 'max_duration',
  ],
  mediaRecording: [
    'account_sid', 'date_created', 'date_updated', 'duration', 'format', 'links', 'processor_sid',
    'resolution', 'source_sid', 'sid', 'media_size', 'status', 'status_callback',
    'status_callback_method', 'url',
  ],
} as const;

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function sid(prefix: string) {
  return expect.stringMatching(new RegExp(`^${prefix}[0-9a-f]{32}$`));
}

export function expectFields(json: Record<string, unknown>, fields: readonly string[]) {
  expect(Object.keys(json).sort()).toEqual([...fields].sort());
}

export function expectTwilioError(res: { status: number; json: any }, status: number, code: number) {
  expect(res.status).toBe(status);
  expect(res.json).toMatchObject({ code, status, more_info: `https://www.twilio.com/docs/errors/${code}` });
  expect(typeof res.json.message).toBe('string');
  expect(res.json.message.length).toBeGreaterThan(0);
}
