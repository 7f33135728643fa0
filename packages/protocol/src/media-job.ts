/**
 * A media job: what a worker needs to run one MediaProcessor, and what the job reports
 * wherever it runs (in the server's process, or on a worker reached through Redis). The spec
 * is plain JSON: it travels through the queue.
 *
 * COMPOSER_DEFAULTS and COMPOSER_LIMITS are the only place the composer's defaults and
 * limits live: the REST edge applies them once, everything after it reads a complete spec.
 */
import type { IngestStatus } from './composer.js';
import type { LatencyMode } from './playback.js';

export const COMPOSER_DEFAULTS = {
  identity: 'video-composer-v1',
  resolution: '1280x720',
  audioBitrateKbps: 128,
  hideParticipantIdentities: false,
  backgroundColor: '#000000',
} as const;

export const COMPOSER_LIMITS = {
  minSide: 16,
  maxLongSide: 1920,
  maxShortSide: 1080,
  maxOutputs: 8,
  maxRecordings: 1,
  minAudioKbps: 16,
  maxAudioKbps: 510,
  maxRoomName: 256,
  maxIdentity: 128,
} as const;

export interface MediaJobOutput {
  streamerSid: string;
  latencyMode: LatencyMode;
}

export interface MediaJobSpec {
  /** the MediaProcessor SID (ZX…) */
  processorSid: string;
  /** room SID or unique name */
  room: string;
  identity: string;
  width: number;
  height: number;
  /** AAC and Opus bitrate, kb/s */
  audioKbps: number;
  hideParticipantIdentities: boolean;
  /** CSS colour */
  backgroundColor: string;
  outputs: MediaJobOutput[];
  /** the MediaRecording this job writes (ExtensionContext.recordings) */
  recording?: { mediaRecordingSid: string; containerFormat: 'mp4' };
  /** epoch ms the processor was created */
  createdAt: number;
}

/**
 * A video-composer-v1 request as the REST edge parsed it (ExtensionContext and
 * ExtensionEnvironment): complete, every default applied from COMPOSER_DEFAULTS, every limit
 * of COMPOSER_LIMITS checked. Everything after the edge reads this, never the raw JSON.
 */
export interface ComposerSettings {
  /** room SID or unique name */
  room: string;
  /** PlayerStreamer SIDs (VJ…), without repeats */
  outputs: string[];
  identity: string;
  width: number;
  height: number;
  audioKbps: number;
  hideParticipantIdentities: boolean;
  backgroundColor: string;
  /** ExtensionContext.recordings asked for one */
  recording: { containerFormat: 'mp4' } | undefined;
}

export type JobFailureReason = 'error-loading-extension' | 'error-streaming-media' | 'internal-service-error';
/** what was restarted: a part of the job, or the whole job on another worker */
export type RestartCause = 'chromium' | 'ffmpeg' | 'ingest' | 'worker';

export type MediaJobEvents = {
  /** the first segment of this output can be played (its streamer is started) */
  outputStarted: (streamerSid: string) => void;
  /** a part was restarted; `used` of `max` restarts spent in the window */
  restarted: (cause: RestartCause, used: number, max: number, detail: string) => void;
  /** the composer page's periodic report */
  progress: (status: IngestStatus) => void;
  failed: (reason: JobFailureReason, message: string) => void;
  /** the recording is closed: its pieces (in process) or its whole MP4 (remote worker) are final */
  recordingClosed: (mediaRecordingSid: string, endedReason: 'disk-space-low' | null) => void;
  /** the job runs on this worker now (its first start, or a hand-over) */
  assigned: (workerId: string) => void;
  /** everything is down and the playlists are final */
  closed: () => void;
};
