import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl, RedisUrlError } from './redis-url.js';

describe('parseRedisUrl', () => {
  it('reads host, port, credentials, database and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/2', 'X')).toEqual({ host: '127.0.0.1', port: 6380, db: 2 });
    expect(parseRedisUrl('redis://localhost', 'X')).toEqual({ host: 'localhost', port: 6379 });
    expect(parseRedisUrl('rediss://u:p%40ss@redis.internal:6390', 'X')).toEqual({
      host: 'redis.internal',
      port: 6390,
      username: 'u',
      password: 'p@ss',
      tls: {},
    });
    expect(parseRedisUrl('redis://[::1]:6379', 'X')).toEqual({ host: '::1', port: 6379 });
  });

  it.each(['', 'localhost:6379', 'http://127.0.0.1:6379', 'redis://', 'redis://h/99', 'redis://h/x', 'unix:///run/redis.sock'])(
    'refuses %j with a message naming the setting',
    (raw) => {
      expect(() => parseRedisUrl(raw, 'ONAIR_REDIS_URL')).toThrow(RedisUrlError);
      expect(() => parseRedisUrl(raw, 'ONAIR_REDIS_URL')).toThrow(/ONAIR_REDIS_URL/);
    },
  );

  it('never repeats a password in its messages', () => {
    expect(() => parseRedisUrl('http://u:hunter2@h', 'X')).toThrow(/u:\*\*\*@h/);
    expect(() => parseRedisUrl('http://u:hunter2@h', 'X')).not.toThrow(/hunter2/);
    expect(redactRedisUrl('redis://:secret@h:1')).toBe('redis://:***@h:1');
  });
});
