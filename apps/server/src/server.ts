/**
 * Wiring of one onair server: store → services → REST → HTTP listener, with a graceful
 * close that stops timers, drains callbacks and closes the store.
 */
import { fileURLToPath } from 'node:url';
import { composerPageUrl } from '@onair/composer';
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { RoomServer } from '@onair/rooms';
import { TypedEmitter } from '@onair/protocol';
import { EmbeddedWorker } from './media/embedded-worker.js';
import { MediaPlane } from './media/media-plane.js';
import { registerMediaMetrics } from './media/media-metrics.js';
import { createOriginIngest } from '@onair/player-streamer';
import { checkCredentials, parseBasicAuth } from './http/auth.js';
import { recordingDir, streamDir } from './data-paths.js';
import { finalizeRecording, resolveFfmpegPath } from '@onair/media-processor';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CallbackAllowList } from './callbacks/allow-list.js';
import { StatusCallbackSender } from './callbacks/sender.js';
import type { Credentials } from './config/credentials.js';
import { createApp } from './http/app.js';
import { restBudgets, type RestBudgets } from './http/rest-budgets.js';
import { REST_BUDGET_DEFAULTS, type BudgetSettings } from './config/budgets-config.js';
import { answerClientErrors, refuseConnect, upgradeDispatcher } from './http/raw-socket.js';
import { baseUrlResolver } from './http/urls.js';
import { acceptUpgradeHost } from './http/host-check.js';
import { HostPolicy, isLoopbackBind } from './http/host-policy.js';
import { createMetrics } from './metrics.js';
import type { ServerEvents, ServiceContext } from './services/context.js';
import { MaxDurationEnforcer } from './services/max-duration.js';
import { MediaProcessorService } from './services/media-processors.js';
import { MediaRecordingService, roomSidIfSid } from './services/media-recordings.js';
import { ParticipantService } from './services/participants.js';
import { PlaybackGrantService } from './services/playback-grants.js';
import { PlayerStreamerService } from './services/player-streamers.js';
import { RoomService } from './services/rooms.js';
import type { Store } from './store/repository.js';
import { SqliteStore } from './store/sqlite/store.js';
import { ServerRoomsBackend } from './rooms/backend.js';
import type { IceConfig } from './rooms/ice-servers.js';
import { RoomLifecycle } from './rooms/lifecycle.js';
import { PlaybackService, type PlaybackSettings } from './playback/playback.js';
import { DiskFloor } from './disk/disk-floor.js';

export interface OnairServerOptions {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string | undefined;
  credentials: Credentials;
  logger: Logger;
  ice?: IceConfig;
  /** directory of the built demo pages served under /demo (absent: no demo) */
  demoDir?: string | undefined;
  /** injected for tests; defaults to SQLite in the data dir */
  store?: Store;
  clock?: () => number;
  /** length of a "minute" for room timeouts (tests shorten it) */
  roomTimeoutMinuteMs?: number;
  chromePath?: string | undefined;
  ffmpegPath?: string | undefined;
  /** concurrent media processors (default from the cores) */
  maxProcessors?: number | undefined;
  /** what the composer records (default h264) */
  composerVideoCodec?: 'h264' | 'vp8';
  /** Chromium kept ready for the next media processors (default 1; 0: none) */
  composerStandby?: number | undefined;
  /** the composer's Chromium in its sandbox (default true; false: --no-sandbox) */
  chromiumSandbox?: boolean | undefined;
  /** playback origin: retention, viewer limit, session idle timeout */
  playback?: PlaybackSettings;
  /** what status callbacks may reach besides public addresses (default: nothing else) */
  callbackAllow?: CallbackAllowList;
  /** client budgets (signaling, REST, playback); each missing one has its default */
  budgets?: Partial<BudgetSettings>;
  /** free bytes the data dir's disk keeps (ONAIR_MIN_FREE_DISK); 0 or absent: no floor */
  minFreeDiskBytes?: number;
  /** queue media jobs on this Redis for workers (ONAIR_REDIS_URL); absent: every job runs in this process */
  redisUrl?: string | undefined;
  /** run media jobs in this process too (default true; false needs redisUrl: `--no-worker`) */
  embeddedWorker?: boolean | undefined;
}

