/**
 * The embedded media worker of `onair serve`: one JobHost in the server's process, its
 * sinks writing into the data dir (`streams/<VJ>/`, `recordings/<KV>/`), its composer pages
 * loaded from this server, and the metrics of its jobs. The services reach it only through
 * its JobDispatcher (a LocalDispatcher); it knows no service.
 */
import {
  JobHost,
  LocalDispatcher,
  openHlsOutput,
  openRecordingOutput,
  type JobDispatcher,
} from '@onair/media-processor';
import { composerTokens } from './composer-tokens.js';
import type { Logger } from 'pino';
import type { Credentials } from '../config/credentials.js';
import { recordingDir, streamDir } from '../data-paths.js';
import type { Metrics } from '../metrics.js';
import { prepareHost } from './prepare-host.js';


export interface EmbeddedWorkerOptions {
  dataDir: string;
  credentials: Credentials;
  logger: Logger;
  metrics: Metrics;
  chromePath?: string | undefined;
  ffmpegPath?: string | undefined;
  maxProcessors?: number | undefined;
  /** what the composer records: h264 (ffmpeg copies it) or vp8 (ffmpeg re-encodes with libx264) */
  videoCodec: 'h264' | 'vp8';
  /** Chromium kept ready for the next jobs (undefined: the media processor's default) */
  standby?: number | undefined;
  /** Chromium's sandbox (undefined: on); false runs it with --no-sandbox */
  sandbox?: boolean | undefined;
  /** the server's URL as seen from this machine (set once listening) */
  localUrl: () => string;
}

export class EmbeddedWorker {
  readonly host: JobHost;
  readonly dispatcher: JobDispatcher;

  constructor(private readonly opts: EmbeddedWorkerOptions) {
    const { credentials, logger, metrics, dataDir } = opts;
    this.host = new JobHost({
      chromePath: opts.chromePath,
      ffmpegPath: opts.ffmpegPath,
      maxJobs: opts.maxProcessors,
      standby: opts.standby,
      sandbox: opts.sandbox,
      videoCodec: opts.videoCodec,
      pageBaseUrl: opts.localUrl,
      logger,
      mintToken: composerTokens(async () => credentials),
      openOutput: (output) =>
        openHlsOutput({
          dir: streamDir(dataDir, output.streamerSid),
          latencyMode: output.latencyMode,
          media: this.host.media,
          onSegment: () => metrics.hlsSegments.inc(),
          onError: (err) => logger.error({ err, playerStreamerSid: output.streamerSid }, 'HLS packaging failed'),
        }),
      openRecording: (rec) =>
        openRecordingOutput({
          dir: recordingDir(dataDir, rec.mediaRecordingSid),
          onError: (err, piece) => logger.error({ err, mediaRecordingSid: rec.mediaRecordingSid, piece }, 'a recording piece could not be written'),
        }),
    });
    this.host.events.on('jobStarted', (job) => {
      metrics.jobsRunning.set(this.host.running);
      job.events.on('restarted', (cause) => metrics.jobRestarts.inc({ cause }));
      job.events.on('failed', (reason) => metrics.jobFailures.inc({ reason }));
    });
    this.host.events.on('jobClosed', () => metrics.jobsRunning.set(this.host.running));
    this.dispatcher = new LocalDispatcher(this.host);
  }

  /**
   * At server start: says how Chromium is sandboxed (warns when it is not), sweeps stale
   * profiles and opens the ingest listener.
   */
  async start(): Promise<void> {
    await prepareHost(this.host, this.opts.logger);
  }

  /** Chromium kept ready for the next media processor (once the server serves the page). */
  warm(): void {
    this.host.warm();
  }

  /** Stops every job (sinks closed). */
  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
