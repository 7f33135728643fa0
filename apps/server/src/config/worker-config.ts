/**
 * `onair worker` settings from flags and environment (a flag wins over env). A worker runs
 * media jobs only: it takes them from Redis, pushes what it packages to the origin, and
 * authenticates there with the server's API key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SidPrefix, isSid } from '@onair/protocol';
import { parseDuration } from '../playback/duration.js';
import { ConfigError, fromEnv as envSetting, fromFlag, type Env } from './config-error.js';
import { MEDIA_USAGE, readMediaConfig, type MediaConfig } from './media-config.js';
import type { RedisConnection } from './redis-url.js';
import { redisSetting, SERVE_DEFAULTS } from './serve-config.js';

export interface WorkerCredentials {
  apiKeySid: string;
  apiSecret: string;
  /** absent: asked of the origin at start */
  accountSid: string | undefined;
}

export interface WorkerConfig extends MediaConfig {
  redis: { url: string; connection: RedisConnection };
  /** the server (API and origin) this worker pushes media to and whose rooms it joins */
  originUrl: string;
  /** the worker's own files: Chromium profiles, recordings before upload */
  dataDir: string;
  /** how long SIGTERM waits for running jobs to end before handing them to other workers, ms */
  drainTimeoutMs: number;
  credentials: WorkerCredentials;
  logLevel: string;
}

export const WORKER_DEFAULTS = {
  originUrl: `http://127.0.0.1:${SERVE_DEFAULTS.port}`,
  drainTimeout: '60s',
} as const;

export const WORKER_USAGE = `Usage: onair worker [options]

Runs media jobs (composer, ffmpeg, packaging) that an \`onair serve\` queues on Redis, and
pushes the streams to that server (the origin). Run as many as the load needs, on this
machine or others.

Options (each also settable from the environment):
  --redis-url <url>       the server's Redis (required)     ONAIR_REDIS_URL
                          redis://host:port[/db] or rediss://… (TLS)
  --origin-url <url>      the server's URL                  ONAIR_ORIGIN_URL     (default ${WORKER_DEFAULTS.originUrl})
  --data-dir <dir>        the worker's working files        ONAIR_DATA_DIR       (default ${SERVE_DEFAULTS.dataDir})
  --drain-timeout <d>     on SIGTERM, how long running jobs ONAIR_DRAIN_TIMEOUT  (default ${WORKER_DEFAULTS.drainTimeout})
                          may end on their own before they move to another worker (30s, 2m, 0)
  --log-level <lvl>       fatal|error|warn|info|debug       ONAIR_LOG_LEVEL      (default ${SERVE_DEFAULTS.logLevel})
  -h, --help              show this help

Credentials: the server's API key, ONAIR_API_KEY and ONAIR_API_SECRET (and ONAIR_ACCOUNT_SID;
when unset, the worker asks the server). Without them in env, <data-dir>/credentials.json is
read when it exists (a worker beside the server may share its data dir).
Capacity: ONAIR_MAX_PROCESSORS is how many jobs this worker runs at once (default from its cores).
${MEDIA_USAGE}`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function originUrl(value: string, from: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError(`${from} must be an absolute URL such as http://10.0.0.5:8080 (got '${value}')`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`${from} must use http or https (got '${value}')`);
  if (u.username || u.password) throw new ConfigError(`${from} must not carry credentials; use ONAIR_API_KEY and ONAIR_API_SECRET`);
  return u.origin + u.pathname.replace(/\/+$/, '');
}

function credentials(env: Env, dataDir: string): WorkerCredentials {
  let stored: Record<string, unknown> = {};
  const file = join(dataDir, 'credentials.json');
  if ((!env.ONAIR_API_KEY || !env.ONAIR_API_SECRET) && existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`${file} is not valid JSON (${(err as Error).message})`);
    }
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const apiKeySid = env.ONAIR_API_KEY || str(stored.apiKeySid);
  const apiSecret = env.ONAIR_API_SECRET || str(stored.apiSecret);
  const accountSid = env.ONAIR_ACCOUNT_SID || str(stored.accountSid);
  if (!apiKeySid || !apiSecret) {
    throw new ConfigError(
      `onair worker needs the server's API key: set ONAIR_API_KEY and ONAIR_API_SECRET (or --data-dir to a directory with the server's credentials.json)`,
    );
  }
  if (!isSid(SidPrefix.ApiKey, apiKeySid)) throw new ConfigError('ONAIR_API_KEY must be SK followed by 32 hex characters');
  if (accountSid !== undefined && !isSid(SidPrefix.Account, accountSid)) {
    throw new ConfigError('ONAIR_ACCOUNT_SID must be AC followed by 32 hex characters');
  }
  return { apiKeySid, apiSecret, accountSid };
}

/** Parses `worker`'s arguments (after the subcommand) and env; returns undefined for --help. */
export function readWorkerConfig(args: string[], env: Env, cwd = process.cwd()): WorkerConfig | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        'redis-url': { type: 'string' },
        'origin-url': { type: 'string' },
        'data-dir': { type: 'string' },
        'drain-timeout': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${WORKER_USAGE}`);
  }
  if (values.help) return undefined;
  const pick = fromFlag;
  const fromEnv = (key: string) => envSetting(env, key);
  const redis = redisSetting(pick(values['redis-url'], 'redis-url') ?? fromEnv('ONAIR_REDIS_URL'));
  if (!redis) {
    throw new ConfigError('onair worker needs a Redis URL: --redis-url redis://HOST:PORT or ONAIR_REDIS_URL (the same Redis as the server\'s)');
  }
  const origin = pick(values['origin-url'], 'origin-url') ?? fromEnv('ONAIR_ORIGIN_URL');
  const drain = pick(values['drain-timeout'], 'drain-timeout') ?? fromEnv('ONAIR_DRAIN_TIMEOUT') ?? { value: WORKER_DEFAULTS.drainTimeout, from: 'the default' };
  const drainMs = parseDuration(drain.value);
  if (drainMs === undefined || drainMs > 86_400_000) {
    throw new ConfigError(`${drain.from} must be a duration such as 60s, 5m or 0, at most 24h (got '${drain.value}')`);
  }
  const level = values['log-level'] ?? env.ONAIR_LOG_LEVEL ?? SERVE_DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')} (got '${level}')`);
  const dataDir = resolve(cwd, values['data-dir'] ?? env.ONAIR_DATA_DIR ?? SERVE_DEFAULTS.dataDir);
  return {
    ...readMediaConfig(env),
    redis,
    originUrl: origin ? originUrl(origin.value, origin.from) : WORKER_DEFAULTS.originUrl,
    dataDir,
    drainTimeoutMs: drainMs,
    credentials: credentials(env, dataDir),
    logLevel: level,
  };
}
