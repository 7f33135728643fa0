/** Options of the playback origin, their defaults (one object) and their validation (once). */
import type { IncomingMessage } from 'node:http';
import type { LatencyMode } from '@onair/protocol';
import type { VerifyPlaybackGrantOptions } from '@onair/tokens';
import type { PlaybackBudgetOptions } from './budgets.js';

/** A public JWK (as in the server's JWKS). */
export type PublicJwk = Extract<VerifyPlaybackGrantOptions['keys'], unknown[]>[number];
/** The grant keys: a list of public JWKs, or a (cached) jose key resolver over them. */
export type GrantKeys = VerifyPlaybackGrantOptions['keys'];

/** What the origin needs to know about a PlayerStreamer. */
export interface StreamerInfo {
  status: 'created' | 'started' | 'ended' | 'failed';
  /** how the stream is packaged; handed to the player in the session response */
  latencyMode: LatencyMode;
}

export interface PlaybackOriginOptions {
  /** Directory holding one `<VJ…>/` directory of HLS files per streamer. */
  storageDir: string;
  /** HMAC key of session tokens (≥ 32 bytes), persisted by the server so sessions survive restarts. */
  sessionKey: Uint8Array;
  /** Secret of an API key SID (access tokens are HS256 with it), undefined when unknown. */
  resolveSecret(apiKeySid: string): string | undefined | Promise<string | undefined>;
  /** When given, access tokens and grants must belong to this account. */
  accountSid?: string;
  /**
   * The public keys grants are signed with (the server's JWKS): a list of JWKs, or a jose
   * resolver such as `createLocalJWKSet(jwks)` (cheaper: keys are imported once).
   */
  grantKeys(): GrantKeys;
  /** The streamer's state, undefined when there is no such streamer. */
  findStreamer(streamerSid: string): Promise<StreamerInfo | undefined>;
  /** The base URL viewers reach this server at (`playlistUrl` is built on it). */
  baseUrl(req: IncomingMessage): string;
  /** Seconds without a request after which a session lapses (default 30). */
  idleTimeoutSeconds?: number;
  /** Live sessions allowed per streamer; undefined = unlimited. */
  maxViewersPerStreamer?: number | undefined;
  /** Clock in ms since the epoch (tests move it). */
  now?: () => number;
  /** Bytes of stream files kept in memory (default 64 MiB); every viewer asks for the same few files. */
  cacheBytes?: number;
  /** Budgets of clients (budgets.ts); each missing one has its default (PLAYBACK_BUDGET_DEFAULTS). */
  budgets?: Partial<PlaybackBudgetOptions>;
}

export const PLAYBACK_ORIGIN_DEFAULTS = {
  idleTimeoutSeconds: 30,
  now: (): number => Date.now(),
  cacheBytes: 64 * 1024 * 1024,
  /** tolerance for access token and grant expiry, seconds (ARCHITECTURE.md: at most 1 s for grants) */
  clockToleranceSeconds: 1,
} as const;

export type ResolvedPlaybackOriginOptions = Required<Omit<PlaybackOriginOptions, 'accountSid' | 'maxViewersPerStreamer' | 'budgets'>> &
  Pick<PlaybackOriginOptions, 'accountSid' | 'maxViewersPerStreamer' | 'budgets'>;

export function resolvePlaybackOriginOptions(options: PlaybackOriginOptions): ResolvedPlaybackOriginOptions {
  const idle = options.idleTimeoutSeconds ?? PLAYBACK_ORIGIN_DEFAULTS.idleTimeoutSeconds;
  if (!(typeof idle === 'number' && Number.isFinite(idle) && idle > 0)) {
    throw new TypeError(`idleTimeoutSeconds must be a number of seconds > 0, got ${String(idle)}`);
  }
  const max = options.maxViewersPerStreamer;
  if (max !== undefined && !(Number.isSafeInteger(max) && max >= 1)) {
    throw new TypeError(`maxViewersPerStreamer must be a whole number ≥ 1, got ${String(max)}`);
  }
  if (typeof options.storageDir !== 'string' || options.storageDir === '') throw new TypeError('storageDir is required');
  return {
    ...options,
    idleTimeoutSeconds: idle,
    now: options.now ?? PLAYBACK_ORIGIN_DEFAULTS.now,
    cacheBytes: options.cacheBytes ?? PLAYBACK_ORIGIN_DEFAULTS.cacheBytes,
  };
}
