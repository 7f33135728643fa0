import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createAccessToken, type AccessTokenOptions } from './create-access-token.js';
import { TokenError, type TokenErrorCode } from './errors.js';
import { verifyAccessToken, type VerifyAccessTokenOptions } from './verify-access-token.js';

const ACCOUNT_SID = `AC${'a'.repeat(32)}`;
const API_KEY_SID = `SK${'b'.repeat(32)}`;
const OTHER_KEY_SID = `SK${'e'.repeat(32)}`;
const API_SECRET = 'verify-test-secret-0123456789abcd';
const NOW = new Date('2025-01-01T00:00:00Z');
const IAT = NOW.getTime() / 1000;
const TTL = 600;
const EXP = IAT + TTL;
const at = (seconds: number): Date => new Date(seconds * 1000);

const VERIFY: VerifyAccessTokenOptions = {
  resolveSecret: (sid) => (sid === API_KEY_SID ? API_SECRET : undefined),
  accountSid: ACCOUNT_SID,
  currentDate: NOW,
};

function mint(extra: Partial<AccessTokenOptions> = {}): Promise<string> {
  return createAccessToken({
    accountSid: ACCOUNT_SID,
    apiKeySid: API_KEY_SID,
    apiSecret: API_SECRET,
    identity: 'alice',
    ttl: TTL,
    now: NOW,
    video: { room: 'lobby' },
    ...extra,
  });
}

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

const TWILIO_HEADER = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' };
const CLAIMS = {
  jti: `${API_KEY_SID}-${IAT}`,
  grants: { identity: 'alice' },
  iat: IAT,
  exp: EXP,
  iss: API_KEY_SID,
  sub: ACCOUNT_SID,
};

