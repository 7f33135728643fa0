import { describe, expect, test } from 'vitest';
import { redact, withoutUrlSecrets } from './redact.js';

const config = encodeURIComponent(JSON.stringify({ token: 'eyJhbGciOiJIUzI1NiJ9.payload.sig', ingestSecret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' }));

describe('withoutUrlSecrets', () => {
  test.each([
    [
      `net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/composer/#${config}`,
      'net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/composer/ (fragment removed)',
    ],
    ['GET http://h:1/embed/player?token=abc.def failed', 'GET http://h:1/embed/player (query removed) failed'],
    ['ws://user:pw@127.0.0.1:8080/internal/ingest/ZX1 closed', 'ws://127.0.0.1:8080/internal/ingest/ZX1 closed'],
    ['"https://a.example/x?y=1#z" and http://b/', '"https://a.example/x (query removed)" and http://b/'],
    ['no url here: a#b?c', 'no url here: a#b?c'],
  ])('%s', (input, expected) => {
    expect(withoutUrlSecrets(input)).toBe(expected);
  });
});

describe('redact', () => {
  test('masks known secrets, raw or percent-encoded, outside URLs too', () => {
    const secret = 'se/cr+et=0123456789';
    const text = `token ${secret} and ${encodeURIComponent(secret)}; see http://x/p#${secret}`;
    const out = redact(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).toBe('token [redacted] and [redacted]; see http://x/p (fragment removed)');
  });
});
