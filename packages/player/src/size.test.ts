// The IIFE bundle (hls.js light + the grant checks + the player) must stay ≤ 150 KB gzipped.
// It measures the built file, so run `npx turbo run build --filter=@onair/player` first
// (`npm test` does).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { PLAYER_ASSETS } from './assets.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const LIMIT = 150 * 1024;

describe('bundle size', () => {
  test.each([PLAYER_ASSETS.iife, PLAYER_ASSETS.esm])('%s is at most 150 KB gzipped, hls.js included', (file) => {
    const path = dist + file;
    expect(existsSync(path), `${path} is missing: build @onair/player first`).toBe(true);
    const code = readFileSync(path);
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`${file}: ${(code.length / 1024).toFixed(1)} KB minified, ${(gzipped / 1024).toFixed(1)} KB gzipped (limit 150 KB)`);
    expect(code.toString('utf8')).toMatch(/hls\.js|Hls/); // hls.js is inside
    expect(gzipped).toBeLessThanOrEqual(LIMIT);
  });

});
