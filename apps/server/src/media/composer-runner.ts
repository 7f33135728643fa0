/**
 * Runs a MediaProcessor's media: reserves a job slot, opens one HLS packager per output in
 * the streamer's storage directory (and a recording sink when ExtensionContext.recordings
 * asks for one), starts the composer job and turns its events into status changes
 * (streamer started on its first segment, processor failed with a reason, recording
 * finalised once the job is closed).
 */
import { join } from 'node:path';
import { createSid, ErrorCode, SidPrefix, type ComposerSettings } from '@onair/protocol';
import {
  describeSandbox,
  JobManager,
  MediaProcessorError,
  RecordingSink,
  type ComposerJob,
  type OutputPackager,
  type RecordingTap,
} from '@onair/media-processor';
import { HlsPackager } from '@onair/player-streamer';
import { createAccessToken } from '@onair/tokens';
import type { Logger } from 'pino';
import type { Credentials } from '../config/credentials.js';
import type { Metrics } from '../metrics.js';
import { ApiError } from '../services/api-error.js';
import type { MediaProcessorService } from '../services/media-processors.js';
import type { MediaRecordingService } from '../services/media-recordings.js';
import type { PlayerStreamerService } from '../services/player-streamers.js';
import { streamPackaging } from './stream-packaging.js';
import { StoppableRecording } from './stoppable-recording.js';
import type { MediaProcessor, MediaRecording } from '../store/records.js';

/** access tokens of the composer page: long enough for a whole job (MaxDuration ≤ 25 h; it rejoins with a new one after a restart) */
const COMPOSER_TOKEN_TTL = 86_400;

export interface ComposerRunnerOptions {
  dataDir: string;
  credentials: Credentials;
  logger: Logger;
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
  metrics: Metrics;
}

/** Services the runner reports to (bound after construction: they depend on the runner too). */
export interface RunnerServices {
  processors: MediaProcessorService;
  streamers: PlayerStreamerService;
  recordings?: MediaRecordingService;
}

/** A reserved slot for one processor. */
export interface MediaSlot {
  /** the SID the processor must get (its standby Chromium was launched for it); absent: any */
  readonly sid?: string;
  start(processor: MediaProcessor, settings: ComposerSettings): Promise<void>;
  release(): void;
}

export const streamDir = (dataDir: string, streamerSid: string) => join(dataDir, 'streams', streamerSid);

export class ComposerRunner {
  readonly manager: JobManager;
  private services: RunnerServices | undefined;
  /** recordings being finalised (close() waits for them) */
  private readonly finalizing = new Set<Promise<unknown>>();
  /** recordings being written, by MediaRecording SID */
  private readonly recordings = new Map<string, StoppableRecording>();

  constructor(private readonly opts: ComposerRunnerOptions) {
    const { credentials } = opts;
    this.manager = new JobManager({
      chromePath: opts.chromePath,
      ffmpegPath: opts.ffmpegPath,
      maxJobs: opts.maxProcessors,
      standby: opts.standby,
      sandbox: opts.sandbox,
      newId: () => createSid(SidPrefix.MediaProcessor),
      localUrl: opts.localUrl,
      logger: opts.logger,
      mintToken: (identity, room) =>
        createAccessToken({
          accountSid: credentials.accountSid,
          apiKeySid: credentials.apiKeySid,
          apiSecret: credentials.apiSecret,
          identity,
          ttl: COMPOSER_TOKEN_TTL,
          video: { room, hidden: true },
        }),
    });
  }

  bind(services: RunnerServices): void {
    this.services = services;
  }

  /** At server start: says how Chromium is sandboxed (warns when it is not) and sweeps stale profiles. */
  async start(): Promise<void> {
    const { sandbox } = this.manager;
    const { logger } = this.opts;
    const chromiumSandbox = describeSandbox(sandbox);
    if (sandbox.mode === 'off') {
      logger.warn(
        { chromiumSandbox },
        "the composer's Chromium runs WITHOUT its sandbox (ONAIR_CHROMIUM_NO_SANDBOX=1): a flaw in its media decoding could reach this server's user",
      );
    } else if (sandbox.mode === 'unavailable') {
      logger.error({ chromiumSandbox }, "the composer's Chromium cannot be sandboxed here: media processors will be refused");
    } else {
      logger.info({ chromiumSandbox }, "the composer's Chromium is sandboxed");
    }
    const removed = await this.manager.sweepProfiles().catch((err: unknown) => {
      logger.warn({ err }, 'could not sweep stale Chromium profiles');
      return [];
    });
    if (removed.length) logger.info({ removed: removed.length }, 'removed Chromium profiles left by servers that are gone');
  }

  /** Reserves a slot before the processor is stored; throws ApiError 429/503 when it cannot run. */
  reserve(): MediaSlot {
    let slot;
    try {
      slot = this.manager.reserve();
    } catch (err) {
      if (err instanceof MediaProcessorError && err.code === 'ERR_CAPACITY') {
        throw new ApiError(429, ErrorCode.TooManyRequests, err.message);
      }
      if (err instanceof MediaProcessorError) throw new ApiError(503, ErrorCode.ServiceUnavailable, err.message);
      throw err;
    }
    return {
      ...(slot.id ? { sid: slot.id } : {}),
      release: () => slot.release(),
      start: async (processor, settings) => {
        let outputs: { sid: string; packager: OutputPackager }[];
        try {
          outputs = await Promise.all(processor.outputs.map(async (sid) => ({ sid, packager: await this.packager(sid) })));
        } catch (err) {
          slot.release();
          throw err;
        }
        let recording: { record: MediaRecording; sink: RecordingTap } | undefined;
        try {
          if (settings.recording) recording = await this.recording(processor, settings);
        } catch (err) {
          slot.release();
          throw err;
        }
        let job: ComposerJob;
        try {
          job = slot.start({
            id: processor.sid,
            room: settings.room,
            identity: settings.identity,
            outputs,
            width: settings.width,
            height: settings.height,
            videoCodec: this.opts.videoCodec,
            hideParticipantIdentities: settings.hideParticipantIdentities,
            backgroundColor: settings.backgroundColor,
            audioKbps: settings.audioKbps,
            ...(recording ? { recording: recording.sink } : {}),
          });
        } catch (err) {
          if (recording) this.finalizeRecording(recording.record.sid);
          throw err;
        }
        this.watch(job);
        if (recording) {
          const sid = recording.record.sid;
          job.once('closed', () => {
            this.recordings.delete(sid);
            this.finalizeRecording(sid);
          });
        }
      },
    };
  }

