/**
 * The server's playback origin (`@onair/player-streamer`): access tokens verified with this
 * server's API key, grants with its signing keys, streamers from the store, HLS from
 * `<dataDir>/streams`, viewer counts and refusals into metrics, and the retention sweep.
 */
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Request } from 'express';
import { createLocalJWKSet, type JWK } from 'jose';
import type { Logger } from 'pino';
import { PlaybackOrigin, StreamRetention, sealStalePlaylists, type GrantKeys, type PlaybackBudgetOptions } from '@onair/player-streamer';
import type { Credentials } from '../config/credentials.js';
import type { BaseUrlResolver } from '../http/urls.js';
import type { Metrics } from '../metrics.js';
import type { ServiceContext } from '../services/context.js';
import { loadSessionKey } from './session-key.js';

export interface PlaybackSettings {
  /** how long HLS files of ended streamers are kept, ms (default 1 h) */
  retentionMs?: number | undefined;
  /** live sessions per streamer; undefined = unlimited */
  maxViewers?: number | undefined;
  /** seconds without a request before a session lapses (default 30) */
  idleTimeoutSeconds?: number | undefined;
  /** sessions per address and per access token, held requests (defaults: PLAYBACK_BUDGET_DEFAULTS) */
  budgets?: Partial<PlaybackBudgetOptions> | undefined;
}

export const PLAYBACK_SETTINGS_DEFAULTS = { retentionMs: 3_600_000 } as const;

export interface PlaybackServiceOptions extends PlaybackSettings {
  ctx: ServiceContext;
  dataDir: string;
  credentials: Credentials;
  metrics: Metrics;
  logger: Logger;
  jwks: () => { keys: Record<string, unknown>[] };
  baseUrl: BaseUrlResolver;
}

export const streamsDir = (dataDir: string) => join(dataDir, 'streams');

export class PlaybackService {
  readonly origin: PlaybackOrigin;
  readonly retention: StreamRetention;
  readonly #seal: () => Promise<string[]>;

  constructor(opts: PlaybackServiceOptions) {
    const { ctx, credentials, metrics, logger } = opts;
    const storageDir = streamsDir(opts.dataDir);
    this.origin = new PlaybackOrigin({
      storageDir,
      sessionKey: loadSessionKey(opts.dataDir),
      resolveSecret: (sid) => (sid === credentials.apiKeySid ? credentials.apiSecret : undefined),
      accountSid: credentials.accountSid,
      grantKeys: cachedKeySet(() => opts.jwks().keys as JWK[]),
      findStreamer: async (sid) => {
        const s = await ctx.store.playerStreamers.get(sid);
        return s && { status: s.status, latencyMode: s.latencyMode };
      },
      baseUrl: (req: IncomingMessage) => opts.baseUrl(req as Request),
      idleTimeoutSeconds: opts.idleTimeoutSeconds,
      maxViewersPerStreamer: opts.maxViewers,
      now: ctx.clock,
      ...(opts.budgets ? { budgets: opts.budgets } : {}),
    });
    this.origin.viewers.on('viewers', (streamer, count) => metrics.playbackViewers.set({ streamer }, count));
    this.origin.viewers.on('streamerForgotten', (streamer) => metrics.playbackViewers.remove({ streamer }));
    this.origin.onRefusal((refusal) => {
      metrics.playbackRefusals.inc({ code: String(refusal.code) });
      if (refusal.budget) metrics.budgetRefusals.inc({ budget: refusal.budget });
    });
    metrics.playbackHeld.requests = () => this.origin.held.requests;
    ctx.events.on('playerStreamerEnded', (s) => this.origin.viewers.streamerEnded(s.sid));

    this.#seal = () =>
      sealStalePlaylists({
        storageDir,
        isActive: async (sid) => {
          const s = await ctx.store.playerStreamers.get(sid);
          return s !== undefined && (s.status === 'created' || s.status === 'started');
        },
        onError: (err, sid) => logger.error({ err, playerStreamerSid: sid }, 'could not end the playlist of an ended stream'),
      });

    this.retention = new StreamRetention({
      storageDir,
      retentionMs: opts.retentionMs ?? PLAYBACK_SETTINGS_DEFAULTS.retentionMs,
      now: ctx.clock,
      endedAt: async (sid) => {
        const s = await ctx.store.playerStreamers.get(sid);
        if (!s) return undefined;
        return s.status === 'ended' || s.status === 'failed' ? s.dateUpdated : null;
      },
      onRemoved: (sid) => logger.info({ playerStreamerSid: sid }, 'stream files removed after retention'),
      onError: (err, sid) => logger.error({ err, playerStreamerSid: sid }, 'could not remove stream files'),
    });
  }

  /**
   * Seals (EXT-X-ENDLIST) the playlists an earlier run left live: call at start, once the
   * processors it left running are ended and before any new job runs. Viewers whose
   * sessions survived the restart then reach the end instead of waiting.
   */
  sealStalePlaylists(): Promise<string[]> {
    return this.#seal();
  }

  /** Sweeps expired stream files once, then periodically. */
  async start(): Promise<void> {
    await this.retention.start();
  }

  close(): void {
    this.retention.close();
    this.origin.close();
  }
}

/** A jose key set over the current JWKS, rebuilt only when the keys change (keys are imported once). */
function cachedKeySet(keys: () => JWK[]): () => GrantKeys {
  let json = '';
  let set: GrantKeys = [];
  return () => {
    const current = keys();
    const now = JSON.stringify(current);
    if (now !== json) {
      json = now;
      set = createLocalJWKSet({ keys: current });
    }
    return set;
  };
}
