import { describe, expect, test } from 'vitest';
import { frameAncestors } from './player-pages.js';

describe('frameAncestors', () => {
  test.each<[string[] | undefined, string]>([
    [['*'], '*'],
    [['https://app.example'], 'https://app.example'],
    [['https://a.example', 'http://localhost:3000'], 'https://a.example http://localhost:3000'],
    [undefined, "'none'"],
    [[], "'none'"],
    // never let a claim inject another directive
    [['https://a.example; script-src *'], "'none'"],
    [['https://a.example', "'unsafe-inline'"], 'https://a.example'],
  ])('%j → %s', (origins, expected) => {
    expect(frameAncestors(origins)).toBe(expected);
  });
});
