import { describe, expect, test } from 'vitest';
import { isOriginAllowed, normalizeOrigin, parseAllowedOrigins } from './allowed-origins.js';
import { TokenError } from './errors.js';

describe('parseAllowedOrigins', () => {
  test.each<[string | undefined, string[]]>([
    [undefined, ['*']],
    ['', ['*']],
    ['   ', ['*']],
    ['*', ['*']],
    [' * ', ['*']],
    ['https://example.com', ['https://example.com']],
    ['https://example.com/', ['https://example.com']],
    ['HTTPS://Example.COM', ['https://example.com']],
    ['https://example.com:443', ['https://example.com']],
    ['http://example.com:80', ['http://example.com']],
    ['http://localhost:3000', ['http://localhost:3000']],
    ['https://a.example, https://b.example:8443', ['https://a.example', 'https://b.example:8443']],
    ['https://a.example,https://A.example', ['https://a.example']],
    ['https://a.example, *', ['*']],
    ['https://[::1]:8080', ['https://[::1]:8080']],
    ['http://127.0.0.1:5173', ['http://127.0.0.1:5173']],
    ['https://bücher.example', ['https://xn--bcher-kva.example']],
    ['capacitor://localhost', ['capacitor://localhost']],
  ])('%j → %j', (value, expected) => {
    expect(parseAllowedOrigins(value)).toStrictEqual(expected);
  });

  test.each<[string]>([
    ['example.com'],
    ['https://example.com/path'],
    ['https://example.com/?q=1'],
    ['https://example.com#frag'],
    ['https://user:pw@example.com'],
    ['https://'],
    ['https://example.com:'],
    ['https://example.com:99999'],
    ['https://exa mple.com'],
    ['//example.com'],
    ['null'],
    ['https://a.example,'],
    ['https://a.example,,https://b.example'],
    ['https://a.example, nope'],
    ['**'],
  ])('rejects %j with ERR_GRANT_ORIGINS', (value) => {
    let error: unknown;
    try {
      parseAllowedOrigins(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe('ERR_GRANT_ORIGINS');
    expect((error as TokenError).twilioCode).toBe(20001);
  });
});

describe('isOriginAllowed', () => {
  const list = ['https://a.example', 'http://localhost:3000'];
  test.each<[string[], string | undefined, boolean]>([
    [['*'], 'https://anything.example', true],
    [['*'], undefined, true],
    [['*'], 'null', true],
    [list, 'https://a.example', true],
    [list, 'https://A.EXAMPLE', true],
    [list, 'https://a.example:443', true],
    [list, 'http://localhost:3000', true],
    [list, 'http://localhost:3001', false],
    [list, 'http://a.example', false],
    [list, 'https://b.example', false],
    [list, 'https://a.example.evil.com', false],
    [list, 'https://evila.example', false],
    [list, undefined, false],
    [list, '', false],
    [list, 'null', false],
    [list, 'https://a.example/path', false],
    [[], 'https://a.example', false],
  ])('%j allows %j: %s', (origins, origin, expected) => {
    expect(isOriginAllowed(origins, origin)).toBe(expected);
  });
});

describe('normalizeOrigin', () => {
  test.each<[string, string | undefined]>([
    ['https://Example.com:443/', 'https://example.com'],
    ['https://example.com:8443', 'https://example.com:8443'],
    ['App://Host:1', 'app://host:1'],
    ['ftp:/x', undefined],
  ])('%j → %j', (value, expected) => {
    expect(normalizeOrigin(value)).toBe(expected);
  });
});
