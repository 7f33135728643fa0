/** Domain records → Twilio wire JSON (snake_case, ISO dates, absolute url and links). */
import type {
  MediaProcessorResource,
  MediaRecordingResource,
  ParticipantResource,
  PlaybackGrantResource,
  PlayerStreamerResource,
  RoomResource,
} from '@onair/protocol';
import { isoDate } from '../http/urls.js';
import type {
  MediaProcessor,
  MediaRecording,
  Participant,
  PlaybackGrant,
  PlayerStreamer,
  Room,
} from '../store/records.js';
import { participantDuration } from '../services/participants.js';
import { grantPayload } from '../services/playback-grants.js';
import { roomDuration } from '../services/rooms.js';

const dates = (r: { dateCreated: number; dateUpdated: number }) => ({
  date_created: isoDate(r.dateCreated),
  date_updated: isoDate(r.dateUpdated),
});

export function roomJson(r: Room, base: string): RoomResource {
  const url = `${base}/v1/Rooms/${r.sid}`;
  return {
    sid: r.sid,
    status: r.status,
    ...dates(r),
    account_sid: r.accountSid,
    enable_turn: r.enableTurn,
    unique_name: r.uniqueName,
    status_callback: r.statusCallback,
    status_callback_method: r.statusCallbackMethod,
    end_time: isoDate(r.endTime),
    duration: roomDuration(r),
    type: r.type,
    max_participants: r.maxParticipants,
    max_participant_duration: r.maxParticipantDuration,
    max_concurrent_published_tracks: r.maxConcurrentPublishedTracks,
    record_participants_on_connect: r.recordParticipantsOnConnect,
    video_codecs: r.videoCodecs,
    media_region: r.mediaRegion,
    audio_only: r.audioOnly,
    empty_room_timeout: r.emptyRoomTimeout,
    unused_room_timeout: r.unusedRoomTimeout,
    large_room: r.largeRoom,
    url,
    links: { participants: `${url}/Participants` },
  };
}

export function participantJson(p: Participant, base: string): ParticipantResource {
  return {
    sid: p.sid,
    room_sid: p.roomSid,
    account_sid: p.accountSid,
    status: p.status,
    identity: p.identity,
    ...dates(p),
    start_time: isoDate(p.startTime),
    end_time: isoDate(p.endTime),
    duration: participantDuration(p),
    url: `${base}/v1/Rooms/${p.roomSid}/Participants/${p.sid}`,
    links: {},
  };
}

export function playerStreamerJson(s: PlayerStreamer, base: string): PlayerStreamerResource {
  const url = `${base}/v1/PlayerStreamers/${s.sid}`;
  return {
    account_sid: s.accountSid,
    ...dates(s),
    video: s.video,
    links: { playback_grant: `${url}/PlaybackGrant` },
    sid: s.sid,
    status: s.status,
    url,
    status_callback: s.statusCallback,
    status_callback_method: s.statusCallbackMethod,
    ended_reason: s.endedReason,
    max_duration: s.maxDuration,
    latency_mode: s.latencyMode,
  };
}

export function playbackGrantJson(g: PlaybackGrant, base: string): PlaybackGrantResource {
  return {
    sid: g.streamerSid,
    url: `${base}/v1/PlayerStreamers/${g.streamerSid}/PlaybackGrant`,
    account_sid: g.accountSid,
    date_created: isoDate(g.dateCreated),
    grant: grantPayload(g),
  };
}

export function mediaProcessorJson(p: MediaProcessor, base: string): MediaProcessorResource {
  return {
    account_sid: p.accountSid,
    sid: p.sid,
    ...dates(p),
    extension: p.extension,
    extension_context: p.extensionContext,
    status: p.status,
    url: `${base}/v1/MediaProcessors/${p.sid}`,
    ended_reason: p.endedReason,
    status_callback: p.statusCallback,
    status_callback_method: p.statusCallbackMethod,
    max_duration: p.maxDuration,
  };
}

export function mediaRecordingJson(r: MediaRecording, base: string): MediaRecordingResource {
  const url = `${base}/v1/MediaRecordings/${r.sid}`;
  return {
    account_sid: r.accountSid,
    ...dates(r),
    duration: r.duration,
    format: r.format,
    links: { media: `${url}/Media` },
    processor_sid: r.processorSid,
    resolution: r.resolution,
    source_sid: r.sourceSid,
    sid: r.sid,
    media_size: r.mediaSize,
    status: r.status,
    status_callback: r.statusCallback,
    status_callback_method: r.statusCallbackMethod,
    url,
  };
}
