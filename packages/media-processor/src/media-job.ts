/**
 * One media job, built from a MediaJobSpec: a source (headless Chromium on the
 * video-composer-v1 page, which records the composed room and streams it over the ingest
 * WebSocket to this worker's loopback listener; one ffmpeg per ingest connection turning that
 * into fragmented MP4) and sinks (one HLS packager per output, the MP4 recording).
 *
 * Faults: when Chromium dies, or ffmpeg dies, or the page stays without an ingest
 * connection, the job restarts what is missing, at most `maxRestarts` times within
 * `restartWindowMs` (counting the restarts an earlier worker spent, for a job handed over);
 * every new recording continues the sinks after a discontinuity. Past that budget, or when
 * the page produces no media in time, the job fails with a reason. `stop()` ends everything
 * within a few seconds and closes the sinks (EXT-X-ENDLIST, recording final); so does a
 * failure. Its state changes only through its own methods; it reports through `events`.
 */
import { randomBytes } from 'node:crypto';
import {
  IngestCloseCode,
  TypedEmitter,
  type JobFailureReason,
  type MediaJobEvents,
  type MediaJobSpec,
  type RestartCause,
} from '@onair/protocol';
import { Chromium } from './chromium.js';
import type { Standby } from './standby-pool.js';
import { FfmpegRun } from './ffmpeg-process.js';
import { ffmpegArgs } from './ffmpeg-args.js';
import { composerPageConfig } from './composer-page-config.js';
import type { IngestSession, IngestSocket } from './ingest-server.js';
import type { JobRunContext, MediaJobDeps, HostedJob } from './media-job-types.js';
import { redact } from './redact.js';
import { RestartBudget } from './restart-budget.js';
import type { Sink } from './sinks/sink.js';

type Phase = 'idle' | 'running' | 'stopping' | 'closed';

export class MediaJob implements HostedJob {
  readonly events: TypedEmitter<MediaJobEvents>;
  private phase: Phase = 'idle';
  private chromium: Chromium | undefined;
  /** used by the first launch only; restarts launch a fresh Chromium */
  private standby: Standby | undefined;
  private browserGeneration = 0;
  private current: { socket: IngestSocket; ffmpeg: FfmpegRun; ended: Promise<void> } | undefined;
  private readonly secret = randomBytes(32).toString('base64url');
  /** what never reaches a log line or an event: the ingest secret and every token minted for the page */
  private readonly secrets = new Set<string>([this.secret]);
  private readonly budget: RestartBudget;
  private readonly unregister: () => void;
  private readonly ingestUrl: string;
  private mediaTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private gotMedia = false;
  /** live outputs' sinks, by streamer SID (an output ended on its own leaves) */
  private readonly outputs = new Map<string, Sink>();
  private recording: { sid: string; sink: Sink } | undefined;
  private closing: Promise<void> | undefined;
  private readonly ctx: JobRunContext;

  constructor(
    readonly spec: MediaJobSpec,
    private readonly deps: MediaJobDeps,
    ctx: JobRunContext = {},
    onListenerError?: (event: string, err: unknown) => void,
  ) {
    this.events = new TypedEmitter<MediaJobEvents>(
      onListenerError ?? ((event, err) => deps.logger.error({ err, event, mediaProcessorSid: spec.processorSid }, 'a media job listener failed')),
    );
    this.ctx = ctx;
    this.standby = deps.standby;
    this.budget = new RestartBudget(deps.timings.maxRestarts, deps.timings.restartWindowMs, ctx.previousRestarts);
    const reg = deps.ingest.register(spec.processorSid, this.secret, (socket) => this.accept(socket));
    this.unregister = reg.unregister;
    this.ingestUrl = reg.url;
  }

