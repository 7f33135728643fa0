/**
 * Runs media jobs on this machine: admission (at most `maxJobs` at once), the binaries,
 * Chromium's sandbox, standby Chromium, the composer's access tokens, and the ingest
 * endpoint on the host's own loopback listener. A worker (the embedded one in `onair serve`,
 * or `onair worker`) holds one JobHost and calls `run(spec)` for each job it takes.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { TypedEmitter, type ComposerVideoCodec, type MediaJobSpec } from '@onair/protocol';
import { resolveChromePath, resolveFfmpegPath } from './binaries.js';
import { Chromium } from './chromium.js';
import { chooseSandbox, probeSandboxHost, type ChromiumSandbox } from './chromium-sandbox.js';
import { sweepStaleProfiles } from './composer-profiles.js';
import { jobTimingDefaults, mediaDefaults, type JobTimings, type MediaSettings } from './defaults.js';
import { MediaProcessorError } from './errors.js';
import { IngestListener } from './ingest-listener.js';
import { IngestServer } from './ingest-server.js';
import type { JobLogger } from './logger.js';
import { MediaJob } from './media-job.js';
import type { JobRunContext, HostedJob } from './media-job-types.js';
import type { OpenOutput, OpenRecording } from './sinks/sink.js';
import { StandbyPool } from './standby-pool.js';

export interface JobHostOptions {
  /** explicit binaries (CHROME_PATH / FFMPEG_PATH); found when absent */
  chromePath?: string | undefined;
  ffmpegPath?: string | undefined;
  /**
   * Chromium's sandbox (default true). false runs it with --no-sandbox: only when the
   * operator asked (ONAIR_CHROMIUM_NO_SANDBOX=1).
   */
  sandbox?: boolean | undefined;
  /** concurrent jobs; default {@link defaultMaxJobs} */
  maxJobs?: number | undefined;
  /** the server as Chromium on this machine reaches it: the composer page and signaling */
  pageBaseUrl: () => string;
  mintToken: (identity: string, room: string) => Promise<string>;
  logger: JobLogger;
  /** where outputs and recordings are written */
  openOutput: OpenOutput;
  openRecording: OpenRecording;
  /** what the composer records (default h264) */
  videoCodec?: ComposerVideoCodec | undefined;
  timings?: Partial<JobTimings>;
  media?: Partial<MediaSettings>;
  /** Chromium kept ready with the composer page preloaded (default {@link jobTimingDefaults}.standbyBrowsers; 0: none) */
  standby?: number | undefined;
  /** this worker's id in `assigned` events (default `<hostname>/<pid>`) */
  workerId?: string | undefined;
}

/** What the host reports about its jobs (metrics, logs). */
export type JobHostEvents = {
  jobStarted: (job: HostedJob) => void;
  jobClosed: (sid: string) => void;
};

/**
 * Default concurrency from the cores: a 720p job costs ~0.5–0.6 cores (Chromium decoding the
 * participants and encoding H.264, FACTS.md), and the server and rooms need some too.
 */
export function defaultMaxJobs(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores * 0.75 / 0.6));
}

export class JobHost {
  readonly maxJobs: number;
  readonly media: MediaSettings;
  readonly workerId: string;
  /** how every Chromium of this host is sandboxed, decided once from this machine */
  readonly sandbox: ChromiumSandbox;
  readonly events = new TypedEmitter<JobHostEvents>();
  private readonly timings: JobTimings;
  private readonly ingest: IngestServer;
  private listener: IngestListener | undefined;
  /** running jobs (they hold a slot) */
  private readonly jobs = new Map<string, MediaJob>();
  /** jobs told to stop and still finishing (they no longer hold a slot) */
  private readonly stopping = new Set<MediaJob>();
  private closed = false;
  private binaries: { chrome: string; ffmpeg: string } | undefined;
  private readonly standby: StandbyPool;

  constructor(private readonly opts: JobHostOptions) {
    this.maxJobs = opts.maxJobs ?? defaultMaxJobs();
    this.workerId = opts.workerId ?? `${hostname()}/${process.pid}`;
    this.sandbox = chooseSandbox(opts.sandbox ?? true, probeSandboxHost());
    this.timings = { ...jobTimingDefaults, ...opts.timings };
    this.media = { ...mediaDefaults, ...opts.media };
    this.ingest = new IngestServer({
      helloTimeoutMs: 10_000,
      maxPayload: 16 * 1024 * 1024,
      onError: (err) => opts.logger.error({ err }, 'ingest connection failed'),
    });
    this.standby = new StandbyPool({
      size: opts.standby ?? this.timings.standbyBrowsers,
      // a standby is no job's yet: it takes the SID of the job that takes it
      newId: () => `standby-${randomBytes(8).toString('hex')}`,
      launch: (id) =>
        Chromium.launch({
          executablePath: this.resolveBinaries().chrome,
          sandbox: this.sandbox,
          label: id,
          launchTimeoutMs: this.timings.launchTimeoutMs,
          width: 1280,
          height: 720,
          onPageLog: (level, text) => this.opts.logger.debug({ standby: id, level, page: text.slice(0, 300) }, 'standby page'),
        }),
      pageUrl: () => `${this.opts.pageBaseUrl()}/composer/`,
      loadTimeoutMs: this.timings.launchTimeoutMs,
      // standbys only use capacity no job is using
      room: () => !this.closed && this.jobs.size + this.standby.size < this.maxJobs,
      logger: opts.logger,
    });
  }

