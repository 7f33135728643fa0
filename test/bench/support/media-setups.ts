/**
 * The two ways to run onair's media jobs, for `distributed.bench.ts`, each started as an
 * operator would with the real CLI:
 *
 * - embedded: `onair serve` alone, its embedded worker (the default; no Redis);
 * - distributed: a private `redis-server`, `onair serve --redis-url … --no-worker` (API and
 *   origin only) and `onair worker` processes that take the jobs from Redis and push what
 *   they package to the origin over HTTP.
 *
 * Every process logs at `info` (JSON on stdout: the jobs' milestones) and keeps a standby
 * Chromium where jobs run (ONAIR_COMPOSER_STANDBY=1, the CLI's default that test support
 * turns off).
 */
import { rmSync } from 'node:fs';
import { startRedis, type RedisServer } from '../../e2e/support/redis.js';
import { startServer, type RunningServer } from '../../e2e/support/server.js';
import { startWorker, type RunningWorker } from '../../e2e/support/worker.js';
import { embeddedHosts, type JobHosts } from './composer-runs.js';

export interface MediaSetup {
  name: 'embedded' | 'distributed';
  /** how it runs, one line */
  describe: string;
  server: RunningServer;
  hosts: JobHosts;
  /** stops everything it started and removes its data dirs */
  stop(): Promise<void>;
}

const STANDBY_ENV = { ONAIR_COMPOSER_STANDBY: '1' };
const INFO = ['--log-level', 'info'];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** SIGTERM, or SIGKILL after 15 s; then its data dir goes. */
async function stopServer(server: RunningServer): Promise<void> {
  const stopped = await Promise.race([server.stop().then(() => true), sleep(15_000).then(() => false)]);
  if (!stopped) await server.kill();
  rmSync(server.dataDir, { recursive: true, force: true });
}

async function stopWorker(worker: RunningWorker): Promise<void> {
  const stopped = await Promise.race([worker.stop().then(() => true), sleep(15_000).then(() => false)]);
  if (!stopped) await worker.kill();
  rmSync(worker.dataDir, { recursive: true, force: true });
}

/** `onair serve` as a user runs it: the embedded worker, no Redis. */
export async function startEmbedded(): Promise<MediaSetup> {
  const server = await startServer({ env: STANDBY_ENV, args: INFO });
  return {
    name: 'embedded',
    describe: '`onair serve` (embedded worker, the default: no Redis; ONAIR_MAX_PROCESSORS from the cores)',
    server,
    hosts: embeddedHosts(server),
    stop: () => stopServer(server),
  };
}

/** Redis, `onair serve --redis-url … --no-worker`, and `workers` × `onair worker` with `capacity` each. */
export async function startDistributed(workers: number, capacity: number): Promise<MediaSetup> {
  const redis: RedisServer = await startRedis();
  let server: RunningServer | undefined;
  const running: RunningWorker[] = [];
  const stop = async () => {
    await Promise.all(running.map(stopWorker));
    if (server) await stopServer(server);
    await redis.stop();
  };
  try {
    server = await startServer({ args: ['--redis-url', redis.url, '--no-worker', ...INFO] });
    const s = server;
    for (let i = 0; i < workers; i++) {
      running.push(await startWorker({ redisUrl: redis.url, originUrl: s.url, creds: s.creds, capacity, env: STANDBY_ENV, args: INFO }));
    }
    return {
      name: 'distributed',
      describe: `redis-server, \`onair serve --redis-url … --no-worker\`, ${workers} × \`onair worker\` (ONAIR_MAX_PROCESSORS=${capacity} each)`,
      server: s,
      hosts: {
        pids: () => running.map((w) => w.proc.pid!),
        log: () => [s.stdout(), ...running.map((w) => w.stdout())].join('\n'),
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
