/**
 * The contract between a MediaProcessor job (Node) and the video-composer-v1 page it opens
 * in headless Chromium.
 *
 * The job opens `<server>/composer/#<encodeURIComponent(JSON.stringify(ComposerConfig))>`.
 * The configuration travels in the URL fragment, so the token and the ingest secret never
 * reach an HTTP request line or an access log.
 *
 * Ingest: the page opens a WebSocket to `ingestUrl` and sends `IngestHello` as its first
 * (text) message. The job answers `{type: 'ready'}` or closes with 4003 (bad secret). Only
 * then does the page start a MediaRecorder; every binary message that follows is one of its
 * chunks, in order, so one WebSocket connection carries exactly one complete container
 * stream (header first). When the connection closes with any code other than 1000, the page
 * connects again after a short pause and starts a new recording; the job uses 4010 to ask
 * for that (for example after restarting ffmpeg). 1000 means stop: the page stops recording.
 */

export type ComposerVideoCodec = 'h264' | 'vp8';

export interface ComposerConfig {
  /** access token for the room; its VideoGrant has `hidden: true` */
  token: string;
  /** room SID or unique name */
  room: string;
  /** the onair server for signaling; default the page's origin */
  serverUrl?: string;
  /** ws(s) URL of the job's ingest endpoint */
  ingestUrl: string;
  /** per-job secret, sent in IngestHello */
  ingestSecret: string;
  width: number;
  height: number;
  frameRate: number;
  /** preferred recording codec; the page falls back when MediaRecorder lacks it and says so in IngestHello */
  videoCodec: ComposerVideoCodec;
  /** keyframe interval of the recording (= the HLS segment target), ms */
  keyFrameIntervalMs: number;
  /** MediaRecorder timeslice, ms */
  timesliceMs: number;
  videoBitsPerSecond: number;
  audioBitsPerSecond: number;
  hideParticipantIdentities: boolean;
  /** CSS colour */
  backgroundColor: string;
}

/** First message of an ingest connection (page → job). */
export interface IngestHello {
  type: 'hello';
  secret: string;
  /** the MediaRecorder mimeType actually used, e.g. `video/x-matroska;codecs=avc1,opus` */
  mimeType: string;
  videoCodec: ComposerVideoCodec;
  width: number;
  height: number;
  frameRate: number;
}

/** Progress report (page → job), at most about once a second. */
export interface IngestStatus {
  type: 'status';
  /** visible participants in the room */
  participants: number;
  /** tiles drawn */
  tiles: number;
  /** canvas frames drawn per second over the last second */
  fps: number;
}

export type IngestClientMessage = IngestHello | IngestStatus;

/** job → page */
export interface IngestReady {
  type: 'ready';
}

export const IngestCloseCode = {
  /** stop recording for good */
  Stop: 1000,
  /** the hello's secret was wrong */
  Unauthorized: 4003,
  /** start a new recording on a new connection (e.g. ffmpeg restarted) */
  Restart: 4010,
  /**
   * more bytes arrived before the hello was accepted than a hello can take (INGEST_HELLO_MAX_BYTES);
   * the server closes without reading the rest
   */
  HelloTooLarge: 4013,
} as const;

/**
 * Bytes a connection may send before its hello is accepted (the hello is well under 1 KB).
 * The server's large message limit (media chunks) applies only after that.
 */
export const INGEST_HELLO_MAX_BYTES = 8 * 1024;

/** The composer page's state on `<body data-state>`. */
export type ComposerPageState = 'loading' | 'joining' | 'composing' | 'stopped' | 'error';

/** Path under which the server serves the composer page. */
export const COMPOSER_PATH = '/composer/';
