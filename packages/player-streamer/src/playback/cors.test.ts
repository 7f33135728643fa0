import { describe, expect, test } from 'vitest';
import { originOf, sessionAllowsOrigin, sessionOrigin } from './cors.js';

const SELF = ['http://127.0.0.1:8080'];

describe('sessionOrigin (which origin a new session is bound to)', () => {
  test.each([
    [['*'], undefined, '*'],
    [['*'], 'https://anything.example', '*'],
    [['https://app.example.com'], 'https://app.example.com', 'https://app.example.com'],
    [['https://app.example.com'], 'HTTPS://APP.example.com:443', 'https://app.example.com'],
    [['https://app.example.com', 'https://b.example'], 'https://b.example', 'https://b.example'],
    [['https://app.example.com'], 'http://127.0.0.1:8080', 'http://127.0.0.1:8080'], // the server's own pages
  ] as const)('allowed %j, Origin %j → %j', (allowed, origin, bound) => {
    expect(sessionOrigin([...allowed], origin, SELF)).toBe(bound);
  });

  test.each([
    [['https://app.example.com'], undefined],
    [['https://app.example.com'], 'null'],
    [['https://app.example.com'], 'https://app.example.com.evil.net'],
    [['https://app.example.com'], 'http://app.example.com'],
    [['https://app.example.com'], 'https://app.example.com:8443'],
    [['https://app.example.com'], 'https://app.example.com/path'],
    [['https://app.example.com'], 'http://127.0.0.1:8081'],
  ] as const)('allowed %j refuses Origin %j', (allowed, origin) => {
    expect(sessionOrigin([...allowed], origin, SELF)).toBeUndefined();
  });
});

describe('sessionAllowsOrigin (requests inside a session)', () => {
  test.each([
    ['*', 'https://x.example', true],
    ['https://app.example.com', undefined, true], // same-origin GETs send no Origin
    ['https://app.example.com', 'https://app.example.com', true],
    ['https://app.example.com', 'https://other.example', false],
    ['https://app.example.com', 'null', false],
  ] as const)('bound %j, Origin %j → %j', (bound, origin, ok) => {
    expect(sessionAllowsOrigin(bound, origin)).toBe(ok);
  });

  test('originOf', () => {
    expect(originOf('https://live.example.com/base/path')).toBe('https://live.example.com');
    expect(originOf('not a url')).toBeUndefined();
  });
});
