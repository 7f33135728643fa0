/**
 * Runs composer jobs: admission (at most `maxJobs` at once, slots reserved before the
 * MediaProcessor record exists), the shared ingest endpoint, and shutdown of every job.
 */
import { availableParallelism } from 'node:os';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolveChromePath, resolveFfmpegPath } from './binaries.js';
import { ComposerJob, type ComposerJobSpec } from './composer-job.js';
import { jobTimingDefaults, mediaDefaults, type JobTimings, type MediaSettings } from './defaults.js';
import { MediaProcessorError } from './errors.js';
import { Chromium } from './chromium.js';
import { chooseSandbox, probeSandboxHost, type ChromiumSandbox } from './chromium-sandbox.js';
import { sweepStaleProfiles } from './composer-profiles.js';
import { IngestServer } from './ingest-server.js';
import { StandbyPool, type Standby } from './standby-pool.js';
import type { JobLogger } from './typed-events.js';

export interface JobManagerOptions {
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
  localUrl: () => string;
  mintToken: (identity: string, room: string) => Promise<string>;
  logger: JobLogger;
  timings?: Partial<JobTimings>;
  media?: Partial<MediaSettings>;
  /**
   * Chromium kept ready for the next jobs, composer page preloaded (default
   * {@link jobTimingDefaults}.standbyBrowsers; 0: every job launches its own). Needs `newId`.
   */
  standby?: number | undefined;
  /** the id (MediaProcessor SID) of a job yet to be created: a standby is launched for it */
  newId?: (() => string) | undefined;
}

/**
 * Default concurrency from the cores: a 720p job costs ~0.5–0.6 cores (Chromium decoding the
 * participants and encoding H.264, FACTS.md), and the server and rooms need some too.
 */
export function defaultMaxJobs(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores * 0.75 / 0.6));
}

/** A reserved slot: start a job in it, or release it. */
export interface JobSlot {
  /** the id the job must have to use the standby Chromium this slot took (absent: none taken) */
  readonly id?: string;
  start(spec: ComposerJobSpec): ComposerJob;
  release(): void;
}

export class JobManager {
  readonly maxJobs: number;
  readonly media: MediaSettings;
  /** how every Chromium of this manager is sandboxed, decided once from this host */
  readonly sandbox: ChromiumSandbox;
  private readonly timings: JobTimings;
  private readonly ingest: IngestServer;
  /** running jobs (they hold a slot) */
  private readonly jobs = new Map<string, ComposerJob>();
  /** jobs told to stop and still finishing (they no longer hold a slot) */
  private readonly stopping = new Set<ComposerJob>();
  private reserved = 0;
  private closed = false;
  private binaries: { chrome: string; ffmpeg: string } | undefined;
  private readonly standby: StandbyPool;

  constructor(private readonly opts: JobManagerOptions) {
    this.maxJobs = opts.maxJobs ?? defaultMaxJobs();
    this.sandbox = chooseSandbox(opts.sandbox ?? true, probeSandboxHost());
    this.timings = { ...jobTimingDefaults, ...opts.timings };
    this.media = { ...mediaDefaults, ...opts.media };
    this.ingest = new IngestServer({
      helloTimeoutMs: 10_000,
      maxPayload: 16 * 1024 * 1024,
      onError: (err) => opts.logger.error({ err }, 'ingest connection failed'),
    });
    const { newId } = opts;
    this.standby = new StandbyPool({
      size: newId ? (opts.standby ?? this.timings.standbyBrowsers) : 0,
      newId: newId ?? (() => ''),
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
      pageUrl: () => `${this.opts.localUrl()}/composer/`,
      loadTimeoutMs: this.timings.launchTimeoutMs,
      // standbys only use capacity no job is using or holding
      room: () => !this.closed && this.jobs.size + this.reserved + this.standby.size < this.maxJobs,
      logger: opts.logger,
    });
  }

  /**
   * Starts keeping standby Chromium (once the server listens: the page comes from it). Does
   * nothing when Chromium or ffmpeg is missing: jobs then fail to reserve anyway.
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

  /**
   * Removes composer profiles that crashed servers left in the temp dir (none that a living
   * server or Chromium uses). Resolves with the paths removed.
   */
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

  get(id: string): ComposerJob | undefined {
    return this.jobs.get(id);
  }

  /**
   * Reserves a slot, or throws ERR_CAPACITY when `maxJobs` are running or reserved,
   * ERR_BINARY_NOT_FOUND when Chromium or ffmpeg is missing, or ERR_SANDBOX_UNAVAILABLE
   * when Chromium cannot be sandboxed here (and the sandbox was not turned off).
   */
  reserve(): JobSlot {
    if (this.closed) throw new MediaProcessorError('ERR_STOPPED', 'The server is shutting down');
    if (this.sandbox.mode === 'unavailable') throw new MediaProcessorError('ERR_SANDBOX_UNAVAILABLE', this.sandbox.reason);
    if (this.jobs.size + this.reserved >= this.maxJobs) {
      throw new MediaProcessorError(
        'ERR_CAPACITY',
        `This server runs at most ${this.maxJobs} media processor${this.maxJobs === 1 ? '' : 's'} at once; end one or raise ONAIR_MAX_PROCESSORS`,
      );
    }
    const binaries = this.resolveBinaries();
    this.reserved++;
    let standby: Standby | undefined = this.standby.take();
    let used = false;
    const settle = () => {
      if (used) return false;
      used = true;
      this.reserved--;
      return true;
    };
    return {
      ...(standby ? { id: standby.id } : {}),
      release: () => {
        if (!settle()) return;
        if (standby) this.standby.giveBack(standby);
        standby = undefined;
      },
      start: (spec) => {
        if (!settle()) throw new Error('slot already used');
        if (standby && standby.id !== spec.id) {
          this.standby.giveBack(standby);
          standby = undefined;
        }
        // the next standby launches once this job is under way, not competing with its start
        if (standby) this.standby.fill(this.timings.standbyRefillMs);
        const job = new ComposerJob(spec, {
          chromePath: binaries.chrome,
          sandbox: this.sandbox,
          ffmpegPath: binaries.ffmpeg,
          ingest: this.ingest,
          localUrl: this.opts.localUrl,
          mintToken: this.opts.mintToken,
          logger: this.opts.logger,
          timings: this.timings,
          media: this.media,
          standby,
        });
        this.jobs.set(spec.id, job);
        job.once('closed', () => {
          if (this.jobs.get(spec.id) === job) this.jobs.delete(spec.id);
          this.stopping.delete(job);
          this.standby.fill(); // its capacity is free again
        });
        job.start();
        return job;
      },
    };
  }

  /**
   * Stops one job (no-op when unknown); resolves when its processes are gone. Its slot is
   * free at once: stopping takes a few seconds and is bounded.
   */
  async stop(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) return;
    this.jobs.delete(id);
    this.stopping.add(job);
    await job.stop();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.ingest.handleUpgrade(req, socket, head);
  }

  /** Stops every job (playlists finalised) and the ingest endpoint. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.standby.close(), ...[...this.jobs.values(), ...this.stopping].map((j) => j.stop())]);
    this.ingest.close();
  }

  private resolveBinaries(): { chrome: string; ffmpeg: string } {
    this.binaries ??= {
      chrome: resolveChromePath(this.opts.chromePath),
      ffmpeg: resolveFfmpegPath(this.opts.ffmpegPath),
    };
    return this.binaries;
  }
}
