import { TokenError } from './errors.js';
import { isIntegerInRange, isNonEmptyString, isRecord } from './guards.js';
import type { PlaybackGrantSource } from './playback-grant-cache.js';
import { PlaybackGrantRequestError } from './playback-grant-cache-errors.js';
import { MAX_PLAYBACK_GRANT_TTL } from './playback-grant-claims.js';

/**
 * The shape of the official `twilio` client that a source uses, declared here so that
 * this package does not depend on twilio: `twilio(user, pass, …)` fits as it is.
 */
export interface TwilioPlaybackGrantClient {
  media: {
    v1: {
      playerStreamer(sid: string): {
        playbackGrant(): {
          create(params: { ttl?: number; accessControlAllowOrigin?: string }): Promise<{ grant: unknown }>;
        };
      };
    };
  };
}

export interface TwilioPlaybackGrantSourceOptions {
  streamerSid: string;
  /** Grant lifetime asked for, seconds; default 60 (the maximum). */
  ttl?: number;
  accessControlAllowOrigin?: string | string[];
}

/**
 * A PlaybackGrantSource that asks through the official twilio library:
 * `client.media.v1.playerStreamer(sid).playbackGrant().create({ttl})`. The library's
 * RestException becomes PlaybackGrantRequestError ERR_GRANT_REFUSED with its Twilio
 * `code`; anything else it throws becomes ERR_GRANT_UNREACHABLE.
 */
export function twilioPlaybackGrantSource(
  client: TwilioPlaybackGrantClient,
  options: TwilioPlaybackGrantSourceOptions,
): PlaybackGrantSource {
  const { streamerSid, accessControlAllowOrigin } = options ?? {};
  const ttl = options?.ttl ?? MAX_PLAYBACK_GRANT_TTL;
  if (typeof client?.media?.v1?.playerStreamer !== 'function') {
    throw TokenError.options('client must be a twilio client (client.media.v1.playerStreamer)');
  }
  if (!isNonEmptyString(streamerSid)) throw TokenError.options('streamerSid must be a non-empty string');
  if (!isIntegerInRange(ttl, 1, MAX_PLAYBACK_GRANT_TTL)) {
    throw TokenError.options(`ttl must be an integer number of seconds from 1 to ${MAX_PLAYBACK_GRANT_TTL}`);
  }
  const params: { ttl: number; accessControlAllowOrigin?: string } = { ttl };
  if (accessControlAllowOrigin !== undefined) params.accessControlAllowOrigin = [accessControlAllowOrigin].flat().join(',');

  return async () => {
    try {
      return await client.media.v1.playerStreamer(streamerSid).playbackGrant().create({ ...params });
    } catch (error) {
      throw fromTwilioError(error);
    }
  };
}

/** twilio's RestException carries `status` (HTTP) and `code`/`moreInfo` from the error body. */
function fromTwilioError(error: unknown): PlaybackGrantRequestError {
  const fields = isRecord(error) ? error : {};
  const status = fields['status'];
  if (typeof status === 'number' && status >= 400) return PlaybackGrantRequestError.fromRest(status, fields);
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return PlaybackGrantRequestError.unreachable(`PlaybackGrant request failed${detail}`, error);
}