  /**
   * A streamer ended on its own (via the API or its MaxDuration): its playlist is finalised;
   * a processor left with no live output ends too (ended-via-api: its outputs were ended).
   */
  async outputEnded(processorSid: string, streamerSid: string): Promise<void> {
    const job = this.manager.get(processorSid);
    if (!job || !job.running) return;
    const live = await job.endOutput(streamerSid);
    if (live === 0 && this.services) {
      const { processors } = this.services;
      await processors.end(await processors.find(processorSid), 'ended-via-api');
    }
  }

  /** Whether a recording is being written now. */
  get recordingNow(): boolean {
    return this.recordings.size > 0;
  }

  /**
   * Ends every recording being written, before its job ends (the disk is low): what each
   * recorded so far is closed and finalised into its MP4 (status completed). The streams
   * go on. Resolves with how many ended.
   */
  async endRecordings(reason: 'disk-space-low'): Promise<number> {
    const ending = [...this.recordings].filter(([, tap]) => !tap.stopped);
    this.recordings.clear();
    await Promise.all(
      ending.map(async ([sid, tap]) => {
        await tap.stop();
        this.opts.logger.warn({ mediaRecordingSid: sid, reason }, 'media recording ended before its media processor');
        this.finalizeRecording(sid, reason);
      }),
    );
    return ending.length;
  }

  stop(processorSid: string): Promise<void> {
    return this.manager.stop(processorSid);
  }

  /** Stops every job, then waits for their recordings to be finalised. */
  async close(): Promise<void> {
    await this.manager.close();
    while (this.finalizing.size) await Promise.all([...this.finalizing]);
  }

  /** The MediaRecording row and the sink the job writes its pieces to. */
  private async recording(
    processor: MediaProcessor,
    settings: ComposerSettings,
  ): Promise<{ record: MediaRecording; sink: RecordingTap }> {
    const recordings = this.services?.recordings;
    if (!recordings) throw new Error('ComposerRunner.bind() was not given the recordings service');
    const record = await recordings.create(processor, settings);
    try {
      const sink = new StoppableRecording(
        await RecordingSink.open({
          dir: recordings.dir(record),
          onError: (err, piece) =>
            this.opts.logger.error({ err, mediaRecordingSid: record.sid, piece }, 'a recording piece could not be written'),
        }),
      );
      this.recordings.set(record.sid, sink);
      return { record, sink };
    } catch (err) {
      this.finalizeRecording(record.sid);
      throw err;
    }
  }

  /** Joins the recording's pieces into its MP4 (completed or failed), tracked for close(). */
  private finalizeRecording(sid: string, endedReason?: 'disk-space-low'): void {
    const recordings = this.services?.recordings;
    if (!recordings) return;
    const p = recordings
      .finalize(sid, endedReason)
      .catch((err) => this.opts.logger.error({ err, mediaRecordingSid: sid }, 'could not finalise a media recording'))
      .finally(() => this.finalizing.delete(p));
    this.finalizing.add(p);
  }

  private async packager(streamerSid: string): Promise<OutputPackager> {
    const streamer = await this.services?.streamers.find(streamerSid);
    const packager = await HlsPackager.open({
      dir: streamDir(this.opts.dataDir, streamerSid),
      ...streamPackaging(streamer?.latencyMode ?? 'low', this.manager.media),
    });
    packager.on('segment', () => this.opts.metrics.hlsSegments.inc());
    packager.on('error', (err) => this.opts.logger.error({ err, playerStreamerSid: streamerSid }, 'HLS packaging failed'));
    return {
      input: () => {
        const input = packager.input();
        return {
          write: (chunk: Buffer) => void input.write(chunk),
          end: async () => {
            await input.end();
          },
        };
      },
      finish: () => packager.finish(),
      onSegment: (listener) => packager.on('segment', listener),
    };
  }

  private watch(job: ComposerJob): void {
    const sid = job.spec.id;
    const services = () => {
      if (!this.services) throw new Error('ComposerRunner.bind() was not called');
      return this.services;
    };
    const report = (what: string, p: Promise<unknown>) =>
      p.catch((err) => this.opts.logger.error({ err, mediaProcessorSid: sid }, `could not record ${what}`));
    job.on('firstSegment', (streamerSid) => {
      const { streamers } = services();
      void report('streamer start', streamers.find(streamerSid).then((s) => streamers.start(s)));
    });
    const { metrics } = this.opts;
    metrics.jobsRunning.set(this.manager.running);
    job.on('closed', () => metrics.jobsRunning.set(this.manager.running));
    job.on('restarted', (cause) => metrics.jobRestarts.inc({ cause }));
    job.on('failed', (reason) => {
      metrics.jobFailures.inc({ reason });
      const { processors } = services();
      void report('processor failure', processors.find(sid).then((p) => processors.fail(p, reason)));
    });
  }
}