/** Builds a compact JWT with any header and payload, HMAC-signed with the given secret and hash. */
function forge(header: unknown, payload: unknown, secret = API_SECRET, hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

async function failure(token: string, opts: VerifyAccessTokenOptions = VERIFY): Promise<TokenError> {
  const error = await verifyAccessToken(token, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  return error as TokenError;
}

describe('verifyAccessToken', () => {
  test('round trip returns the verified identity and grants', async () => {
    const token = await mint();
    await expect(verifyAccessToken(token, VERIFY)).resolves.toStrictEqual({
      accountSid: ACCOUNT_SID,
      apiKeySid: API_KEY_SID,
      identity: 'alice',
      grants: { identity: 'alice', video: { room: 'lobby' } },
      issuedAt: IAT,
      expiresAt: EXP,
      algorithm: 'HS256',
    });
  });

  test.each<[string, () => Promise<string>, Partial<VerifyAccessTokenOptions>, string]>([
    ['HS384', () => mint({ algorithm: 'HS384' }), {}, 'HS384'],
    ['HS512', () => mint({ algorithm: 'HS512' }), {}, 'HS512'],
    ['no identity', () => mint({ identity: undefined }), {}, 'HS256'],
    ['async resolveSecret', () => mint(), { resolveSecret: async () => API_SECRET }, 'HS256'],
    ['accountSid not enforced when omitted', () => mint({ accountSid: `AC${'f'.repeat(32)}` }), { accountSid: undefined }, 'HS256'],
    ['expired but within the 5 s tolerance', () => mint(), { currentDate: at(EXP + 4) }, 'HS256'],
    ['custom tolerance', () => mint(), { currentDate: at(EXP + 59), clockTolerance: 60 }, 'HS256'],
    ['nbf in the future but within tolerance', () => mint({ nbf: IAT + 5 }), {}, 'HS256'],
    ['nbf reached', () => mint({ nbf: IAT + 100 }), { currentDate: at(IAT + 100) }, 'HS256'],
    ['a lifetime of exactly 24 h', () => mint({ ttl: 86_400 }), {}, 'HS256'],
    ['24 h from an iat within the clock tolerance ahead', () => forge(TWILIO_HEADER, { ...CLAIMS, iat: IAT + 5, exp: IAT + 5 + 86_400 }), {}, 'HS256'],
    ['twilio-style token signed by a second key', () => mint({ apiKeySid: OTHER_KEY_SID, apiSecret: 'other-secret' }),
      { resolveSecret: (sid: string) => (sid === OTHER_KEY_SID ? 'other-secret' : undefined) }, 'HS256'],
  ])('accepts: %s', async (_name, make, extra, algorithm) => {
    const verified = await verifyAccessToken(await make(), { ...VERIFY, ...extra });
    expect(verified.algorithm).toBe(algorithm);
  });

  test.each<[string, () => Promise<string> | string, Partial<VerifyAccessTokenOptions>, TokenErrorCode]>([
    ['expired beyond tolerance', () => mint(), { currentDate: at(EXP + 5) }, 'ERR_TOKEN_EXPIRED'],
    ['expired with zero tolerance', () => mint(), { currentDate: at(EXP), clockTolerance: 0 }, 'ERR_TOKEN_EXPIRED'],
    ['nbf in the future', () => mint({ nbf: IAT + 6 }), {}, 'ERR_TOKEN_NOT_YET_VALID'],
    ['a lifetime over 24 h (exp - iat)', () => forge(TWILIO_HEADER, { ...CLAIMS, exp: IAT + 86_401 }), {}, 'ERR_TOKEN_LIFETIME'],
    ['a far-future exp', () => forge(TWILIO_HEADER, { ...CLAIMS, exp: IAT + 10 * 365 * 86_400 }), {}, 'ERR_TOKEN_LIFETIME'],
    ['a future iat stretching exp past 24 h from now', () => forge(TWILIO_HEADER, { ...CLAIMS, iat: IAT + 3600, exp: IAT + 3600 + 86_400 }), {}, 'ERR_TOKEN_LIFETIME'],
    ['wrong secret', () => mint({ apiSecret: 'not-the-right-secret' }), {}, 'ERR_TOKEN_SIGNATURE'],
    ['unknown issuer', () => mint({ apiKeySid: OTHER_KEY_SID }), {}, 'ERR_TOKEN_ISSUER'],
    ['resolveSecret returns an empty string', () => mint(), { resolveSecret: () => '' }, 'ERR_TOKEN_ISSUER'],
    ['wrong sub', () => mint({ accountSid: `AC${'f'.repeat(32)}` }), {}, 'ERR_TOKEN_ISSUER'],
    ['missing iss', () => forge(TWILIO_HEADER, { ...CLAIMS, iss: undefined }), {}, 'ERR_TOKEN_ISSUER'],
    ['missing sub', () => forge(TWILIO_HEADER, { ...CLAIMS, sub: undefined }), {}, 'ERR_TOKEN_ISSUER'],
    ['alg none, no signature', () => `${b64({ ...TWILIO_HEADER, alg: 'none' })}.${b64(CLAIMS)}.`, {}, 'ERR_TOKEN_HEADER'],
    ['alg none with an empty payload', () => `${b64({ alg: 'none' })}.${b64({})}.`, {}, 'ERR_TOKEN_HEADER'],
    ['alg none with a signature', () => forge({ ...TWILIO_HEADER, alg: 'none' }, CLAIMS), {}, 'ERR_TOKEN_HEADER'],
    ['alg RS256 forged over an HMAC signature', () => forge({ ...TWILIO_HEADER, alg: 'RS256' }, CLAIMS), {}, 'ERR_TOKEN_HEADER'],
    ['alg ES256 forged over an HMAC signature', () => forge({ ...TWILIO_HEADER, alg: 'ES256' }, CLAIMS), {}, 'ERR_TOKEN_HEADER'],
    ['alg missing', () => forge({ typ: 'JWT', cty: 'twilio-fpa;v=1' }, CLAIMS), {}, 'ERR_TOKEN_HEADER'],
    ['lower-case alg', () => forge({ ...TWILIO_HEADER, alg: 'hs256' }, CLAIMS), {}, 'ERR_TOKEN_HEADER'],
    ['header says HS512 but signed HS256', () => forge({ ...TWILIO_HEADER, alg: 'HS512' }, CLAIMS), {}, 'ERR_TOKEN_SIGNATURE'],
    ['typ missing', () => forge({ alg: 'HS256', cty: 'twilio-fpa;v=1' }, CLAIMS), {}, 'ERR_TOKEN_HEADER'],
    ['cty missing', () => forge({ alg: 'HS256', typ: 'JWT' }, CLAIMS), {}, 'ERR_TOKEN_HEADER'],
    ['cty wrong', () => forge({ ...TWILIO_HEADER, cty: 'twilio-fpa;v=2' }, CLAIMS), {}, 'ERR_TOKEN_HEADER'],
    ['unknown critical header', () => forge({ ...TWILIO_HEADER, crit: ['x'], x: 1 }, CLAIMS), {}, 'ERR_TOKEN_MALFORMED'],
    ['exp missing', () => forge(TWILIO_HEADER, { ...CLAIMS, exp: undefined }), {}, 'ERR_TOKEN_MALFORMED'],
    ['iat missing', () => forge(TWILIO_HEADER, { ...CLAIMS, iat: undefined }), {}, 'ERR_TOKEN_MALFORMED'],
    ['exp not a number', () => forge(TWILIO_HEADER, { ...CLAIMS, exp: String(EXP) }), {}, 'ERR_TOKEN_MALFORMED'],
    ['grants not an object', () => forge(TWILIO_HEADER, { ...CLAIMS, grants: 'all' }), {}, 'ERR_TOKEN_GRANTS'],
    ['grants an array', () => forge(TWILIO_HEADER, { ...CLAIMS, grants: [] }), {}, 'ERR_TOKEN_GRANTS'],
    ['grants missing', () => forge(TWILIO_HEADER, { ...CLAIMS, grants: undefined }), {}, 'ERR_TOKEN_GRANTS'],
    ['identity not a string', () => forge(TWILIO_HEADER, { ...CLAIMS, grants: { identity: 42 } }), {}, 'ERR_TOKEN_GRANTS'],
    ['empty string', () => '', {}, 'ERR_TOKEN_MALFORMED'],
    ['two parts', () => `${b64(TWILIO_HEADER)}.${b64(CLAIMS)}`, {}, 'ERR_TOKEN_MALFORMED'],
    ['four parts', async () => `${await mint()}.extra`, {}, 'ERR_TOKEN_MALFORMED'],
    ['garbage base64', () => '!!!.@@@.###', {}, 'ERR_TOKEN_MALFORMED'],
    ['non-JSON header', () => `${b64('not json')}.${b64(CLAIMS)}.c2ln`, {}, 'ERR_TOKEN_MALFORMED'],
    ['non-JSON payload', () => `${b64(TWILIO_HEADER)}.${b64('{"jti":')}.c2ln`, {}, 'ERR_TOKEN_MALFORMED'],
    ['payload is a JSON array', () => forge(TWILIO_HEADER, [CLAIMS]), {}, 'ERR_TOKEN_MALFORMED'],
    ['payload is invalid UTF-8', () => `${b64(TWILIO_HEADER)}.${Buffer.from([0xff, 0xfe]).toString('base64url')}.c2ln`, {}, 'ERR_TOKEN_MALFORMED'],
    ['tampered payload', async () => {
      const [h, , s] = (await mint()).split('.');
      return `${h}.${b64({ ...CLAIMS, grants: { identity: 'mallory' } })}.${s}`;
    }, {}, 'ERR_TOKEN_SIGNATURE'],
    ['negative clockTolerance', () => mint(), { clockTolerance: -1 }, 'ERR_TOKEN_OPTIONS'],
    ['invalid currentDate', () => mint(), { currentDate: new Date(Number.NaN) }, 'ERR_TOKEN_OPTIONS'],
  ])('rejects: %s', async (_name, make, extra, code) => {
    const token = await make();
    const error = await failure(token, { ...VERIFY, ...extra });
    expect(error.code).toBe(code);
    expect(error.name).toBe('TokenError');
    expect(error.message.length).toBeGreaterThan(10);
    expect(error.message).not.toContain(API_SECRET);
    if (token.length > 0) {
      for (const part of token.split('.').filter((p) => p.length > 8)) expect(error.message).not.toContain(part);
    }
  });

  test('a token living longer than 24 h is refused with Twilio code 20104 and a message naming the limit', async () => {
    const error = await failure(forge(TWILIO_HEADER, { ...CLAIMS, exp: IAT + 90_000 }));
    expect(error.twilioCode).toBe(20104);
    expect(error.message).toMatch(/90000 s.*86400 s \(24 h\)/);
  });

  test('errors thrown by resolveSecret propagate unchanged', async () => {
    const boom = new Error('db down');
    await expect(
      verifyAccessToken(await mint(), {
        ...VERIFY,
        resolveSecret: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
  });

  test('resolveSecret is asked for the token issuer', async () => {
    const asked: string[] = [];
    await verifyAccessToken(await mint(), {
      ...VERIFY,
      resolveSecret: (sid) => {
        asked.push(sid);
        return API_SECRET;
      },
    });
    expect(asked).toStrictEqual([API_KEY_SID]);
  });
});
