/**
 * `onair worker` and serve's worker flags as an operator meets them: what they need, what
 * they say when it is missing or wrong (exit 2, a clear message, no secret repeated).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRedis, type RedisServer } from './support/redis.js';
import { cliPath, startServer, type RunningServer } from './support/server.js';

const KEY = 'SK' + '1'.repeat(32);
const SECRET = 'worker-cli-test-secret-value';

function onair(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ONAIR_')));
  const r = spawnSync(process.execPath, [cliPath, ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let redis: RedisServer;
let embedded: RunningServer;
let queued: RunningServer;

beforeAll(async () => {
  redis = await startRedis();
  [embedded, queued] = await Promise.all([startServer(), startServer({ args: ['--redis-url', redis.url, '--no-worker'] })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([embedded?.stop(), queued?.stop()]);
  await redis?.stop();
});

describe('onair worker', () => {
  test('without a Redis URL: exit 2, naming --redis-url and ONAIR_REDIS_URL', () => {
    const r = onair(['worker'], { ONAIR_API_KEY: KEY, ONAIR_API_SECRET: SECRET });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--redis-url/);
    expect(r.err).toMatch(/ONAIR_REDIS_URL/);
  });

  test('--help documents every flag and its env; onair help lists the command', () => {
    const r = onair(['worker', '--help']);
    expect(r.code).toBe(0);
    for (const name of ['--redis-url', '--origin-url', '--data-dir', '--drain-timeout', 'ONAIR_REDIS_URL', 'ONAIR_ORIGIN_URL', 'ONAIR_DATA_DIR', 'ONAIR_DRAIN_TIMEOUT', 'ONAIR_MAX_PROCESSORS', 'ONAIR_API_KEY', 'ONAIR_API_SECRET']) {
      expect(r.out).toContain(name);
    }
    expect(onair(['help']).out).toMatch(/^\s+worker\s/m);
  });

  test.each([
    [['--redis-url', 'http://127.0.0.1:6379'], /redis:\/\//],
    [['--redis-url', 'redis://127.0.0.1:6379', '--drain-timeout', 'soon'], /--drain-timeout/],
    [['--redis-url', 'redis://127.0.0.1:6379', '--origin-url', 'ftp://x'], /http or https/],
    [['--redis-url', 'redis://127.0.0.1:6379', '--no-such-flag'], /no-such-flag/],
  ])('%j: exit 2 with a message', (args, message) => {
    const r = onair(['worker', ...args], { ONAIR_API_KEY: KEY, ONAIR_API_SECRET: SECRET });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  test("without the server's API key: exit 2", () => {
    const r = onair(['worker', '--redis-url', 'redis://127.0.0.1:6379', '--data-dir', '/nonexistent-onair']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ONAIR_API_KEY and ONAIR_API_SECRET/);
  });

  test('a wrong API secret: the origin refuses it, exit 2, the secret never printed', () => {
    const wrong = 'definitely-not-the-secret';
    const r = onair(['worker', '--redis-url', redis.url, '--origin-url', queued.url, '--data-dir', `${queued.dataDir}-w`], {
      ONAIR_API_KEY: queued.creds.apiKeySid,
      ONAIR_API_SECRET: wrong,
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/refused the API key/);
    expect(r.out + r.err).not.toContain(wrong);
  });

  test('pointed at a server without Redis: exit 2, saying the server takes no workers', () => {
    const r = onair(['worker', '--redis-url', 'redis://127.0.0.1:9', '--origin-url', embedded.url, '--data-dir', `${embedded.dataDir}-w`], {
      ONAIR_API_KEY: embedded.creds.apiKeySid,
      ONAIR_API_SECRET: embedded.creds.apiSecret,
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/takes no workers.*--redis-url/);
  });
});

describe('onair serve and workers', () => {
  test('--no-worker or ONAIR_WORKER=0 without Redis: exit 2', () => {
    for (const [args, env] of [[['serve', '--no-worker'], {}], [['serve'], { ONAIR_WORKER: '0' }]] as const) {
      const r = onair([...args, '--port', '0', '--data-dir', `${embedded.dataDir}-nw`], env);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/needs --redis-url/);
    }
  });

  test('--help documents --redis-url and --no-worker with their env', () => {
    const r = onair(['serve', '--help']);
    for (const name of ['--redis-url', 'ONAIR_REDIS_URL', '--no-worker', 'ONAIR_WORKER=0']) expect(r.out).toContain(name);
  });
});
