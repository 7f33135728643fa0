/** Twilio Video grant (`grants.video`). */
export interface VideoGrant {
  room?: string;
  /**
   * onair extension (as LiveKit's VideoGrant.hidden): the holder may join as a hidden
   * participant, one that receives everyone's tracks and is seen by no one (the composer).
   * Twilio's VideoGrant never sets it.
   */
  hidden?: boolean;
}

/** Twilio Live PlaybackGrant payload (AccessToken.PlaybackGrant's `grant`). */
export interface PlayerGrant {
  playbackUrl: string;
  playerStreamerSid: string;
  requestCredentials: unknown;
}

/** The `grants` claim of a Twilio access token. */
export interface AccessTokenGrants {
  identity?: string;
  video?: VideoGrant;
  player?: PlayerGrant;
  [key: string]: unknown;
}

/** HMAC algorithms Twilio access tokens may be signed with. */
export type AccessTokenAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** Every accepted access token algorithm; verification is pinned to these. */
export const ACCESS_TOKEN_ALGORITHMS: readonly AccessTokenAlgorithm[] = Object.freeze([
  'HS256',
  'HS384',
  'HS512',
]);

/** `cty` header value of Twilio access tokens ("Twilio First Party Auth"). */
export const ACCESS_TOKEN_CONTENT_TYPE = 'twilio-fpa;v=1';

/** Default and maximum access token lifetime, in seconds. */
export const DEFAULT_ACCESS_TOKEN_TTL = 3600;
export const MAX_ACCESS_TOKEN_TTL = 86400;

export function isAccessTokenAlgorithm(value: unknown): value is AccessTokenAlgorithm {
  return typeof value === 'string' && (ACCESS_TOKEN_ALGORITHMS as readonly string[]).includes(value);
}
