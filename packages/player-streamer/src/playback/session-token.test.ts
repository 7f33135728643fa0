import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { SessionTokens } from './session-token.js';

const key = Buffer.alloc(32, 7);
const tokens = new SessionTokens(key);
const SID = `VJ${'a'.repeat(32)}`;
const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

describe('SessionTokens', () => {
  test('a token issued verifies to its claims, and is one URL path segment', () => {
    const { token, claims } = tokens.issue(SID, 'https://app.example.com', 1_700_000_000_123);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(claims).toEqual({ streamerSid: SID, sessionId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), issuedAt: 1_700_000_000_123, origin: 'https://app.example.com' });
    expect(tokens.verify(token)).toEqual(claims);
  });

  test('every session is different (128 random bits)', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => tokens.issue(SID, '*', 0).claims.sessionId));
    expect(ids.size).toBe(1000);
  });

  test('another key does not verify it', () => {
    const { token } = tokens.issue(SID, '*', 1);
    expect(new SessionTokens(Buffer.alloc(32, 8)).verify(token)).toBeUndefined();
  });

  test.each([
    ['mac changed', (t: string) => { const [p, m] = t.split('.'); return `${p}.${flip(m!, 3)}`; }],
    ['payload changed', (t: string) => { const [p, m] = t.split('.'); return `${flip(p!, 8)}.${m}`; }],
    ['payload re-encoded for another streamer', (t: string) => {
      const [p, m] = t.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      return `${Buffer.from(JSON.stringify({ ...claims, s: `VJ${'b'.repeat(32)}` })).toString('base64url')}.${m}`;
    }],
    ['mac cut short', (t: string) => t.slice(0, -1)],
    // the MAC's last base64url character carries 2 bits that decoding drops: another spelling
    // of the same bytes is not the token that was issued
    ['mac spelled another way (the unused low bits of its last character)', (t: string) => {
      const last = t.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      return `${t.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    }],
    ['mac missing', (t: string) => t.split('.')[0]!],
    ['extra segment', (t: string) => `${t}.x`],
    ['empty', () => ''],
    ['path characters', (t: string) => `../${t}`],
    ['very long', (t: string) => `${'A'.repeat(5000)}${t}`],
  ])('refuses a token with %s', (_name, mutate) => {
    const { token } = tokens.issue(SID, '*', 1);
    expect(tokens.verify(mutate(token))).toBeUndefined();
  });

  test('a payload signed the same way by hand verifies (the control for the cases below)', () => {
    const payload = Buffer.from(JSON.stringify({ v: 1, s: SID, i: 'x', t: 1, o: '*' })).toString('base64url');
    const mac = createHmac('sha256', key).update('onair-playback-session.v1.').update(payload).digest('base64url');
    expect(tokens.verify(`${payload}.${mac}`)).toEqual({ streamerSid: SID, sessionId: 'x', issuedAt: 1, origin: '*' });
  });

  test.each([
    ['a JSON string', '"just a string"'],
    ['another version', JSON.stringify({ v: 2, s: SID, i: 'x', t: 1, o: '*' })],
    ['a fractional issued-at', JSON.stringify({ v: 1, s: SID, i: 'x', t: 1.5, o: '*' })],
    ['no origin', JSON.stringify({ v: 1, s: SID, i: 'x', t: 1 })],
    ['not JSON', '{'],
  ])('refuses a correctly signed payload that is %s', (_name, json) => {
    const payload = Buffer.from(json).toString('base64url');
    const mac = createHmac('sha256', key).update('onair-playback-session.v1.').update(payload).digest('base64url');
    expect(tokens.verify(`${payload}.${mac}`)).toBeUndefined();
  });

  test('keys shorter than 32 bytes are refused', () => {
    expect(() => new SessionTokens(Buffer.alloc(16))).toThrow(/at least 32 bytes/);
  });
});
