/** The contract of a composer job: its spec, what it depends on, and the events it emits. */
import type { ComposerVideoCodec, IngestStatus } from '@onair/protocol';
import type { ChromiumSandbox } from './chromium-sandbox.js';
import type { JobTimings, MediaSettings } from './defaults.js';
import type { IngestServer } from './ingest-server.js';
import type { RecordingTap } from './recording-sink.js';
import type { Standby } from './standby-pool.js';
import type { JobLogger } from './typed-events.js';

/** What the job needs from an HLS packager (one per output). */
export interface OutputPackager {
  input(): { write(chunk: Buffer): void; end(): Promise<void> };
  finish(): Promise<void>;
  onSegment(listener: (segment: { sequence: number; durationSec: number }) => void): void;
}

export interface ComposerJobSpec {
  /** the MediaProcessor SID */
  id: string;
  room: string;
  identity: string;
  outputs: { sid: string; packager: OutputPackager }[];
  width: number;
  height: number;
  videoCodec: ComposerVideoCodec;
  hideParticipantIdentities: boolean;
  backgroundColor: string;
  /** AAC and Opus bitrate, kb/s */
  audioKbps: number;
  /** keeps the stream (ExtensionContext.recordings): fed the same fMP4 as the outputs, one input per recording */
  recording?: RecordingTap;
}

export interface ComposerJobDeps {
  chromePath: string;
  /** how the job's Chromium is sandboxed */
  sandbox: ChromiumSandbox;
  ffmpegPath: string;
  ingest: IngestServer;
  /** the server's own base URL as Chromium on this machine reaches it (http://127.0.0.1:port) */
  localUrl: () => string;
  /** a hidden-capable access token for the composer's identity and room */
  mintToken: (identity: string, room: string) => Promise<string>;
  logger: JobLogger;
  timings: JobTimings;
  media: MediaSettings;
  /** a Chromium preloaded for this job (StandbyPool): its first launch uses it instead of starting one */
  standby?: Standby | undefined;
}

export type JobFailureReason = 'error-loading-extension' | 'error-streaming-media' | 'internal-service-error';
export type RestartCause = 'chromium' | 'ffmpeg' | 'ingest';

export type ComposerJobEvents = {
  /** the first segment of an output exists (its streamer can be marked started) */
  firstSegment: [outputSid: string];
  /** a part was restarted; `used` of `max` restarts spent in the window */
  restarted: [cause: RestartCause, used: number, max: number, detail: string];
  /** the page's periodic report */
  progress: [status: IngestStatus];
  failed: [reason: JobFailureReason, message: string];
  /** everything is down and the playlists are final (after stop() or a failure) */
  closed: [];
};