  get sid(): string {
    return this.spec.processorSid;
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  get restartsUsed(): number[] {
    return this.budget.spent(Date.now());
  }

  /** Process ids of Chromium and ffmpeg while they run (for supervision and tests). */
  get pids(): { chromium: number | undefined; ffmpeg: number | undefined } {
    return { chromium: this.chromium?.pid, ffmpeg: this.current?.ffmpeg.pid };
  }

  /**
   * Opens the sinks, then launches Chromium on the composer page. Failures become a `failed`
   * event (then `closed`): a sink that cannot be opened is internal-service-error.
   */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'running';
    this.log('info', { outputs: this.spec.outputs.length, recording: Boolean(this.spec.recording) }, 'composer job starting');
    this.events.emit('assigned', this.deps.workerId);
    void this.openSinks().then(
      () => {
        if (this.phase !== 'running') return;
        this.armMediaTimer();
        void this.launch();
      },
      (err: unknown) => void this.fail('internal-service-error', `could not open the job's outputs: ${(err as Error).message}`),
    );
  }

  private async openSinks(): Promise<void> {
    const { spec, deps } = this;
    const ctx = { processorSid: spec.processorSid, resume: this.ctx.resume ?? false, createdAt: spec.createdAt };
    const opened = await Promise.allSettled([
      ...spec.outputs.map(async (o) => {
        const sink = await deps.openOutput(o, ctx);
        this.outputs.set(o.streamerSid, sink);
        sink.onPlayable?.(() => this.events.emit('outputStarted', o.streamerSid));
      }),
      (async () => {
        if (!spec.recording) return;
        const sink = await deps.openRecording(spec.recording, ctx);
        this.recording = { sid: spec.recording.mediaRecordingSid, sink };
      })(),
    ]);
    const failure = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /**
   * Ends Chromium and ffmpeg and finalises the playlists. Idempotent. With `handover` the
   * sinks are detached instead (another worker resumes them): no EXT-X-ENDLIST, no
   * `recordingClosed`.
   */
  stop(opts: { handover?: boolean } = {}): Promise<void> {
    return this.shutdown(opts.handover ?? false);
  }

  /**
   * Finalises one output (its playlist gets EXT-X-ENDLIST) while the job goes on for the
   * others. Resolves with how many outputs are still live.
   */
  async endOutput(streamerSid: string): Promise<number> {
    const sink = this.outputs.get(streamerSid);
    if (sink) {
      this.outputs.delete(streamerSid);
      await sink.close().catch(() => undefined);
    }
    return this.outputs.size;
  }

  /**
   * Ends the recording now (the disk is low): what it recorded so far is final, the stream
   * goes on. `recordingClosed` follows with the reason. No-op without a recording.
   */
  async endRecording(reason: 'disk-space-low'): Promise<void> {
    await this.closeRecording(reason);
  }

  private async closeRecording(reason: 'disk-space-low' | null): Promise<void> {
    const recording = this.recording;
    if (!recording) return;
    this.recording = undefined;
    await recording.sink.close().catch((err: unknown) => this.log('error', { err }, 'the recording could not be closed'));
    if (reason) this.log('warn', { mediaRecordingSid: recording.sid, reason }, 'media recording ended before its media processor');
    this.events.emit('recordingClosed', recording.sid, reason);
  }

  /** Kills the job's Chromium (tests and fault drills: it restarts like any crash). */
  async killChromium(): Promise<void> {
    await this.chromium?.kill();
  }

  // ---- Chromium ------------------------------------------------------------------------

  private async launch(): Promise<void> {
    const generation = ++this.browserGeneration;
    const onPageLog = (level: 'error' | 'warn' | 'info', text: string) =>
      this.log(level === 'info' ? 'debug' : 'warn', { page: this.redact(text).slice(0, 500) }, 'composer page');
    const standby = this.standby;
    this.standby = undefined;
    const preloaded = standby ? await standby.chromium : undefined;
    if (preloaded) {
      preloaded.setPageLog(onPageLog);
      await preloaded.labelJob(this.spec.processorSid).catch(() => undefined);
      await preloaded.resize(this.spec.width, this.spec.height).catch(() => undefined);
    }
    let chromium: Chromium;
    try {
      chromium = preloaded ?? await Chromium.launch({
        executablePath: this.deps.chromePath,
        sandbox: this.deps.sandbox,
        label: this.spec.processorSid,
        launchTimeoutMs: this.deps.timings.launchTimeoutMs,
        width: this.spec.width,
        height: this.spec.height,
        onPageLog,
      });
    } catch (err) {
      this.fault('chromium', (err as Error).message);
      return;
    }
    if (this.phase !== 'running' || generation !== this.browserGeneration) {
      await chromium.kill();
      return;
    }
    this.chromium = chromium;
    chromium.onExit(() => {
      if (this.phase === 'running' && generation === this.browserGeneration) {
        void chromium.kill(); // its helpers too
        this.fault('chromium', 'Chromium exited');
      }
    });
    try {
      const url = await this.pageUrl();
      await chromium.openComposer(url, this.deps.timings.launchTimeoutMs);
      this.log('info', { chromiumPid: chromium.pid, standby: Boolean(standby) }, 'composer page loaded');
    } catch (err) {
      if (this.phase === 'running' && generation === this.browserGeneration) {
        this.fault('chromium', (err as Error).message);
      }
    }
  }

  private async pageUrl(): Promise<string> {
    const base = this.deps.pageBaseUrl();
    const { spec, deps } = this;
    const token = await deps.mintToken(spec.identity, spec.room);
    this.secrets.add(token);
    const config = composerPageConfig(
      spec,
      { token, serverUrl: base, ingestUrl: this.ingestUrl, ingestSecret: this.secret },
      deps.media,
      deps.videoCodec,
    );
    return `${base}/composer/#${encodeURIComponent(JSON.stringify(config))}`;
  }

  // ---- ingest + ffmpeg -----------------------------------------------------------------

  private accept(socket: IngestSocket): IngestSession {
    clearTimeout(this.reconnectTimer);
    if (this.phase !== 'running') {
      socket.close(IngestCloseCode.Stop, 'job is stopping');
      return { chunk: () => undefined, status: () => undefined, closed: () => undefined };
    }
    // a newer connection replaces the old one (the page reconnected)
    const previous = this.current;
    if (previous) {
      this.current = undefined;
      previous.socket.close(IngestCloseCode.Restart, 'replaced');
      previous.ffmpeg.end();
    }
    const { hello } = socket;
    const inputs = [...this.outputs.values()].map((sink) => sink.input());
    if (this.recording) inputs.push(this.recording.sink.input());
    const ffmpeg = new FfmpegRun({
      path: this.deps.ffmpegPath,
      args: ffmpegArgs({
        videoCodec: hello.videoCodec,
        segmentSeconds: this.deps.media.segmentSeconds,
        frameRate: hello.frameRate,
        width: hello.width,
        height: hello.height,
        audioKbps: this.spec.audioKbps,
        x264Preset: this.deps.media.x264Preset,
        partSeconds: this.deps.media.partSeconds,
      }),
      onStdout: (chunk) => {
        for (const input of inputs) input.write(chunk);
      },
      onStderrLine: (line) => this.log('debug', { ffmpeg: line.slice(0, 300) }, 'ffmpeg'),
    });
    const entry = {
      socket,
      ffmpeg,
      ended: ffmpeg.exited.then(async (exit) => {
        await Promise.all(inputs.map((i) => i.end()));
        if (this.current === entry && this.phase === 'running') {
          // ffmpeg went away on its own: restart it through a new recording
          this.current = undefined;
          this.fault('ffmpeg', `ffmpeg exited (${exit.signal ?? exit.code}): ${exit.stderr.split('\n').at(-1) ?? ''}`);
          socket.close(IngestCloseCode.Restart, 'ffmpeg restarted');
        }
      }),
    };
    this.current = entry;
    this.log('info', { mimeType: hello.mimeType, videoCodec: hello.videoCodec, ffmpegPid: ffmpeg.pid }, 'recording started');
    socket.ready();
    let waiting = false;
    return {
      chunk: (data) => {
        if (!this.gotMedia) {
          this.gotMedia = true;
          clearTimeout(this.mediaTimer);
        }
        if (!ffmpeg.write(data) && !waiting) {
          waiting = true;
          socket.pause();
          ffmpeg.onDrain(() => {
            waiting = false;
            socket.resume();
          });
        }
      },
      status: (status) => this.events.emit('progress', status),
      closed: (code) => {
        ffmpeg.end(); // ffmpeg flushes what it has, then its exit ends the inputs
        if (this.current !== entry) return;
        this.current = undefined;
        if (this.phase !== 'running') return;
        this.log('warn', { code }, 'ingest connection closed; waiting for the page to reconnect');
        const generation = this.browserGeneration;
        this.reconnectTimer = setTimeout(() => {
          if (this.phase === 'running' && !this.current && generation === this.browserGeneration) {
            this.fault('ingest', `the page did not reconnect within ${this.deps.timings.ingestReconnectMs} ms`);
          }
        }, this.deps.timings.ingestReconnectMs);
      },
    };
  }

  // ---- faults, failure, shutdown -------------------------------------------------------

  private fault(cause: RestartCause, raw: string): void {
    if (this.phase !== 'running') return;
    const detail = this.redact(raw);
    if (!this.budget.take(Date.now())) {
      // never any media: the extension could not be loaded; else streaming broke down
      void this.fail(
        this.gotMedia ? 'error-streaming-media' : 'error-loading-extension',
        `${cause} failed more than ${this.budget.max} times within ${Math.round(this.budget.windowMs / 1000)} s; last: ${detail}`,
      );
      return;
    }
    const used = this.budget.used(Date.now());
    this.log('warn', { cause, detail, restarts: used, maxRestarts: this.budget.max }, 'composer job restarting');
    this.events.emit('restarted', cause, used, this.budget.max, detail);
    if (cause === 'ffmpeg') return; // the 4010 close makes the page start a new recording
    const old = this.chromium;
    this.chromium = undefined;
    this.browserGeneration++;
    void (async () => {
      await old?.kill();
      if (this.phase === 'running') await this.launch();
    })();
  }

  private armMediaTimer(): void {
    clearTimeout(this.mediaTimer);
    this.mediaTimer = setTimeout(() => {
      if (this.phase === 'running' && !this.gotMedia) {
        void this.fail('error-loading-extension', `the composer page produced no media within ${this.deps.timings.mediaTimeoutMs} ms`);
      }
    }, this.deps.timings.mediaTimeoutMs);
  }

  private async fail(reason: JobFailureReason, raw: string): Promise<void> {
    if (this.phase !== 'running') return;
    const message = this.redact(raw);
    this.log('error', { reason, detail: message }, 'composer job failed');
    this.events.emit('failed', reason, message);
    await this.shutdown();
  }

  private shutdown(handover = false): Promise<void> {
    this.closing ??= (async () => {
      this.phase = 'stopping';
      clearTimeout(this.mediaTimer);
      clearTimeout(this.reconnectTimer);
      this.unregister();
      const current = this.current;
      this.current = undefined;
      current?.socket.close(IngestCloseCode.Stop, 'stopped');
      const chromium = this.chromium;
      this.chromium = undefined;
      this.browserGeneration++;
      await Promise.all([
        (async () => {
          if (current) {
            await current.ffmpeg.stop(this.deps.timings.ffmpegStopMs);
            await current.ended;
          }
          // EXT-X-ENDLIST right after the last segment, not after Chromium has gone: players
          // reloading in between would see the end only as ENDLIST appended on its own
          const outputs = [...this.outputs.values()];
          this.outputs.clear();
          if (handover) {
            const recording = this.recording?.sink;
            this.recording = undefined;
            await Promise.all([...outputs, ...(recording ? [recording] : [])].map((sink) => sink.detach().catch(() => undefined)));
          } else {
            await Promise.all([...outputs.map((sink) => sink.close().catch(() => undefined)), this.closeRecording(null)]);
          }
        })(),
        chromium?.kill(),
      ]);
      this.phase = 'closed';
      this.log('info', {}, 'composer job closed');
      this.events.emit('closed');
    })();
    return this.closing;
  }

  /** `text` fit for a log line or an event: no URL query or fragment, none of the job's secrets. */
  private redact(text: string): string {
    return redact(text, this.secrets);
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', obj: object, msg: string): void {
    this.deps.logger[level]({ mediaProcessorSid: this.spec.processorSid, ...obj }, msg);
  }
}
