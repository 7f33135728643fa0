import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { sourceFiles } from '../../../test/support/source-files.js';
import * as api from './index.js';
import { PlayerEvent } from './events/player-event.js';
import { PlayerState } from './player-state.js';
import { version } from './version.js';

const sources = sourceFiles(new URL('.', import.meta.url));

describe('browser-only source', () => {
  test.each(sources)('%s imports only browser-safe modules', (_file, text) => {
    const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
    for (const specifier of specifiers) {
      expect(specifier).toMatch(/^(@onair\/protocol|@onair\/tokens|jose|hls\.js|hls\.js\/light|(\.\.?\/)+[a-z0-9/-]+\.js)$/);
    }
    expect(text).not.toMatch(/\brequire\(|\bimport\(|\bBuffer\b|\bprocess\.|node:/);
  });

  test.each(sources)('%s stays under 400 lines', (_file, text) => {
    expect(text.split('\n').length).toBeLessThan(400);
  });

  test('the token never reaches a log or an error message', () => {
    for (const [file, text] of sources) {
      expect(text, file).not.toMatch(/console\.\w+\([^)]*token/i);
      expect(text, file).not.toMatch(/(?<!Bearer )\$\{(accessToken|jwt|token)\}/);
    }
  });

  test('runtime exports', () => {
    expect(Object.keys(api).sort()).toStrictEqual(
      [
        'ONAIR_PLAYER_TAG',
        'Player',
        'PlayerError',
        'PlayerErrorCode',
        'PlayerEvent',
        'PlayerState',
        'TypedEmitter',
        'defineOnairPlayerElement',
        'isOriginRestricted',
        'playerDefaults',
        'verifyPlayerGrant',
        'version',
      ].sort(),
    );
  });

  test('states and events are the Twilio Player SDK names', () => {
    expect(Object.values(PlayerState)).toStrictEqual(['idle', 'ready', 'buffering', 'playing', 'ended']);
    expect(Object.values(PlayerEvent).sort()).toStrictEqual(
      ['stateChanged', 'qualityChanged', 'volumeChanged', 'durationChanged', 'videoSizeChanged', 'rebuffering', 'error'].sort(),
    );
  });

  test('version matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version).toBe(pkg.version);
  });
});
