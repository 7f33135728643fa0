import { describe, expect, it } from 'vitest';
import { readBudgets } from './budgets-config.js';
import { ConfigError } from './config-error.js';

describe('readBudgets', () => {
  it('has defaults that leave normal use alone', () => {
    expect(readBudgets({})).toEqual({
      signaling: { messagesPerSecond: 100, bytesPerSecond: 262_144 },
      rest: { requestsPerSecond: 500 },
      playback: { sessionOpensPerAddressPerSecond: 100, sessionsPerToken: 10, maxHeld: 2_000, maxHeldPerSession: 4 },
    });
  });

  it('reads every setting from env', () => {
    const b = readBudgets({
      ONAIR_SIGNALING_MESSAGE_RATE: '7',
      ONAIR_SIGNALING_BYTE_RATE: '100000',
      ONAIR_REST_RATE: '0',
      ONAIR_PLAYBACK_SESSION_RATE: '3',
      ONAIR_PLAYBACK_SESSIONS_PER_TOKEN: '2',
      ONAIR_PLAYBACK_MAX_HELD: '50',
    });
    expect(b).toEqual({
      signaling: { messagesPerSecond: 7, bytesPerSecond: 100_000 },
      rest: { requestsPerSecond: 0 },
      playback: { sessionOpensPerAddressPerSecond: 3, sessionsPerToken: 2, maxHeld: 50, maxHeldPerSession: 4 },
    });
  });

  it.each([
    ['ONAIR_SIGNALING_MESSAGE_RATE', '0'],
    ['ONAIR_SIGNALING_MESSAGE_RATE', '1.5'],
    ['ONAIR_SIGNALING_BYTE_RATE', '1000'], // ten seconds' worth would not hold one large frame
    ['ONAIR_REST_RATE', '-1'],
    ['ONAIR_PLAYBACK_SESSIONS_PER_TOKEN', '0'],
    ['ONAIR_PLAYBACK_MAX_HELD', 'lots'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => readBudgets({ [name]: value })).toThrow(ConfigError);
    expect(() => readBudgets({ [name]: value })).toThrow(name);
  });
});
