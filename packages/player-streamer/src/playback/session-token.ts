/**
 * Playback session tokens: unguessable, verifiable without state, bound to one streamer.
 *
 * `<payload>.<mac>`, both base64url: payload is JSON `{v, s, i, t, o}` (version, streamer
 * SID, 128-bit random session id, issued-at ms, the origin the session is bound to or "*"),
 * mac is HMAC-SHA256 over a domain label and the encoded payload, with a server key. Only the
 * characters [A-Za-z0-9_-.] appear, so a token is one URL path segment as it is.
 * The mac is checked (constant time) before the payload is parsed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SessionClaims {
  /** PlayerStreamer SID */
  streamerSid: string;
  /** 128 random bits, base64url */
  sessionId: string;
  /** ms since the epoch */
  issuedAt: number;
  /** the origin that opened it ("*": the grant allows any origin) */
  origin: string;
}

/** Keys shorter than this are refused. */
export const MIN_SESSION_KEY_BYTES = 32;
const LABEL = 'onair-playback-session.v1.';
const MAC_BYTES = 32;
const MAX_TOKEN_LENGTH = 1024;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,900}\.[A-Za-z0-9_-]{43}$/;

export class SessionTokens {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array) || key.length < MIN_SESSION_KEY_BYTES) {
      throw new TypeError(`the playback session key must be at least ${MIN_SESSION_KEY_BYTES} bytes`);
    }
    this.#key = Buffer.from(key);
  }

  /** A new session for `streamerSid`, bound to `origin`. */
  issue(streamerSid: string, origin: string, now: number): { token: string; claims: SessionClaims } {
    const claims: SessionClaims = { streamerSid, sessionId: randomBytes(16).toString('base64url'), issuedAt: Math.floor(now), origin };
    const payload = Buffer.from(
      JSON.stringify({ v: 1, s: claims.streamerSid, i: claims.sessionId, t: claims.issuedAt, o: claims.origin }),
    ).toString('base64url');
    return { token: `${payload}.${this.#mac(payload).toString('base64url')}`, claims };
  }

  /** The claims of a genuine token, else undefined (never throws on input). */
  verify(token: string): SessionClaims | undefined {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) return undefined;
    const dot = token.indexOf('.');
    const payload = token.slice(0, dot);
    const mac = token.slice(dot + 1);
    const given = Buffer.from(mac, 'base64url');
    // only the spelling that was issued: decoding ignores the last character's low bits
    if (given.length !== MAC_BYTES || given.toString('base64url') !== mac || !timingSafeEqual(given, this.#mac(payload))) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { v, s, i, t, o } = parsed as Record<string, unknown>;
    if (v !== 1 || typeof s !== 'string' || typeof i !== 'string' || typeof o !== 'string') return undefined;
    if (typeof t !== 'number' || !Number.isSafeInteger(t)) return undefined;
    return { streamerSid: s, sessionId: i, issuedAt: t, origin: o };
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(LABEL).update(payload).digest();
  }
}
