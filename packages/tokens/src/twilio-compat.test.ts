import { Buffer } from 'node:buffer';
import twilio from 'twilio';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { AccessTokenAlgorithm, PlayerGrant } from './access-token-types.js';
import { createAccessToken } from './create-access-token.js';
import { verifyAccessToken } from './verify-access-token.js';

const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const API_KEY_SID = `SK${'2'.repeat(32)}`;
const API_SECRET = 'twilio-compat-secret-0123456789ab';
const NOW = new Date('2025-06-15T12:34:56.000Z');
const PLAYER: PlayerGrant = {
  requestCredentials: null,
  playbackUrl: 'https://onair.example/v1/PlayerStreamers/VJx/playback?token=abc',
  playerStreamerSid: `VJ${'3'.repeat(32)}`,
};

interface Case {
  identity: string;
  ttl?: number;
  nbf?: number;
  room?: string;
  player?: PlayerGrant;
  algorithm?: AccessTokenAlgorithm;
}

/** Mints a token with twilio@5's own AccessToken at the frozen clock. */
function twilioToken(c: Case): string {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(ACCOUNT_SID, API_KEY_SID, API_SECRET, {
    identity: c.identity,
    ...(c.ttl === undefined ? {} : { ttl: c.ttl }),
    ...(c.nbf === undefined ? {} : { nbf: c.nbf }),
  });
  if (c.room !== undefined) token.addGrant(new AccessToken.VideoGrant({ room: c.room }));
  if (c.player !== undefined) token.addGrant(new AccessToken.PlaybackGrant({ grant: c.player }));
  const jwt = token.toJwt(c.algorithm);
  vi.useRealTimers();
  return jwt;
}

function ourToken(c: Case): Promise<string> {
  return createAccessToken({
    accountSid: ACCOUNT_SID,
    apiKeySid: API_KEY_SID,
    apiSecret: API_SECRET,
    identity: c.identity,
    now: NOW,
    ...(c.ttl === undefined ? {} : { ttl: c.ttl }),
    ...(c.nbf === undefined ? {} : { nbf: c.nbf }),
    ...(c.room === undefined ? {} : { video: { room: c.room } }),
    ...(c.player === undefined ? {} : { player: c.player }),
    ...(c.algorithm === undefined ? {} : { algorithm: c.algorithm }),
  });
}

function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

const CASES: [string, Case][] = [
  ['identity only', { identity: 'alice' }],
  ['video grant with room', { identity: 'alice', room: 'my-room', ttl: 600 }],
  ['video grant without room', { identity: 'bob', room: '' }],
  ['playback grant', { identity: 'viewer', player: PLAYER, ttl: 300 }],
  ['video + playback grants, nbf', { identity: 'carol', room: 'r', player: PLAYER, nbf: 1749990896 + 60 }],
  ['HS384', { identity: 'dave', algorithm: 'HS384' }],
  ['HS512', { identity: 'erin', room: 'x', algorithm: 'HS512' }],
];

describe('compatibility with twilio@5 AccessToken', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test.each(CASES)('twilio-minted token verifies: %s', async (_name, c) => {
    const token = twilioToken(c);
    const verified = await verifyAccessToken(token, {
      resolveSecret: (sid) => (sid === API_KEY_SID ? API_SECRET : undefined),
      accountSid: ACCOUNT_SID,
      currentDate: new Date(Math.max(NOW.getTime(), (c.nbf ?? 0) * 1000)),
    });
    expect(verified).toMatchObject({
      accountSid: ACCOUNT_SID,
      apiKeySid: API_KEY_SID,
      identity: c.identity,
      algorithm: c.algorithm ?? 'HS256',
      issuedAt: NOW.getTime() / 1000,
      expiresAt: NOW.getTime() / 1000 + (c.ttl ?? 3600),
    });
    if (c.player) expect(verified.grants.player).toEqual(c.player);
    if (c.room) expect(verified.grants.video).toEqual({ room: c.room });
  });

  test.each(CASES)('createAccessToken matches twilio header and claim keys: %s', async (_name, c) => {
    const theirs = twilioToken(c);
    const ours = await ourToken(c);
    expect(decodePart(ours, 0)).toStrictEqual(decodePart(theirs, 0));
    expect(Object.keys(decodePart(ours, 1))).toStrictEqual(Object.keys(decodePart(theirs, 1)));
    expect(decodePart(ours, 1)).toStrictEqual(decodePart(theirs, 1));
    // Same header, same claims in the same order, same key: byte-for-byte identical.
    expect(ours).toBe(theirs);
  });
});
