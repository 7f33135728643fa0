import { SignJWT, base64url, importJWK } from 'jose';
import { createAccessToken, generateSigningKey, signPlaybackGrantJwt, type SigningKey } from '@onair/tokens';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { PlayerError } from '../errors.js';
import { checkPlayerGrant, isOriginRestricted } from './check-grant.js';
import type { JwksLoader } from './jwks-loader.js';

const SERVER = 'https://onair.example';
const STREAMER = 'VJ' + '0'.repeat(32);
const OTHER_STREAMER = 'VJ' + '1'.repeat(32);
const ACCOUNT = 'AC' + 'a'.repeat(32);
const NOW = new Date('2026-11-22T10:00:00Z');

let key: SigningKey;
let otherKey: SigningKey;

beforeAll(async () => {
  key = await generateSigningKey(NOW);
  otherKey = await generateSigningKey(NOW);
});

/** The server's JWKS with the server's clock at `serverNow`. */
function jwks(serverNow: Date, deviceNow: number, keys = [key]): JwksLoader {
  return vi.fn(async () => ({ keys: keys.map((k) => k.publicJwk), clockOffsetMs: serverNow.getTime() - deviceNow }));
}

async function grantJwt(opts: { ttl?: number; now?: Date; streamer?: string; origins?: string[]; key?: SigningKey } = {}) {
  return signPlaybackGrantJwt({
    key: opts.key ?? key,
    streamerSid: opts.streamer ?? STREAMER,
    accountSid: ACCOUNT,
    issuer: SERVER,
    ttl: opts.ttl ?? 15,
    allowedOrigins: opts.origins ?? ['*'],
    now: opts.now ?? NOW,
  });
}

async function accessToken(jwt: string, playerStreamerSid = STREAMER, streamerInUrl = STREAMER) {
  return createAccessToken({
    accountSid: ACCOUNT,
    apiKeySid: 'SK' + 'b'.repeat(32),
    apiSecret: 'secret',
    identity: 'viewer',
    player: { playbackUrl: `${SERVER}/playback/${streamerInUrl}?token=${jwt}`, playerStreamerSid, requestCredentials: null },
  });
}

/** Signs arbitrary grant claims with the real key (what the server never issues). */
async function rawJwt(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const privateKey = await importJWK(key.privateJwk, 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid, ...header }).sign(privateKey);
}

const iat = Math.floor(NOW.getTime() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: SERVER,
  sub: STREAMER,
  acc: ACCOUNT,
  iat,
  exp: iat + 15,
  jti: 'j1',
  origins: ['*'],
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<PlayerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlayerError);
  return error as PlayerError;
}

