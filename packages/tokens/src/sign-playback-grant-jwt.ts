import { SignJWT, base64url, importJWK, type JWK } from 'jose';
import { normalizeOriginList } from './allowed-origins.js';
import { TokenError } from './errors.js';
import { isIntegerInRange, isNonEmptyString, isRecord } from './guards.js';
import { MAX_PLAYBACK_GRANT_TTL, type PlaybackGrantJwtClaims } from './playback-grant-claims.js';
import { PLAYBACK_GRANT_ALGORITHM, type SigningKey } from './signing-key.js';
import { epochSeconds, isValidDate } from './time.js';

export interface SignPlaybackGrantJwtOptions {
  key: SigningKey;
  /** PlayerStreamer SID (VJ…), becomes `sub`. */
  streamerSid: string;
  accountSid: string;
  /** The server's public base URL, becomes `iss`. */
  issuer: string;
  /** Lifetime in seconds, integer 1..60. */
  ttl: number;
  /** Origins allowed to play; ["*"] = any. */
  allowedOrigins: string[];
  now?: Date;
}

const importedKeys = new WeakMap<JWK, CryptoKey>();

/** Signs the short-lived ES256 grant JWT that goes into a PlaybackGrant's playbackUrl (`?token=`). */
export async function signPlaybackGrantJwt(opts: SignPlaybackGrantJwtOptions): Promise<string> {
  const { key, streamerSid, accountSid, issuer, ttl, allowedOrigins } = opts;
  const now = opts.now ?? new Date();
  if (!isRecord(key) || !isNonEmptyString(key.kid) || !isRecord(key.privateJwk)) {
    throw TokenError.options('key must be a SigningKey with a kid and a privateJwk');
  }
  if (!isNonEmptyString(streamerSid)) throw TokenError.options('streamerSid must be a non-empty string');
  if (!isNonEmptyString(accountSid)) throw TokenError.options('accountSid must be a non-empty string');
  if (!isNonEmptyString(issuer)) throw TokenError.options('issuer must be a non-empty string');
  if (!isIntegerInRange(ttl, 1, MAX_PLAYBACK_GRANT_TTL)) {
    throw TokenError.options(
      `ttl must be an integer number of seconds from 1 to ${MAX_PLAYBACK_GRANT_TTL}, got ${String(ttl)}`,
    );
  }
  if (!Array.isArray(allowedOrigins)) throw TokenError.grantOrigins('allowedOrigins must be an array');
  if (!isValidDate(now)) throw TokenError.options('now must be a valid Date');

  const origins = normalizeOriginList(allowedOrigins, 'allowedOrigins');
  const privateKey = await importPrivateKey(key.privateJwk);
  const iat = epochSeconds(now);
  const claims: PlaybackGrantJwtClaims = {
    iss: issuer,
    sub: streamerSid,
    acc: accountSid,
    iat,
    exp: iat + ttl,
    jti: randomJti(),
    origins,
  };
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: PLAYBACK_GRANT_ALGORITHM, typ: 'JWT', kid: key.kid })
    .sign(privateKey);
}

async function importPrivateKey(jwk: JWK): Promise<CryptoKey> {
  const cached = importedKeys.get(jwk);
  if (cached) return cached;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
    throw TokenError.options('key.privateJwk must be a P-256 (ES256) private key');
  }
  let imported: CryptoKey | Uint8Array;
  try {
    imported = await importJWK(jwk, PLAYBACK_GRANT_ALGORITHM);
  } catch (error) {
    throw TokenError.options('key.privateJwk could not be imported as an ES256 private key', error);
  }
  if (imported instanceof Uint8Array) throw TokenError.options('key.privateJwk must be an EC private key');
  importedKeys.set(jwk, imported);
  return imported;
}

/** 128 random bits, base64url. */
function randomJti(): string {
  return base64url.encode(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}
