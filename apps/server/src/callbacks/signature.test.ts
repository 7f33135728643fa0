import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilioSignature } from './signature.js';

const authToken = '12345abcdef67890fedcba0987654321';

const cases: Array<{ name: string; url: string; params: Record<string, string | string[]> }> = [
  { name: 'no params', url: 'https://example.com/callbacks', params: {} },
  {
    name: 'typical room callback',
    url: 'https://example.com/callbacks/rooms',
    params: {
      AccountSid: 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      RoomSid: 'RMxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      RoomName: 'daily standup',
      RoomStatus: 'in-progress',
      StatusCallbackEvent: 'participant-connected',
      Timestamp: '2026-11-22T10:00:00Z',
      SequenceNumber: '3',
    },
  },
  {
    name: 'url with query string and port',
    url: 'https://example.com:8443/cb?token=s3cret&x=1&x=2',
    params: { b: '2', a: '1', A: 'upper sorts first' },
  },
  {
    name: 'array values (unsorted, duplicated)',
    url: 'http://127.0.0.1:3000/cb',
    params: { Tags: ['zeta', 'alpha', 'mid', 'alpha'], Single: 'x', Empty: [] },
  },
  {
    name: 'unicode keys and values, emoji, reserved characters',
    url: 'https://例え.jp/パス?q=ü',
    params: { 'Ünïcødé': 'ñandú ✓ 😀', key: 'a&b=c+d %20', '😀': ['😀', 'é', 'e'], '': 'empty key' },
  },
  { name: 'empty string values', url: 'https://example.com/', params: { a: '', b: [''] } },
  {
    name: 'GET-style: params already in the query, none in the body',
    url: 'https://example.com/cb?existing=1&RoomSid=RM123&StatusCallbackEvent=room-ended',
    params: {},
  },
];

describe('twilioSignature', () => {
  it.each(cases)('matches twilio.getExpectedTwilioSignature: $name', ({ url, params }) => {
    const ours = twilioSignature(authToken, url, params);
    expect(ours).toBe(twilio.getExpectedTwilioSignature(authToken, url, params));
    expect(twilio.validateRequest(authToken, ours, url, params)).toBe(true);
  });

  it('does not mutate its inputs', () => {
    const params = { b: ['2', '1'], a: 'x' };
    twilioSignature(authToken, 'https://example.com', params);
    expect(params).toEqual({ b: ['2', '1'], a: 'x' });
    expect(Object.keys(params)).toEqual(['b', 'a']);
  });

  it('depends on the token, the url and every param', () => {
    const url = 'https://example.com/cb';
    const base = twilioSignature(authToken, url, { a: '1' });
    expect(twilioSignature('other-token', url, { a: '1' })).not.toBe(base);
    expect(twilioSignature(authToken, `${url}?x=1`, { a: '1' })).not.toBe(base);
    expect(twilioSignature(authToken, url, { a: '2' })).not.toBe(base);
    expect(twilioSignature(authToken, url, { a: '1', b: '' })).not.toBe(base);
  });

  it('is a base64 HMAC-SHA1 (28 chars)', () => {
    expect(twilioSignature(authToken, 'https://example.com', {})).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });
});