describe('checkPlayerGrant', () => {
  test('accepts a good grant and reads the JWKS next to the issuer', async () => {
    const loadJwks = jwks(NOW, NOW.getTime());
    const token = await accessToken(await grantJwt({ origins: ['https://a.example'] }));
    const grant = await checkPlayerGrant(token, { loadJwks, now: () => NOW.getTime() + 3_000 });
    expect(grant.playerStreamerSid).toBe(STREAMER);
    expect(grant.claims.sub).toBe(STREAMER);
    expect(grant.claims.origins).toStrictEqual(['https://a.example']);
    expect(isOriginRestricted(grant.claims)).toBe(true);
    expect(loadJwks).toHaveBeenCalledWith(`${SERVER}/.well-known/jwks.json`);
  });

  test('checks expiry on the server clock, not the device clock', async () => {
    const token = await accessToken(await grantJwt({ ttl: 10 }));
    // the device clock is an hour fast, the server's is 2 s after issue: valid
    const fastDevice = NOW.getTime() + 3_600_000;
    const ok = await checkPlayerGrant(token, { loadJwks: jwks(new Date(iat * 1000 + 2_000), fastDevice), now: () => fastDevice });
    expect(ok.clockOffsetMs).toBe(-3_598_000);
    // the device clock says issue time, the server's says 30 s later: expired
    const device = NOW.getTime();
    const error = await refusal(
      checkPlayerGrant(token, { loadJwks: jwks(new Date(iat * 1000 + 30_000), device), now: () => device }),
    );
    expect(error.code).toBe(20101);
    expect(error.message).toMatch(/expired/);
  });

  test.each([
    ['alg none', async () => `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: key.kid }))}.${base64url.encode(JSON.stringify(claims()))}.`, /signed with ES256 \(found "none"\)/],
    ['HS256', async () => new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(new Uint8Array(32)), /signed with ES256/],
    ['Ttl above 60', () => rawJwt(claims({ exp: iat + 61 })), /lifetime of 61 s exceeds the maximum of 60 s/],
    ['another streamer in the JWT', () => grantJwt({ streamer: OTHER_STREAMER }), /different PlayerStreamer/],
    ['no kid', () => rawJwt(claims(), { kid: undefined }), /no "kid"/],
    ['another issuer', () => rawJwt(claims({ iss: 'https://evil.example' })), /issuer does not match/],
  ])('refuses %s before loading any key', async (_name, jwt, message) => {
    const loadJwks = jwks(NOW, NOW.getTime());
    const error = await refusal(checkPlayerGrant(await accessToken(await jwt()), { loadJwks, now: () => NOW.getTime() }));
    expect(error.code).toBe(20101);
    expect(error.message).toMatch(message);
    expect(loadJwks).not.toHaveBeenCalled();
  });

  test.each([
    ['a forged signature (another key, same kid)', async () => {
      const forged = await generateSigningKey(NOW);
      return grantJwt({ key: { ...forged, kid: key.kid, privateJwk: { ...forged.privateJwk, kid: key.kid } } });
    }, /signature is invalid/],
    ['an unknown kid', () => grantJwt({ key: otherKey }), /unknown key/],
    ['a tampered payload', async () => {
      const [h, , s] = (await grantJwt()).split('.');
      return `${h}.${base64url.encode(JSON.stringify(claims({ origins: ['https://evil.example'] })))}.${s}`;
    }, /signature is invalid/],
    ['a missing claim', () => rawJwt(claims({ jti: undefined })), /"jti"/],
  ])('refuses %s after checking the JWKS', async (_name, jwt, message) => {
    const loadJwks = jwks(NOW, NOW.getTime());
    const error = await refusal(checkPlayerGrant(await accessToken(await jwt()), { loadJwks, now: () => NOW.getTime() }));
    expect(error.code).toBe(20101);
    expect(error.message).toMatch(message);
    expect(loadJwks).toHaveBeenCalledOnce();
  });

  test.each([
    ['not a token', async () => 'nope', /malformed/],
    ['an empty token', async () => '', /required/],
    ['no player grant', () => createAccessToken({ accountSid: ACCOUNT, apiKeySid: 'SK' + 'b'.repeat(32), apiSecret: 's', video: {} }), /no player grant/],
    ['a playerStreamerSid other than the grant JWT', async () => accessToken(await grantJwt(), OTHER_STREAMER, OTHER_STREAMER), /different PlayerStreamer/],
    ['a playbackUrl for another streamer', async () => accessToken(await grantJwt(), STREAMER, OTHER_STREAMER), /does not point at PlayerStreamer/],
    ['a playbackUrl without token', () => createAccessToken({ accountSid: ACCOUNT, apiKeySid: 'SK' + 'b'.repeat(32), apiSecret: 's', player: { playbackUrl: `${SERVER}/playback/${STREAMER}`, playerStreamerSid: STREAMER, requestCredentials: null } }), /no "token" parameter/],
  ])('refuses an access token with %s', async (_name, token, message) => {
    const loadJwks = jwks(NOW, NOW.getTime());
    const error = await refusal(checkPlayerGrant(await token(), { loadJwks }));
    expect(error.code).toBe(20101);
    expect(error.message).toMatch(message);
    expect(loadJwks).not.toHaveBeenCalled();
  });

  test('a JWKS that cannot be loaded is a network error, not a bad grant', async () => {
    const loadJwks: JwksLoader = async () => {
      throw PlayerError.network('down');
    };
    const error = await refusal(checkPlayerGrant(await accessToken(await grantJwt()), { loadJwks }));
    expect(error.code).toBe(20503);
  });
});
