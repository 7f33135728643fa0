import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { readServeConfig } from './serve-config.js';
import { readWorkerConfig, WORKER_USAGE } from './worker-config.js';

const KEY = 'SK' + 'a'.repeat(32);
const ACCOUNT = 'AC' + 'b'.repeat(32);
const creds = { ONAIR_API_KEY: KEY, ONAIR_API_SECRET: 'a-secret-of-enough-length' };

describe('onair worker settings', () => {
  it('needs a Redis URL, with a message saying where to give it', () => {
    expect(() => readWorkerConfig([], creds, '/tmp')).toThrow(ConfigError);
    expect(() => readWorkerConfig([], creds, '/tmp')).toThrow(/--redis-url .*ONAIR_REDIS_URL/);
  });

  it('reads every flag, and a flag wins over env', () => {
    const c = readWorkerConfig(
      ['--redis-url', 'redis://127.0.0.1:7001', '--origin-url', 'http://10.0.0.5:8080/', '--data-dir', 'w', '--drain-timeout', '5s'],
      { ...creds, ONAIR_REDIS_URL: 'redis://other:1', ONAIR_ORIGIN_URL: 'http://x', ONAIR_DRAIN_TIMEOUT: '1m', ONAIR_MAX_PROCESSORS: '3' },
      '/srv',
    )!;
    expect(c.redis.connection).toEqual({ host: '127.0.0.1', port: 7001 });
    expect(c.originUrl).toBe('http://10.0.0.5:8080');
    expect(c.dataDir).toBe('/srv/w');
    expect(c.drainTimeoutMs).toBe(5_000);
    expect(c.maxProcessors).toBe(3);
    expect(c.credentials).toEqual({ apiKeySid: KEY, apiSecret: creds.ONAIR_API_SECRET, accountSid: undefined });
  });

  it('takes everything from env, with defaults', () => {
    const c = readWorkerConfig([], { ...creds, ONAIR_REDIS_URL: 'redis://127.0.0.1:6390/1', ONAIR_ACCOUNT_SID: ACCOUNT }, '/srv')!;
    expect(c.redis.connection).toEqual({ host: '127.0.0.1', port: 6390, db: 1 });
    expect(c.originUrl).toBe('http://127.0.0.1:8080');
    expect(c.dataDir).toBe('/srv/.onair');
    expect(c.drainTimeoutMs).toBe(60_000);
    expect(c.credentials.accountSid).toBe(ACCOUNT);
  });

  it("reads the server's credentials.json from its data dir when env has no key", () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-worker-config-'));
    writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ accountSid: ACCOUNT, apiKeySid: KEY, apiSecret: 's'.repeat(20), authToken: 't'.repeat(32) }));
    const c = readWorkerConfig(['--data-dir', dir], { ONAIR_REDIS_URL: 'redis://127.0.0.1' })!;
    expect(c.credentials).toEqual({ apiKeySid: KEY, apiSecret: 's'.repeat(20), accountSid: ACCOUNT });
  });

  it.each([
    [['--redis-url', 'http://x'], {}, /redis:\/\//],
    [['--redis-url', 'redis://h', '--origin-url', 'ftp://x'], {}, /http or https/],
    [['--redis-url', 'redis://h', '--origin-url', 'http://u:p@x'], {}, /credentials/],
    [['--redis-url', 'redis://h', '--drain-timeout', 'soon'], {}, /--drain-timeout/],
    [['--redis-url', 'redis://h'], { ONAIR_MAX_PROCESSORS: '0' }, /ONAIR_MAX_PROCESSORS/],
    [['--redis-url', 'redis://h', '--bogus'], {}, /bogus/],
  ] as const)('refuses %j %j', (args, env, message) => {
    expect(() => readWorkerConfig([...args], { ...creds, ...env }, '/tmp/nowhere')).toThrow(message);
  });

  it('needs the API key', () => {
    expect(() => readWorkerConfig(['--redis-url', 'redis://h'], {}, '/tmp/nowhere')).toThrow(/ONAIR_API_KEY and ONAIR_API_SECRET/);
  });

  it('--help returns no config, and the usage names every flag and env', () => {
    expect(readWorkerConfig(['--help'], {})).toBeUndefined();
    for (const name of ['--redis-url', '--origin-url', '--data-dir', '--drain-timeout', 'ONAIR_REDIS_URL', 'ONAIR_ORIGIN_URL', 'ONAIR_DATA_DIR', 'ONAIR_DRAIN_TIMEOUT', 'ONAIR_MAX_PROCESSORS', 'ONAIR_API_KEY']) {
      expect(WORKER_USAGE).toContain(name);
    }
  });
});

describe('onair serve: Redis and the embedded worker', () => {
  it('runs an embedded worker and no Redis by default', () => {
    const c = readServeConfig([], {}, '/srv')!;
    expect(c.redis).toBeUndefined();
    expect(c.worker).toBe(true);
  });

  it('takes --redis-url or ONAIR_REDIS_URL, and --no-worker or ONAIR_WORKER=0 with it', () => {
    expect(readServeConfig(['--redis-url', 'redis://127.0.0.1:7002', '--no-worker'], {}, '/srv')).toMatchObject({
      redis: { connection: { host: '127.0.0.1', port: 7002 } },
      worker: false,
    });
    expect(readServeConfig([], { ONAIR_REDIS_URL: 'redis://h', ONAIR_WORKER: '0' }, '/srv')).toMatchObject({ worker: false });
  });

  it('refuses --no-worker without Redis (nothing would run the jobs)', () => {
    expect(() => readServeConfig(['--no-worker'], {}, '/srv')).toThrow(/needs --redis-url/);
    expect(() => readServeConfig([], { ONAIR_WORKER: '0' }, '/srv')).toThrow(/needs --redis-url/);
    expect(() => readServeConfig([], { ONAIR_WORKER: 'maybe' }, '/srv')).toThrow(/ONAIR_WORKER/);
  });
});
