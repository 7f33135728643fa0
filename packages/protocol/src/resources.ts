/**
 * REST resource shapes as they travel on the wire (snake_case JSON), matching what
 * twilio@5.0.1 reads. Dates are ISO-8601 UTC strings without milliseconds.
 */
import type {
  MediaProcessorEndedReason,
  MediaProcessorStatus,
  MediaRecordingFormat,
  MediaRecordingStatus,
  ParticipantStatus,
  PlayerStreamerEndedReason,
  PlayerStreamerStatus,
  RoomStatus,
  RoomType,
  StatusCallbackMethod,
  VideoCodec,
} from './statuses.js';
import type { LatencyMode } from './playback.js';

export type IsoDate = string;

export interface RoomResource {
  sid: string;
  status: RoomStatus;
  date_created: IsoDate;
  date_updated: IsoDate;
  account_sid: string;
  enable_turn: boolean;
  unique_name: string;
  status_callback: string | null;
  status_callback_method: StatusCallbackMethod;
  end_time: IsoDate | null;
  duration: number | null;
  type: RoomType;
  max_participants: number;
  max_participant_duration: number;
  max_concurrent_published_tracks: number | null;
  record_participants_on_connect: boolean;
  video_codecs: VideoCodec[];
  media_region: string;
  audio_only: boolean;
  empty_room_timeout: number;
  unused_room_timeout: number;
  large_room: boolean;
  url: string;
  links: { participants: string };
}

export interface ParticipantResource {
  sid: string;
  room_sid: string;
  account_sid: string;
  status: ParticipantStatus;
  identity: string;
  date_created: IsoDate;
  date_updated: IsoDate;
  start_time: IsoDate;
  end_time: IsoDate | null;
  duration: number | null;
  url: string;
  links: Record<string, string>;
}

export interface PlayerStreamerResource {
  account_sid: string;
  date_created: IsoDate;
  date_updated: IsoDate;
  video: boolean;
  links: { playback_grant: string };
  sid: string;
  status: PlayerStreamerStatus;
  url: string;
  status_callback: string | null;
  status_callback_method: StatusCallbackMethod;
  ended_reason: PlayerStreamerEndedReason | null;
  max_duration: number;
  /** onair's extension (not in Twilio's resource; twilio-node ignores it): `low` | `standard` */
  latency_mode: LatencyMode;
}

/** The `grant` a PlaybackGrant carries; also what `grants.player` holds in an access token. */
export interface PlaybackGrantPayload {
  playbackUrl: string;
  playerStreamerSid: string;
  requestCredentials: null;
}

export interface PlaybackGrantResource {
  sid: string;
  url: string;
  account_sid: string;
  date_created: IsoDate;
  grant: PlaybackGrantPayload;
}

export interface MediaProcessorResource {
  account_sid: string;
  sid: string;
  date_created: IsoDate;
  date_updated: IsoDate;
  extension: string;
  extension_context: string;
  status: MediaProcessorStatus;
  url: string;
  ended_reason: MediaProcessorEndedReason | null;
  status_callback: string | null;
  status_callback_method: StatusCallbackMethod;
  max_duration: number;
}

export interface MediaRecordingResource {
  account_sid: string;
  date_created: IsoDate;
  date_updated: IsoDate;
  duration: number | null;
  format: MediaRecordingFormat;
  links: { media: string };
  processor_sid: string;
  resolution: string;
  source_sid: string;
  sid: string;
  media_size: number | null;
  status: MediaRecordingStatus;
  status_callback: string | null;
  status_callback_method: StatusCallbackMethod;
  url: string;
}

/** Twilio's paging envelope: records live under `body[meta.key]`. */
export interface PageMeta {
  page: number;
  page_size: number;
  first_page_url: string;
  previous_page_url: string | null;
  url: string;
  next_page_url: string | null;
  key: string;
}

export type ListEnvelope<K extends string, T> = { [P in K]: T[] } & { meta: PageMeta };
