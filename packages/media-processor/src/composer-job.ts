/**
 * One supervised video-composer-v1 job: headless Chromium on the composer page, which
 * records the composed room and streams it over the ingest WebSocket; one ffmpeg per ingest
 * connection turning that into fragmented MP4; and one HLS packager per output.
 *
 * Faults: when Chromium dies, or ffmpeg dies, or the page stays without an ingest
 * connection, the job restarts what is missing, at most `maxRestarts` times within
 * `restartWindowMs`; every new recording continues the playlists after an
 * EXT-X-DISCONTINUITY. Past that budget, or when the page produces no media in time, the job
 * fails with a reason. `stop()` ends everything within a few seconds and finalises the
 * playlists (EXT-X-ENDLIST); so does a failure.
 */
import { randomBytes } from 'node:crypto';
import { IngestCloseCode, type ComposerConfig, type ComposerVideoCodec } from '@onair/protocol';
import { Chromium } from './chromium.js';
import type { Standby } from './standby-pool.js';
import { FfmpegRun } from './ffmpeg-process.js';
import { ffmpegArgs, videoBitrate } from './ffmpeg-args.js';
import type { IngestSession, IngestSocket } from './ingest-server.js';
import { redact } from './redact.js';
import { RestartBudget } from './restart-budget.js';
import { TypedEvents } from './typed-events.js';
import type { ComposerJobDeps, ComposerJobEvents, ComposerJobSpec, JobFailureReason, RestartCause } from './composer-job-types.js';

export type { ComposerJobDeps, ComposerJobEvents, ComposerJobSpec, JobFailureReason, OutputPackager, RestartCause } from './composer-job-types.js';

type Phase = 'idle' | 'running' | 'stopping' | 'closed';

export class ComposerJob extends TypedEvents<ComposerJobEvents> {
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
  private readonly ingestPath: string;
  private mediaTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private gotMedia = false;
  private readonly started = new Set<string>();
  /** outputs ended on their own (their streamer was ended): finalised, fed no more */
  private readonly endedOutputs = new Set<string>();
  private closing: Promise<void> | undefined;
  readonly codecInUse: { value: ComposerVideoCodec | undefined } = { value: undefined };

  constructor(
    readonly spec: ComposerJobSpec,
    private readonly deps: ComposerJobDeps,
  ) {
    super();
    this.standby = deps.standby;
    this.budget = new RestartBudget(deps.timings.maxRestarts, deps.timings.restartWindowMs);
    const reg = deps.ingest.register(spec.id, this.secret, (socket) => this.accept(socket));
    this.unregister = reg.unregister;
    this.ingestPath = reg.path;
    for (const out of spec.outputs) {
      out.packager.onSegment(() => {
        if (this.started.has(out.sid)) return;
        this.started.add(out.sid);
        this.emit('firstSegment', out.sid);
      });
    }
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  /** Process ids of Chromium and ffmpeg while they run (for supervision and tests). */
  get pids(): { chromium: number | undefined; ffmpeg: number | undefined } {
    return { chromium: this.chromium?.pid, ffmpeg: this.current?.ffmpeg.pid };
  }

  /** Launches Chromium on the composer page. Failures become a `failed` event. */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'running';
    this.log('info', {}, 'composer job starting');
    this.armMediaTimer();
    void this.launch();
  }

  /** Ends Chromium and ffmpeg and finalises the playlists. Idempotent. */
  stop(): Promise<void> {
    return this.shutdown();
  }

  /**
   * Finalises one output (its playlist gets EXT-X-ENDLIST) while the job goes on for the
   * others. Resolves with how many outputs are still live.
   */
  async endOutput(outputSid: string): Promise<number> {
    const output = this.spec.outputs.find((o) => o.sid === outputSid);
    if (output && !this.endedOutputs.has(outputSid)) {
      this.endedOutputs.add(outputSid);
      await output.packager.finish().catch(() => undefined);
    }
    return this.spec.outputs.filter((o) => !this.endedOutputs.has(o.sid)).length;
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
      await preloaded.resize(this.spec.width, this.spec.height).catch(() => undefined);
    }
    let chromium: Chromium;
    try {
      chromium = preloaded ?? await Chromium.launch({
        executablePath: this.deps.chromePath,
        sandbox: this.deps.sandbox,
        label: this.spec.id,
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
    const base = this.deps.localUrl();
    const { spec, deps } = this;
    const token = await deps.mintToken(spec.identity, spec.room);
    this.secrets.add(token);
    const config: ComposerConfig = {
      token,
      room: spec.room,
      serverUrl: base,
      ingestUrl: base.replace(/^http/, 'ws') + this.ingestPath,
      ingestSecret: this.secret,
      width: spec.width,
      height: spec.height,
      frameRate: deps.media.frameRate,
      videoCodec: spec.videoCodec,
      keyFrameIntervalMs: deps.media.segmentSeconds * 1000,
      timesliceMs: deps.media.timesliceMs,
      videoBitsPerSecond: videoBitrate(spec.width, spec.height, deps.media.frameRate),
      audioBitsPerSecond: spec.audioKbps * 1000,
      hideParticipantIdentities: spec.hideParticipantIdentities,
      backgroundColor: spec.backgroundColor,
    };
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
    this.codecInUse.value = hello.videoCodec;
    const inputs = this.spec.outputs.filter((o) => !this.endedOutputs.has(o.sid)).map((o) => o.packager.input());
    if (this.spec.recording) inputs.push(this.spec.recording.input());
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
      status: (status) => this.emit('progress', status),
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
    this.emit('restarted', cause, used, this.budget.max, detail);
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
    this.emit('failed', reason, message);
    await this.shutdown();
  }

  private shutdown(): Promise<void> {
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
          await Promise.all(
            this.spec.outputs.filter((o) => !this.endedOutputs.has(o.sid)).map((o) => o.packager.finish().catch(() => undefined)),
          );
        })(),
        chromium?.kill(),
      ]);
      this.phase = 'closed';
      this.log('info', {}, 'composer job closed');
      this.emit('closed');
    })();
    return this.closing;
  }

  /** `text` fit for a log line or an event: no URL query or fragment, none of the job's secrets. */
  private redact(text: string): string {
    return redact(text, this.secrets);
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', obj: object, msg: string): void {
    this.deps.logger[level]({ mediaProcessorSid: this.spec.id, ...obj }, msg);
  }
}