export class OnairServer {
  readonly events: TypedEmitter<ServerEvents>;
  private http: Server | undefined;
  private ready = false;
  private closing: Promise<void> | undefined;
  private readonly store: Store;
  private readonly callbacks: StatusCallbackSender;
  private readonly maxDuration: MaxDurationEnforcer;
  private readonly grants: PlaybackGrantService;
  private readonly ctx: ServiceContext;
  private readonly roomServer: RoomServer;
  private readonly lifecycle: RoomLifecycle;
  private readonly media: MediaPlane;
  private readonly processors: MediaProcessorService;
  private readonly recordings: MediaRecordingService;
  private readonly playback: PlaybackService;
  private readonly hostPolicy: HostPolicy;
  private readonly restBudgets: RestBudgets;
  private readonly diskFloor: DiskFloor;

  constructor(private readonly opts: OnairServerOptions) {
    const logger = opts.logger;
    this.store = opts.store ?? SqliteStore.open(join(opts.dataDir, 'onair.sqlite'));
    this.callbacks = new StatusCallbackSender({ authToken: opts.credentials.authToken, logger, allow: opts.callbackAllow });
    this.events = new TypedEmitter<ServerEvents>((event, err) =>
      logger.error({ err, event }, 'event listener failed'),
    );
    this.ctx = {
      store: this.store,
      accountSid: opts.credentials.accountSid,
      logger,
      callbacks: this.callbacks,
      events: this.events,
      clock: opts.clock ?? Date.now,
    };
    const rooms = new RoomService(this.ctx);
    const participants = new ParticipantService(this.ctx);
    this.lifecycle = new RoomLifecycle(this.ctx, rooms, opts.roomTimeoutMinuteMs);
    const metrics = createMetrics(this.store);
    const refused = (budget: string) => metrics.budgetRefusals.inc({ budget });
    this.roomServer = new RoomServer(
      new ServerRoomsBackend(this.ctx, opts.credentials, rooms, participants, this.lifecycle, opts.ice ?? { servers: [] }),
      {
        logger,
        ...(opts.budgets?.signaling ? { budget: opts.budgets.signaling } : {}),
        onLimit: (kind) => refused(kind === 'published-tracks' ? 'room_published_tracks' : `signaling_${kind}`),
      },
    );
    this.restBudgets = restBudgets(opts.budgets?.rest ?? REST_BUDGET_DEFAULTS, refused);
    // REST decisions reach live sessions
    this.events.on('participantDisconnected', (p) => this.roomServer.kick(p.sid));
    this.events.on('roomEnded', (room) => this.roomServer.closeRoom(room.sid));
    const streamers = new PlayerStreamerService(this.ctx);
    this.callbacks.events.on('refused', (reason) => metrics.callbacksRefused.inc({ reason }));
    this.callbacks.events.on('dropped', (reason) => metrics.callbacksDropped.inc({ reason }));
    const embedded = opts.embeddedWorker === false ? undefined : new EmbeddedWorker({
      metrics,
      dataDir: opts.dataDir,
      credentials: opts.credentials,
      logger,
      chromePath: opts.chromePath,
      ffmpegPath: opts.ffmpegPath,
      maxProcessors: opts.maxProcessors,
      videoCodec: opts.composerVideoCodec ?? 'h264',
      standby: opts.composerStandby,
      sandbox: opts.chromiumSandbox,
      localUrl: () => this.localUrl(),
    });
    this.media = new MediaPlane({ redisUrl: opts.redisUrl, embedded, logger });
    const diskFloor = (this.diskFloor = new DiskFloor({
      dir: opts.dataDir,
      minFreeBytes: opts.minFreeDiskBytes ?? 0,
      registry: metrics.registry,
      logger,
    }));
    const recordings = (this.recordings = new MediaRecordingService(this.ctx, {
      dataDir: opts.dataDir,
      finalize: (dir) => finalizeRecording({ ffmpegPath: resolveFfmpegPath(opts.ffmpegPath), dir }),
      // the composer joins a named room by opening it; the recording names that room from the start
      resolveRoom: async (nameOrSid) => roomSidIfSid(nameOrSid) ?? (await rooms.openForJoin(nameOrSid)).sid,
      onFinished: (status) => metrics.recordingsFinished.inc({ status }),
    }));
    const processors = (this.processors = new MediaProcessorService(this.ctx, streamers, {
      dispatcher: this.media.dispatcher,
      recordings,
      admit: () => diskFloor.admit('media-processor'),
    }));
    registerMediaMetrics(metrics.registry, { dispatcher: this.media.dispatcher, processorWorkers: () => processors.workers() });
    diskFloor.watch(
      () => processors.recordingNow,
      () => processors.endRecordings('disk-space-low'),
    );
    // a streamer ended on its own stops being fed; its processor's other outputs go on
    this.events.on('playerStreamerEnded', (s) => processors.outputEnded(s));
    this.grants = new PlaybackGrantService(this.ctx);
    this.maxDuration = new MaxDurationEnforcer(this.ctx, streamers, processors);
    const baseUrl = baseUrlResolver(opts.publicUrl);
    this.playback = new PlaybackService({
      ...opts.playback,
      ctx: this.ctx,
      dataDir: opts.dataDir,
      credentials: opts.credentials,
      metrics,
      logger,
      jwks: () => this.grants.jwks(),
      baseUrl,
      budgets: opts.budgets?.playback,
    });
    this.hostPolicy = new HostPolicy({
      bindHost: opts.host,
      publicUrl: opts.publicUrl,
      interfaceAddresses: () => Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)),
    });
    const app = createApp({
      rest: {
        store: this.store,
        rooms,
        participants,
        streamers,
        processors,
        recordings,
        grants: this.grants,
        baseUrl,
      },
      playback: this.playback.origin.handle,
      restBudgets: this.restBudgets,
      credentials: opts.credentials,
      logger,
      metrics,
      isReady: () => this.ready,
      demoDir: opts.demoDir,
      composerDir: fileURLToPath(composerPageUrl),
      hostPolicy: this.hostPolicy,
      // workers elsewhere push what they package here (media plane on Redis only)
      originIngest: opts.redisUrl
        ? createOriginIngest({
            streamDir: (sid) => streamDir(opts.dataDir, sid),
            recordingDir: (sid) => recordingDir(opts.dataDir, sid),
            authorize: (req) => {
              const given = parseBasicAuth(req.headers.authorization);
              return given !== undefined && checkCredentials(opts.credentials, given.user, given.pass);
            },
          })
        : undefined,
      exposed: !isLoopbackBind(opts.host),
      publicUrl: opts.publicUrl,
    });
    this.http = createServer(app);
    this.http.on(
      'upgrade',
      upgradeDispatcher(
        [
          // a foreign Host is refused (400) before any handler reads the request
          (req, socket) => !acceptUpgradeHost(this.hostPolicy, req, socket),
          (req, socket, head) => this.roomServer.handleUpgrade(req, socket, head),
        ],
        logger,
      ),
    );
    answerClientErrors(this.http, logger);
    refuseConnect(this.http);
    this.http.keepAliveTimeout = 5_000;
  }

  /** Starts listening; resolves with the bound address. */
  async start(): Promise<AddressInfo> {
    await this.grants.init();
    await this.maxDuration.start();
    await this.lifecycle.start();
    // files of streams that ended longer ago than the retention go now, then periodically
    await this.playback.start();
    // the composer's sandbox reported; Chromium profiles that crashed servers left are swept;
    // the embedded worker's ingest listener opens
    await this.media.prepare();
    const http = this.http!;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.opts.port, this.opts.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.hostPolicy.addBoundAddress((http.address() as AddressInfo).address);
    // Redis reached and the embedded worker taking jobs (the composer page is served now);
    // Chromium kept ready for the next media processor
    await this.media.start();
    // jobs still running on workers are followed again; the others (a crash took them) end
    await this.processors.reattachRunning();
    // recordings a crash left processing (their processor is not running any more): their
    // pieces are joined (or they fail) now
    await this.recordings.recover();
    // their playlists were left live: ended now, so their viewers reach the end
    await this.playback.sealStalePlaylists();
    this.ready = true;
    return http.address() as AddressInfo;
  }

  /** This server as Chromium on the same machine reaches it. */
  private localUrl(): string {
    const address = this.http?.address();
    if (!address || typeof address === 'string') throw new Error('the server is not listening');
    const wildcard = address.address === '0.0.0.0' || address.address === '::';
    const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Graceful stop: refuse new work, finish requests, drain callbacks, close the store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.ready = false;
      this.maxDuration.close();
      this.diskFloor.close();
      this.lifecycle.close();
      this.playback.close();
      this.restBudgets.close();
      // embedded: every processor ends with the server (jobs stopped, playlists finalised);
      // on Redis they go on running on the workers, and the next start follows them again
      if (!this.media.distributed) {
        await this.processors.endAllRunning('internal-service-error').catch((err) =>
          this.opts.logger.error({ err }, 'ending media processors failed'),
        );
      }
      await this.media.close();
      // what the jobs reported last is recorded (recordings finalised) before the store closes
      await this.processors.settled();
      await this.roomServer.close();
      const http = this.http;
      if (http) {
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeIdleConnections();
          setTimeout(() => http.closeAllConnections(), 5_000).unref();
        });
      }
      await this.callbacks.close(5_000);
      this.events.removeAllListeners();
      await this.store.close();
      this.opts.logger.info('onair stopped');
    })();
    return this.closing;
  }
}
