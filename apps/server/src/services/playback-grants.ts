/** PlaybackGrants: short-lived ES256 grant JWTs bound to one PlayerStreamer. */
import { ErrorCode, Limits, type PlaybackGrantPayload } from '@onair/protocol';
import type { JWK } from 'jose';
import { generateSigningKey, signPlaybackGrantJwt, type SigningKey } from '@onair/tokens';
import { ApiError } from './api-error.js';
import type { PlaybackGrant, PlayerStreamer } from '../store/records.js';
import type { ServiceContext } from './context.js';
import { isActiveStreamer } from './player-streamers.js';

export interface CreateGrantInput {
  ttl?: number;
  allowedOrigins: string[];
  /** base URL of this server as the client sees it */
  baseUrl: string;
}

export class PlaybackGrantService {
  private keys: SigningKey[] = [];

  constructor(private readonly ctx: ServiceContext) {}

  /** Loads the persisted signing keys, creating the first one when there is none. */
  async init(): Promise<void> {
    const stored = await this.ctx.store.signingKeys.list();
    if (stored.length === 0) {
      const key = await generateSigningKey(new Date(this.ctx.clock()));
      await this.ctx.store.signingKeys.insert(key);
      this.keys = [key];
      this.ctx.logger.info({ kid: key.kid }, 'playback grant signing key created');
    } else {
      this.keys = stored.map((k) => ({ ...k, privateJwk: k.privateJwk as JWK, publicJwk: k.publicJwk as JWK }));
    }
  }

  /** Public keys for /.well-known/jwks.json. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.keys.map((k) => ({ ...k.publicJwk })) };
  }

  async create(streamer: PlayerStreamer, input: CreateGrantInput): Promise<PlaybackGrant> {
    if (!isActiveStreamer(streamer)) {
      throw new ApiError(
        409,
        ErrorCode.Conflict,
        `PlayerStreamer ${streamer.sid} is ${streamer.status}; playback grants are only issued for created or started streamers`,
      );
    }
    const key = this.keys[0];
    if (!key) throw new Error('PlaybackGrantService.init() was not called');
    const ttl = input.ttl ?? Limits.playbackGrantTtlDefault;
    const now = this.ctx.clock();
    const jwt = await signPlaybackGrantJwt({
      key,
      streamerSid: streamer.sid,
      accountSid: this.ctx.accountSid,
      issuer: input.baseUrl,
      ttl,
      allowedOrigins: input.allowedOrigins,
      now: new Date(now),
    });
    const jti = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')).jti as string;
    const grant: PlaybackGrant = {
      sid: jti,
      accountSid: this.ctx.accountSid,
      streamerSid: streamer.sid,
      dateCreated: now,
      dateUpdated: now,
      ttl,
      allowedOrigins: input.allowedOrigins,
      playbackUrl: `${input.baseUrl}/playback/${streamer.sid}?token=${jwt}`,
      expiresAt: now + ttl * 1000,
    };
    await this.ctx.store.playbackGrants.insert(grant);
    return grant;
  }

  async latest(streamer: PlayerStreamer): Promise<PlaybackGrant> {
    const g = await this.ctx.store.playbackGrants.latestForStreamer(streamer.sid);
    if (!g) throw ApiError.notFound(`/v1/PlayerStreamers/${streamer.sid}/PlaybackGrant`);
    return g;
  }
}

export function grantPayload(g: PlaybackGrant): PlaybackGrantPayload {
  return { playbackUrl: g.playbackUrl, playerStreamerSid: g.streamerSid, requestCredentials: null };
}
