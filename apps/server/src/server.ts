/**
 * Wiring of one onair server: store → services → REST → HTTP listener, with a graceful
 * close that stops timers, drains callbacks and closes the store.
 */
import { fileURLToPath } from 'node:url';
import { composerPageUrl } from '@onair/composer';
import { createServer, type Server } from 'node:http';
import { RoomServer } from '@onair/rooms';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { StatusCallbackSender } from './callbacks/sender.js';
import type { Credentials } from './config/credentials.js';
import { TypedEmitter } from './events.js';
import { createApp } from './http/app.js';
import { baseUrlResolver } from './http/urls.js';
import { createMetrics } from './metrics.js';
import type { ServerEvents, ServiceContext } from './services/context.js';
import { MaxDurationEnforcer } from './services/max-duration.js';
import { MediaProcessorService } from './services/media-processors.js';
import { ParticipantService } from './services/participants.js';
import { PlaybackGrantService } from './services/playback-grants.js';
import { PlayerStreamerService } from './services/player-streamers.js';
import { RoomService } from './services/rooms.js';
import type { Store } from './store/repository.js';
import { SqliteStore } from './store/sqlite/store.js';
import { ServerRoomsBackend } from './rooms/backend.js';
import type { IceConfig } from './rooms/ice-servers.js';
import { RoomLifecycle } from './rooms/lifecycle.js';

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

  constructor(private readonly opts: OnairServerOptions) {
    const logger = opts.logger;
    this.store = opts.store ?? SqliteStore.open(join(opts.dataDir, 'onair.sqlite'));
    this.callbacks = new StatusCallbackSender({ authToken: opts.credentials.authToken, logger });
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
    this.roomServer = new RoomServer(
      new ServerRoomsBackend(this.ctx, opts.credentials, rooms, participants, this.lifecycle, opts.ice ?? { servers: [] }),
      { logger },
    );
    // REST decisions reach live sessions
    this.events.on('participantDisconnected', (p) => this.roomServer.kick(p.sid));
    this.events.on('roomEnded', (room) => this.roomServer.closeRoom(room.sid));
    const streamers = new PlayerStreamerService(this.ctx);
    const processors = new MediaProcessorService(this.ctx, streamers);
    this.grants = new PlaybackGrantService(this.ctx);
    this.maxDuration = new MaxDurationEnforcer(this.ctx, streamers, processors);
    const app = createApp({
      rest: {
        store: this.store,
        rooms,
        participants,
        streamers,
        processors,
        grants: this.grants,
        baseUrl: baseUrlResolver(opts.publicUrl),
      },
      credentials: opts.credentials,
      logger,
      metrics: createMetrics(this.store),
      isReady: () => this.ready,
      demoDir: opts.demoDir,
      composerDir: fileURLToPath(composerPageUrl),
    });
    this.http = createServer(app);
    this.roomServer.attach(this.http);
    this.http.keepAliveTimeout = 5_000;
  }

  /** Starts listening; resolves with the bound address. */
  async start(): Promise<AddressInfo> {
    await this.grants.init();
    await this.maxDuration.start();
    await this.lifecycle.start();
    const http = this.http!;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.opts.port, this.opts.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.ready = true;
    return http.address() as AddressInfo;
  }

  /** Graceful stop: refuse new work, finish requests, drain callbacks, close the store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.ready = false;
      this.maxDuration.close();
      this.lifecycle.close();
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
