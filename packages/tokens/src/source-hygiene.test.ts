import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as api from './index.js';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(SRC)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => [file, readFileSync(`${SRC}/${file}`, 'utf8')] as const);

describe('isomorphic source', () => {
  test.each(sources)('%s imports only jose and local modules', (_file, text) => {
    const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
    for (const specifier of specifiers) expect(specifier).toMatch(/^(jose|\.\/[a-z0-9-]+\.js)$/);
    expect(text).not.toMatch(/\brequire\(|\bimport\(|\bBuffer\b|\bprocess\.|node:/);
  });

  test('index.ts uses explicit named exports only', () => {
    const index = sources.find(([file]) => file === 'index.ts')?.[1] ?? '';
    expect(index).not.toMatch(/export\s+\*/);
  });

  test('every runtime export is defined', () => {
    expect(Object.keys(api).sort()).toStrictEqual(
      [
        'ACCESS_TOKEN_ALGORITHMS',
        'ACCESS_TOKEN_CONTENT_TYPE',
        'ANY_ORIGIN',
        'DEFAULT_ACCESS_TOKEN_CLOCK_TOLERANCE',
        'DEFAULT_ACCESS_TOKEN_TTL',
        'DEFAULT_PLAYBACK_GRANT_CLOCK_TOLERANCE',
        'FETCH_PLAYBACK_GRANT_SOURCE_DEFAULTS',
        'PLAYBACK_GRANT_CACHE_DEFAULTS',
        'PLAYBACK_GRANT_CACHE_MAP_DEFAULTS',
        'PlaybackGrantCache',
        'PlaybackGrantCacheMap',
        'PlaybackGrantRequestError',
        'VIEWER_TOKEN_SKEW_ALLOWANCE',
        'fetchPlaybackGrantSource',
        'twilioPlaybackGrantSource',
        'MAX_ACCESS_TOKEN_TTL',
        'MAX_PLAYBACK_GRANT_TTL',
        'PLAYBACK_GRANT_ALGORITHM',
        'TWILIO_ERROR_CODES',
        'TokenError',
        'createAccessToken',
        'decodeAccessToken',
        'generateSigningKey',
        'isOriginAllowed',
        'normalizeOrigin',
        'parseAllowedOrigins',
        'signPlaybackGrantJwt',
        'verifyAccessToken',
        'verifyPlaybackGrantJwt',
      ].sort(),
    );
    for (const value of Object.values(api)) expect(value).toBeDefined();
  });
});
