import { Buffer } from 'node:buffer';
import { describe, expect, test } from 'vitest';
import { createAccessToken, type AccessTokenOptions } from './create-access-token.js';
import { TokenError } from './errors.js';

const ACCOUNT_SID = `AC${'a'.repeat(32)}`;
const API_KEY_SID = `SK${'b'.repeat(32)}`;
const API_SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2Vj';
const NOW = new Date('2025-01-01T00:00:00.750Z');
const IAT = 1735689600;
const BASE: AccessTokenOptions = { accountSid: ACCOUNT_SID, apiKeySid: API_KEY_SID, apiSecret: API_SECRET, now: NOW };
const PLAYER = {
  playbackUrl: 'https://onair.example/v1/PlayerStreamers/VJ1/playback?token=x',
  playerStreamerSid: `VJ${'d'.repeat(32)}`,
  requestCredentials: null,
};

/** Decodes a part of a compact JWT to its exact JSON text. */
function partJson(token: string, index: 0 | 1): string {
  const part = token.split('.')[index] ?? '';
  return Buffer.from(part, 'base64url').toString('utf8');
}

describe('createAccessToken', () => {
  test.each<[string, Partial<AccessTokenOptions>, string, string]>([
    [
      'defaults (HS256, ttl 3600, no grants)',
      {},
      '{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}',
      `{"jti":"${API_KEY_SID}-${IAT}","grants":{},"iat":${IAT},"exp":${IAT + 3600},"iss":"${API_KEY_SID}","sub":"${ACCOUNT_SID}"}`,
    ],
    [
      'identity + video room, HS512, ttl 60',
      { identity: 'alice', video: { room: 'lobby' }, algorithm: 'HS512', ttl: 60 },
      '{"alg":"HS512","typ":"JWT","cty":"twilio-fpa;v=1"}',
      `{"jti":"${API_KEY_SID}-${IAT}","grants":{"identity":"alice","video":{"room":"lobby"}},"iat":${IAT},"exp":${IAT + 60},"iss":"${API_KEY_SID}","sub":"${ACCOUNT_SID}"}`,
    ],
    [
      'empty video room is dropped like twilio, nbf goes after grants',
      { identity: 'bob', video: { room: '' }, nbf: IAT + 10, algorithm: 'HS384' },
      '{"alg":"HS384","typ":"JWT","cty":"twilio-fpa;v=1"}',
      `{"jti":"${API_KEY_SID}-${IAT}","grants":{"identity":"bob","video":{}},"nbf":${IAT + 10},"iat":${IAT},"exp":${IAT + 3600},"iss":"${API_KEY_SID}","sub":"${ACCOUNT_SID}"}`,
    ],
    [
      'hidden video grant (onair extension) kept only when true',
      { identity: 'composer', video: { room: 'RM1', hidden: true } },
      '{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}',
      `{"jti":"${API_KEY_SID}-${IAT}","grants":{"identity":"composer","video":{"room":"RM1","hidden":true}},"iat":${IAT},"exp":${IAT + 3600},"iss":"${API_KEY_SID}","sub":"${ACCOUNT_SID}"}`,
    ],
    [
      'hidden false is dropped',
      { identity: 'carol', video: { room: 'RM1', hidden: false } },
      '{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}',
      `{"jti":"${API_KEY_SID}-${IAT}","grants":{"identity":"carol","video":{"room":"RM1"}},"iat":${IAT},"exp":${IAT + 3600},"iss":"${API_KEY_SID}","sub":"${ACCOUNT_SID}"}`,
    ],
    [
      'player grant copied verbatim',
      { identity: 'viewer', player: PLAYER, ttl: 86400 },
      '{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}',
      `{"jti":"${API_KEY_SID}-${IAT}","grants":{"identity":"viewer","player":${JSON.stringify(PLAYER)}},"iat":${IAT},"exp":${IAT + 86400},"iss":"${API_KEY_SID}","sub":"${ACCOUNT_SID}"}`,
    ],
  ])('%s', async (_name, extra, header, claims) => {
    const token = await createAccessToken({ ...BASE, ...extra });
    expect(token.split('.')).toHaveLength(3);
    expect(partJson(token, 0)).toBe(header);
    expect(partJson(token, 1)).toBe(claims);
  });

  test('is deterministic for the same inputs', async () => {
    expect(await createAccessToken(BASE)).toBe(await createAccessToken(BASE));
  });

  test.each<[string, Partial<AccessTokenOptions>]>([
    ['empty accountSid', { accountSid: '' }],
    ['empty apiKeySid', { apiKeySid: '' }],
    ['empty apiSecret', { apiSecret: '' }],
    ['empty identity', { identity: '' }],
    ['ttl 0', { ttl: 0 }],
    ['ttl negative', { ttl: -5 }],
    ['ttl above 86400', { ttl: 86401 }],
    ['fractional ttl', { ttl: 1.5 }],
    ['NaN nbf', { nbf: Number.NaN }],
    ['unsupported algorithm', { algorithm: 'RS256' as never }],
    ['invalid now', { now: new Date(Number.NaN) }],
    ['video room not a string', { video: { room: 5 as never } }],
    ['video hidden not a boolean', { video: { hidden: 'yes' as never } }],
    ['player without playbackUrl', { player: { ...PLAYER, playbackUrl: '' } }],
    ['player without playerStreamerSid', { player: { ...PLAYER, playerStreamerSid: undefined as never } }],
  ])('rejects %s with ERR_TOKEN_OPTIONS', async (_name, extra) => {
    const error = await createAccessToken({ ...BASE, ...extra }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe('ERR_TOKEN_OPTIONS');
    expect((error as TokenError).message).not.toContain(API_SECRET);
  });
});
