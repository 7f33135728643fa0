import { Buffer } from 'node:buffer';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, createLocalJWKSet, createRemoteJWKSet, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TokenError, type TokenErrorCode } from './errors.js';
import { signPlaybackGrantJwt, type SignPlaybackGrantJwtOptions } from './sign-playback-grant-jwt.js';
import { generateSigningKey, type SigningKey } from './signing-key.js';
import { verifyPlaybackGrantJwt, type VerifyPlaybackGrantOptions } from './verify-playback-grant-jwt.js';

const STREAMER_SID = `VJ${'1'.repeat(32)}`;
const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const ISSUER = 'https://onair.example';
const NOW = new Date('2025-03-01T10:00:00Z');
const IAT = NOW.getTime() / 1000;
const at = (seconds: number): Date => new Date(seconds * 1000);

// Generated at module load: the test.each tables below reference them.
const [key, otherKey] = await Promise.all([generateSigningKey(NOW), generateSigningKey(NOW)]);
let server: Server;
let jwksUrl: URL;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [otherKey.publicJwk, key.publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function sign(extra: Partial<SignPlaybackGrantJwtOptions> = {}): Promise<string> {
  return signPlaybackGrantJwt({
    key,
    streamerSid: STREAMER_SID,
    accountSid: ACCOUNT_SID,
    issuer: ISSUER,
    ttl: 30,
    allowedOrigins: ['https://player.example'],
    now: NOW,
    ...extra,
  });
}

function verifyOptions(extra: Partial<VerifyPlaybackGrantOptions> = {}): VerifyPlaybackGrantOptions {
  return { keys: [key.publicJwk], streamerSid: STREAMER_SID, issuer: ISSUER, currentDate: NOW, ...extra };
}

/** Signs arbitrary claims/header with the real private key, bypassing signPlaybackGrantJwt's checks. */
async function craft(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const privateKey = await importJWK(key.privateJwk, 'ES256');
  return new SignJWT({
    iss: ISSUER,
    sub: STREAMER_SID,
    acc: ACCOUNT_SID,
    iat: IAT,
    exp: IAT + 30,
    jti: 'j1',
    origins: ['*'],
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid, ...header })
    .sign(privateKey);
}

const decode = (jwt: string, index: 0 | 1): unknown =>
  JSON.parse(Buffer.from(jwt.split('.')[index] ?? '', 'base64url').toString('utf8'));
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

async function failure(jwt: string, opts: VerifyPlaybackGrantOptions): Promise<TokenError> {
  const error = await verifyPlaybackGrantJwt(jwt, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  return error as TokenError;
}

describe('signPlaybackGrantJwt / verifyPlaybackGrantJwt', () => {
  test('round trip', async () => {
    const jwt = await sign();
    expect(decode(jwt, 0)).toStrictEqual({ alg: 'ES256', typ: 'JWT', kid: key.kid });
    const claims = await verifyPlaybackGrantJwt(jwt, verifyOptions());
    expect(claims).toStrictEqual({
      iss: ISSUER,
      sub: STREAMER_SID,
      acc: ACCOUNT_SID,
      iat: IAT,
      exp: IAT + 30,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as unknown as string,
      origins: ['https://player.example'],
    });
    expect(decode(jwt, 1)).toStrictEqual(claims);
  });

  test('every grant gets a fresh jti', async () => {
    const [a, b] = await Promise.all([sign(), sign()]);
    const [ca, cb] = await Promise.all([
      verifyPlaybackGrantJwt(a, verifyOptions()),
      verifyPlaybackGrantJwt(b, verifyOptions()),
    ]);
    expect(ca.jti).not.toBe(cb.jti);
  });

  test.each<[string, string[], string[]]>([
    ['any origin', ['*'], ['*']],
    ['"*" mixed in wins', ['https://a.example', '*'], ['*']],
    ['origins normalized and de-duplicated', ['HTTPS://A.example:443/', 'https://a.example', 'http://localhost:8080'], ['https://a.example', 'http://localhost:8080']],
  ])('origins claim: %s', async (_name, allowedOrigins, expected) => {
    const claims = await verifyPlaybackGrantJwt(await sign({ allowedOrigins }), verifyOptions());
    expect(claims.origins).toStrictEqual(expected);
  });

  test.each<[string, Partial<VerifyPlaybackGrantOptions>]>([
    ['a local key list with several keys', { keys: [otherKey.publicJwk, key.publicJwk] }],
    ['a jose local JWKS resolver', { keys: createLocalJWKSet({ keys: [key.publicJwk] }) }],
    ['no streamer or issuer expectation', { streamerSid: undefined, issuer: undefined }],
    ['at exp (still inside the 1 s tolerance)', { currentDate: at(IAT + 30) }],
    ['at exp + 999 ms', { currentDate: new Date((IAT + 30) * 1000 + 999) }],
    ['iat 1 s in the future (clock skew)', { currentDate: at(IAT - 1) }],
    ['a lower maxTtl that still fits', { maxTtl: 30 }],
  ])('verifies with %s', async (_name, extra) => {
    await expect(verifyPlaybackGrantJwt(await sign(), verifyOptions(extra))).resolves.toMatchObject({
      sub: STREAMER_SID,
    });
  });

  test('verifies against a remote JWKS (createRemoteJWKSet)', async () => {
    const keys = createRemoteJWKSet(jwksUrl);
    await expect(verifyPlaybackGrantJwt(await sign(), verifyOptions({ keys }))).resolves.toMatchObject({
      acc: ACCOUNT_SID,
    });
    const unknown = await signPlaybackGrantJwt({
      key: await generateSigningKey(NOW),
      streamerSid: STREAMER_SID,
      accountSid: ACCOUNT_SID,
      issuer: ISSUER,
      ttl: 30,
      allowedOrigins: ['*'],
      now: NOW,
    });
    expect((await failure(unknown, verifyOptions({ keys }))).code).toBe('ERR_GRANT_INVALID');
  });

  test('key-set fetch failures propagate unchanged', async () => {
    const down = new TypeError('fetch failed');
    const keys = () => Promise.reject(down);
    await expect(verifyPlaybackGrantJwt(await sign(), verifyOptions({ keys }))).rejects.toBe(down);
  });

  test.each<[string, Partial<SignPlaybackGrantJwtOptions>, TokenErrorCode]>([
    ['ttl 61', { ttl: 61 }, 'ERR_TOKEN_OPTIONS'],
    ['ttl 0', { ttl: 0 }, 'ERR_TOKEN_OPTIONS'],
    ['fractional ttl', { ttl: 1.5 }, 'ERR_TOKEN_OPTIONS'],
    ['empty streamerSid', { streamerSid: '' }, 'ERR_TOKEN_OPTIONS'],
    ['empty accountSid', { accountSid: '' }, 'ERR_TOKEN_OPTIONS'],
    ['empty issuer', { issuer: '' }, 'ERR_TOKEN_OPTIONS'],
    ['invalid now', { now: new Date(Number.NaN) }, 'ERR_TOKEN_OPTIONS'],
    ['public key instead of private key', { key: { ...key, privateJwk: key.publicJwk } as SigningKey }, 'ERR_TOKEN_OPTIONS'],
    ['key without kid', { key: { ...key, kid: '' } }, 'ERR_TOKEN_OPTIONS'],
    ['no allowed origins', { allowedOrigins: [] }, 'ERR_GRANT_ORIGINS'],
    ['malformed origin', { allowedOrigins: ['https://a.example/path'] }, 'ERR_GRANT_ORIGINS'],
  ])('signing rejects %s', async (_name, extra, code) => {
    const error = await sign(extra).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe(code);
    expect((error as TokenError).message).not.toContain(String(key.privateJwk.d));
  });

  test.each<[string, () => Promise<string>, Partial<VerifyPlaybackGrantOptions>, TokenErrorCode]>([
    ['expired (exp + 1 s, beyond the 1 s tolerance)', () => sign(), { currentDate: at(IAT + 31) }, 'ERR_GRANT_EXPIRED'],
    ['expired with zero tolerance', () => sign(), { currentDate: at(IAT + 30), clockTolerance: 0 }, 'ERR_GRANT_EXPIRED'],
    ['lifetime above the default maxTtl of 60', () => craft({ exp: IAT + 61 }), {}, 'ERR_GRANT_INVALID'],
    ['lifetime above a custom maxTtl', () => sign({ ttl: 30 }), { maxTtl: 29 }, 'ERR_GRANT_INVALID'],
    ['exp before iat', () => craft({ exp: IAT - 10, iat: IAT - 5 }), { currentDate: at(IAT - 20) }, 'ERR_GRANT_INVALID'],
    ['iat in the future beyond tolerance', () => craft({ iat: IAT + 2, exp: IAT + 30 }), {}, 'ERR_GRANT_INVALID'],
    ['nbf in the future', () => craft({ nbf: IAT + 10 }), {}, 'ERR_GRANT_INVALID'],
    ['wrong streamer', () => sign({ streamerSid: `VJ${'9'.repeat(32)}` }), {}, 'ERR_GRANT_INVALID'],
    ['wrong issuer', () => sign({ issuer: 'https://evil.example' }), {}, 'ERR_GRANT_INVALID'],
    ['tampered payload', async () => {
      const [h, p, s] = (await sign()).split('.');
      const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      return `${h}.${b64({ ...claims, origins: ['*'] })}.${s}`;
    }, {}, 'ERR_GRANT_INVALID'],
    ['signature from another key under our kid', async () => {
      const [h, p] = (await sign()).split('.');
      const [, , s] = (await sign({ key: { ...otherKey, kid: key.kid } })).split('.');
      return `${h}.${p}.${s}`;
    }, {}, 'ERR_GRANT_INVALID'],
    ['unknown kid', () => sign({ key: otherKey }), {}, 'ERR_GRANT_INVALID'],
    ['empty key list', () => sign(), { keys: [] as JWK[] }, 'ERR_GRANT_INVALID'],
    ['missing kid', () => craft({}, { kid: undefined }), {}, 'ERR_GRANT_INVALID'],
    ['alg none', async () => `${b64({ alg: 'none', kid: key.kid })}.${(await sign()).split('.')[1]}.`, {}, 'ERR_GRANT_INVALID'],
    ['HS256 signed with the public JWK as secret (alg confusion)', async () => {
      const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
      return new SignJWT({ iss: ISSUER, sub: STREAMER_SID, acc: ACCOUNT_SID, iat: IAT, exp: IAT + 30, jti: 'x', origins: ['*'] })
        .setProtectedHeader({ alg: 'HS256', kid: key.kid })
        .sign(secret);
    }, {}, 'ERR_GRANT_INVALID'],
    ['ES384 header', () => craft({}, { alg: 'ES384' }).catch(() => `${b64({ alg: 'ES384', kid: key.kid })}.${b64({})}.c2ln`), {}, 'ERR_GRANT_INVALID'],
    ['origins claim missing', () => craft({ origins: undefined }), {}, 'ERR_GRANT_INVALID'],
    ['origins claim empty', () => craft({ origins: [] }), {}, 'ERR_GRANT_INVALID'],
    ['acc claim missing', () => craft({ acc: undefined }), {}, 'ERR_GRANT_INVALID'],
    ['exp claim missing', () => craft({ exp: undefined }), {}, 'ERR_GRANT_INVALID'],
    ['malformed: empty', async () => '', {}, 'ERR_GRANT_INVALID'],
    ['malformed: two parts', async () => (await sign()).split('.').slice(0, 2).join('.'), {}, 'ERR_GRANT_INVALID'],
    ['malformed: garbage', async () => 'x.y.z', {}, 'ERR_GRANT_INVALID'],
    ['negative clockTolerance', () => sign(), { clockTolerance: -1 }, 'ERR_TOKEN_OPTIONS'],
    ['zero maxTtl', () => sign(), { maxTtl: 0 }, 'ERR_TOKEN_OPTIONS'],
  ])('verification rejects %s', async (_name, make, extra, code) => {
    const jwt = await make();
    const error = await failure(jwt, verifyOptions(extra));
    expect(error.code).toBe(code);
    expect(error.name).toBe('TokenError');
    for (const part of jwt.split('.').filter((p) => p.length > 8)) expect(error.message).not.toContain(part);
  });

  test('a grant with a 120 s lifetime passes only when maxTtl allows it', async () => {
    const jwt = await craft({ exp: IAT + 120 });
    expect((await failure(jwt, verifyOptions())).message).toMatch(/lifetime of 120 s exceeds the maximum of 60 s/);
    await expect(verifyPlaybackGrantJwt(jwt, verifyOptions({ maxTtl: 120 }))).resolves.toMatchObject({ exp: IAT + 120 });
  });
});
