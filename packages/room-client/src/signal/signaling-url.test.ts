import { describe, expect, test } from 'vitest';
import { signalingUrl } from './signaling-url.js';

describe('signalingUrl', () => {
  test.each([
    ['http://localhost:8080', 'ws://localhost:8080/signaling'],
    ['https://example.org', 'wss://example.org/signaling'],
    ['https://example.org/', 'wss://example.org/signaling'],
    ['https://example.org/onair/', 'wss://example.org/onair/signaling'],
    ['https://example.org/onair?x=1#y', 'wss://example.org/onair/signaling'],
    ['ws://127.0.0.1:9000', 'ws://127.0.0.1:9000/signaling'],
    ['wss://example.org', 'wss://example.org/signaling'],
  ])('%s → %s', (input, expected) => {
    expect(signalingUrl(input)).toBe(expected);
  });

  test.each(['example.org', 'ftp://example.org', ''])('rejects %j', (input) => {
    expect(() => signalingUrl(input)).toThrow(TypeError);
  });
});
