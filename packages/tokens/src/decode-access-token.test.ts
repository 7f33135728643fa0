import { Buffer } from 'node:buffer';
import { describe, expect, test } from 'vitest';
import { createAccessToken } from './create-access-token.js';
import { decodeAccessToken } from './decode-access-token.js';
import { TokenError, type TokenErrorCode } from './errors.js';

const NOW = new Date('2025-01-01T00:00:00Z');
const IAT = NOW.getTime() / 1000;
const HEADER = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' };
const PLAYER = { playbackUrl: 'https://onair.example/p?token=t', playerStreamerSid: 'VJ1', requestCredentials: null };
const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const unsigned = (payload: unknown, header: unknown = HEADER): string => `${b64(header)}.${b64(payload)}.c2ln`;

describe('decodeAccessToken', () => {
  test('decodes header and claims without a secret', async () => {
    const token = await createAccessToken({
      accountSid: 'AC1',
      apiKeySid: 'SK1',
      apiSecret: 'unknown-to-the-browser',
      identity: 'viewer',
      player: PLAYER,
      ttl: 60,
      now: NOW,
    });
    expect(decodeAccessToken(token)).toStrictEqual({
      header: HEADER,
      claims: {
        jti: `SK1-${IAT}`,
        grants: { identity: 'viewer', player: PLAYER },
        iat: IAT,
        exp: IAT + 60,
        iss: 'SK1',
        sub: 'AC1',
      },
    });
  });

  test('does not check the signature, algorithm or expiry', () => {
    const decoded = decodeAccessToken(`${b64({ alg: 'none' })}.${b64({ grants: {}, exp: 1 })}.`);
    expect(decoded.claims.grants).toStrictEqual({});
  });

  test.each<[string, string, TokenErrorCode]>([
    ['empty string', '', 'ERR_TOKEN_MALFORMED'],
    ['one part', 'abc', 'ERR_TOKEN_MALFORMED'],
    ['two parts', `${b64(HEADER)}.${b64({ grants: {} })}`, 'ERR_TOKEN_MALFORMED'],
    ['empty header part', `.${b64({ grants: {} })}.c2ln`, 'ERR_TOKEN_MALFORMED'],
    ['garbage base64', 'a$b.c%d.e^f', 'ERR_TOKEN_MALFORMED'],
    ['standard base64 padding', `${b64(HEADER)}=.${b64({ grants: {} })}.c2ln`, 'ERR_TOKEN_MALFORMED'],
    ['impossible base64 length', `${b64(HEADER)}.a.c2ln`, 'ERR_TOKEN_MALFORMED'],
    ['non-JSON payload', unsigned('hello'), 'ERR_TOKEN_MALFORMED'],
    ['JSON null payload', unsigned('null'), 'ERR_TOKEN_MALFORMED'],
    ['JSON string header', unsigned({ grants: {} }, 'JWT'), 'ERR_TOKEN_MALFORMED'],
    ['iat not a number', unsigned({ grants: {}, iat: 'now' }), 'ERR_TOKEN_MALFORMED'],
    ['iss not a string', unsigned({ grants: {}, iss: 1 }), 'ERR_TOKEN_MALFORMED'],
    ['grants missing', unsigned({ iat: IAT }), 'ERR_TOKEN_GRANTS'],
    ['grants null', unsigned({ grants: null }), 'ERR_TOKEN_GRANTS'],
    ['grants a number', unsigned({ grants: 1 }), 'ERR_TOKEN_GRANTS'],
    ['grants.identity a number', unsigned({ grants: { identity: 7 } }), 'ERR_TOKEN_GRANTS'],
    ['grants.video a string', unsigned({ grants: { video: 'room' } }), 'ERR_TOKEN_GRANTS'],
    ['grants.video.room a number', unsigned({ grants: { video: { room: 1 } } }), 'ERR_TOKEN_GRANTS'],
    ['grants.video.hidden a string', unsigned({ grants: { video: { hidden: 'true' } } }), 'ERR_TOKEN_GRANTS'],
    ['grants.player without playbackUrl', unsigned({ grants: { player: { playerStreamerSid: 'VJ1' } } }), 'ERR_TOKEN_GRANTS'],
    ['grants.player an array', unsigned({ grants: { player: [] } }), 'ERR_TOKEN_GRANTS'],
  ])('rejects %s', (_name, token, code) => {
    let error: unknown;
    try {
      decodeAccessToken(token);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe(code);
  });
});
