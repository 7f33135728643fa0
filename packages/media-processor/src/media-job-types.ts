/** The contract of a media job: what it depends on, and how a worker runs it. */
import type { ComposerVideoCodec, MediaJobEvents, TypedEmitter } from '@onair/protocol';
import type { ChromiumSandbox } from './chromium-sandbox.js';
import type { JobTimings, MediaSettings } from './defaults.js';
import type { IngestAcceptor } from './ingest-server.js';
import type { JobLogger } from './logger.js';
import type { OpenOutput, OpenRecording } from './sinks/sink.js';
import type { Standby } from './standby-pool.js';

/** Where a job's page sends its media: one endpoint per job, on the host's loopback listener. */
export interface IngestEndpoints {
  /** Registers a job's endpoint; `url` is the ws:// URL the page connects to. */
  register(jobId: string, secret: string, accept: IngestAcceptor): { url: string; unregister: () => void };
}

export interface MediaJobDeps {
  chromePath: string;
  /** how the job's Chromium is sandboxed */
  sandbox: ChromiumSandbox;
  ffmpegPath: string;
  ingest: IngestEndpoints;
  /**
   * The server as Chromium on this machine reaches it (http://127.0.0.1:port): the composer
   * page is loaded from it, and the page's signaling goes to it.
   */
  pageBaseUrl: () => string;
  /** a hidden-capable access token for the composer's identity and room */
  mintToken: (identity: string, room: string) => Promise<string>;
  logger: JobLogger;
  timings: JobTimings;
  media: MediaSettings;
  /** what the page records: h264 (ffmpeg copies it) or vp8 (ffmpeg re-encodes) */
  videoCodec: ComposerVideoCodec;
  /** opens one output's sink (an HLS packager), where the worker keeps its files */
  openOutput: OpenOutput;
  /** opens the recording's sink */
  openRecording: OpenRecording;
  /** the worker running the job (its `assigned` event) */
  workerId: string;
  /** a Chromium preloaded by the host (StandbyPool): the first launch uses it */
  standby?: Standby | undefined;
}

/** How one run of a job starts. */
export interface JobRunContext {
  /**
   * Restarts (epoch ms) an earlier worker spent on this job (it crashed): the budget starts
   * from them. With them, the start counts as one more restart (cause `worker`).
   */
  previousRestarts?: readonly number[];
  /** the job continues a stream an earlier worker started: its sinks carry on after it */
  resume?: boolean;
}

/** A job as a worker holds it. */
export interface HostedJob {
  readonly sid: string;
  readonly events: TypedEmitter<MediaJobEvents>;
  /**
   * Stops the job; resolves once its processes are gone and its sinks closed. With
   * `handover: true` another worker goes on with it: the sinks are detached, not ended (no
   * EXT-X-ENDLIST, the recording not final).
   */
  stop(opts?: { handover?: boolean }): Promise<void>;
  /** Finalises one output (EXT-X-ENDLIST) while the others go on; resolves with how many stay live. */
  endOutput(streamerSid: string): Promise<number>;
  /** Ends the recording now; the stream goes on. */
  endRecording(reason: 'disk-space-low'): Promise<void>;
  /** Process ids of Chromium and ffmpeg while they run. */
  readonly pids: { chromium: number | undefined; ffmpeg: number | undefined };
  /** Restarts (epoch ms) counted against the budget now, the earlier worker's included: what to persist for a hand-over. */
  readonly restartsUsed: number[];
}