  /** Opens the ingest listener (127.0.0.1, a free port). Needed before `run`. Idempotent. */
  async open(): Promise<void> {
    this.listener ??= await IngestListener.open(this.ingest);
  }

  /** ws://127.0.0.1:<port> of the ingest listener, once open. */
  get ingestBaseUrl(): string | undefined {
    return this.listener?.baseUrl;
  }

  /**
   * Starts keeping standby Chromium (once the server that serves the page listens). Does
   * nothing when Chromium or ffmpeg is missing: jobs are refused then anyway.
   */
  warm(): void {
    if (this.sandbox.mode === 'unavailable') return;
    try {
      this.resolveBinaries();
    } catch {
      return;
    }
    this.standby.fill();
  }

  /** Removes composer profiles that crashed processes left in the temp dir; resolves with the paths removed. */
  sweepProfiles(): Promise<string[]> {
    return sweepStaleProfiles(this.sandbox.mode === 'as-user' ? { sandboxUid: this.sandbox.user.uid } : {});
  }

  /** Standby Chromium held now (launching or ready), and their process ids once ready. */
  get standbys(): { count: number; pids: number[]; launched: number } {
    return { count: this.standby.size, pids: this.standby.pids, launched: this.standby.launches };
  }

  get running(): number {
    return this.jobs.size;
  }

  get(sid: string): HostedJob | undefined {
    return this.jobs.get(sid);
  }

  /**
   * Starts a job, or throws MediaProcessorError: ERR_CAPACITY when `maxJobs` run,
   * ERR_BINARY_NOT_FOUND when Chromium or ffmpeg is missing, ERR_SANDBOX_UNAVAILABLE when
   * Chromium cannot be sandboxed here, ERR_STOPPED when the host is closed or not open,
   * ERR_JOB_EXISTS when a job with that SID runs.
   */
  run(spec: MediaJobSpec, ctx: JobRunContext = {}): HostedJob {
    const listener = this.listener;
    if (this.closed || !listener) throw new MediaProcessorError('ERR_STOPPED', this.closed ? 'The media worker is shutting down' : 'The media worker is not open yet');
    if (this.sandbox.mode === 'unavailable') throw new MediaProcessorError('ERR_SANDBOX_UNAVAILABLE', this.sandbox.reason);
    if (this.jobs.size >= this.maxJobs) {
      throw new MediaProcessorError(
        'ERR_CAPACITY',
        `This server runs at most ${this.maxJobs} media processor${this.maxJobs === 1 ? '' : 's'} at once; end one or raise ONAIR_MAX_PROCESSORS`,
      );
    }
    if (this.jobs.has(spec.processorSid)) throw new MediaProcessorError('ERR_JOB_EXISTS', `A job for ${spec.processorSid} runs already`);
    const binaries = this.resolveBinaries();
    const standby = this.standby.take();
    // the next standby launches once this job is under way, not competing with its start
    if (standby) this.standby.fill(this.timings.standbyRefillMs);
    const job = new MediaJob(
      spec,
      {
        chromePath: binaries.chrome,
        sandbox: this.sandbox,
        ffmpegPath: binaries.ffmpeg,
        ingest: listener,
        pageBaseUrl: this.opts.pageBaseUrl,
        mintToken: this.opts.mintToken,
        logger: this.opts.logger,
        timings: this.timings,
        media: this.media,
        videoCodec: this.opts.videoCodec ?? 'h264',
        openOutput: this.opts.openOutput,
        openRecording: this.opts.openRecording,
        workerId: this.workerId,
        standby,
      },
      ctx,
    );
    if (standby) this.opts.logger.debug({ mediaProcessorSid: spec.processorSid, standby: standby.id }, 'job takes a standby Chromium');
    this.jobs.set(spec.processorSid, job);
    job.events.once('closed', () => {
      if (this.jobs.get(spec.processorSid) === job) this.jobs.delete(spec.processorSid);
      this.stopping.delete(job);
      this.standby.fill(); // its capacity is free again
      this.events.emit('jobClosed', spec.processorSid);
    });
    this.events.emit('jobStarted', job);
    job.start();
    return {
      sid: job.sid,
      events: job.events,
      stop: (opts) => this.stop(job.sid, opts),
      endOutput: (sid) => job.endOutput(sid),
      endRecording: (reason) => job.endRecording(reason),
      get pids() {
        return job.pids;
      },
      get restartsUsed() {
        return job.restartsUsed;
      },
    };
  }

  /**
   * Stops one job (no-op when unknown); resolves when its processes are gone. Its slot is
   * free at once: stopping takes a few seconds and is bounded.
   */
  async stop(sid: string, opts: { handover?: boolean } = {}): Promise<void> {
    const job = this.jobs.get(sid);
    if (!job) return;
    this.jobs.delete(sid);
    this.stopping.add(job);
    await job.stop(opts);
  }

  /** Stops every job (sinks closed), the standbys and the ingest listener. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.standby.close(), ...[...this.jobs.values(), ...this.stopping].map((j) => j.stop())]);
    if (this.listener) await this.listener.close();
    else this.ingest.close();
  }

  private resolveBinaries(): { chrome: string; ffmpeg: string } {
    this.binaries ??= {
      chrome: resolveChromePath(this.opts.chromePath),
      ffmpeg: resolveFfmpegPath(this.opts.ffmpegPath),
    };
    return this.binaries;
  }
}
