import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { TokenError } from './errors.js';
import { epochSeconds, isValidDate } from './time.js';

/** Algorithm of playback grant JWTs and their signing keys. */
export const PLAYBACK_GRANT_ALGORITHM = 'ES256';

/** An ES256 key pair the server signs playback grant JWTs with. */
export interface SigningKey {
  /** RFC 7638 JWK thumbprint (SHA-256) of the public key. */
  kid: string;
  privateJwk: JWK;
  /** Publishable in a JWKS: carries kid, alg "ES256" and use "sig". */
  publicJwk: JWK;
  /** Creation time, epoch seconds. */
  createdAt: number;
}

/** Generates an extractable P-256 (ES256) signing key identified by its thumbprint. */
export async function generateSigningKey(now: Date = new Date()): Promise<SigningKey> {
  if (!isValidDate(now)) throw TokenError.options('now must be a valid Date');
  const { publicKey, privateKey } = await generateKeyPair(PLAYBACK_GRANT_ALGORITHM, { extractable: true });
  const [publicJwk, privateJwk] = await Promise.all([exportJWK(publicKey), exportJWK(privateKey)]);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const metadata = { kid, alg: PLAYBACK_GRANT_ALGORITHM, use: 'sig' };
  return {
    kid,
    privateJwk: { ...privateJwk, ...metadata },
    publicJwk: { ...publicJwk, ...metadata },
    createdAt: epochSeconds(now),
  };
}
