/**
 * `onair serve` settings from flags and environment. A flag wins over env. This module
 * and cli.ts are the only places that see process.env (it is passed in).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { IceServerInfo } from '@onair/protocol';
import type { Credentials } from './credentials.js';
import { parseCallbackAllow, type CallbackAllowList } from '../callbacks/allow-list.js';
import { parseDuration } from '../playback/duration.js';
import { BUDGETS_USAGE, readBudgets, type BudgetSettings } from './budgets-config.js';
import { parseByteSize } from './byte-size.js';
import { ConfigError, fromEnv as envSetting, fromFlag, type Env } from './config-error.js';
import { MEDIA_USAGE, readMediaConfig, type MediaConfig } from './media-config.js';
import { parseRedisUrl, RedisUrlError, type RedisConnection } from './redis-url.js';

export interface ServeConfig extends MediaConfig {
  port: number;
  host: string;
  dataDir: string;
  /** public base URL used in resource URLs; when unset, derived from each request's Host */
  publicUrl: string | undefined;
  credentials: Partial<Credentials>;
  /** where media jobs are queued for workers (--redis-url, ONAIR_REDIS_URL); absent: all in this process */
  redis: { url: string; connection: RedisConnection } | undefined;
  /** run an embedded worker in this process (default true; --no-worker / ONAIR_WORKER=0) */
  worker: boolean;
  /** playback: retention of ended streams (ms), viewer limit per streamer, session idle timeout (s) */
  playback: { retentionMs: number; maxViewers: number | undefined; idleTimeoutSeconds: number | undefined };
  /** free bytes the data dir's disk keeps: below it new media processors are refused and recordings end (ONAIR_MIN_FREE_DISK) */
  minFreeDiskBytes: number;
  logLevel: string;
  /** serve the demo pages and their /demo/api routes (off: /demo/* answers 404) */
  demo: boolean;
  ice: {
    servers: IceServerInfo[];
    turn?: { urls: string[]; secret: string; ttlSeconds: number };
  };
  /** what status callbacks may reach besides public addresses (ONAIR_CALLBACK_ALLOW) */
  callbackAllow: CallbackAllowList;
  /** what each client may spend (budgets-config.ts) */
  budgets: BudgetSettings;
}

export { ConfigError, type Env };

export const SERVE_DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: '.onair',
  logLevel: 'info',
  minFreeDisk: '1GB',
} as const;

export const SERVE_USAGE = `Usage: onair serve [options]

Options (each also settable from the environment):
  --port <n>          port to listen on              ONAIR_PORT        (default ${SERVE_DEFAULTS.port})
  --host <addr>       address to bind                ONAIR_HOST        (default ${SERVE_DEFAULTS.host}: this machine only;
                      0.0.0.0 or another address exposes it, and then /demo/api, /demo/watch and
                      /metrics ask for the API credentials too)
  --data-dir <dir>    data directory                 ONAIR_DATA_DIR    (default ${SERVE_DEFAULTS.dataDir})
  --public-url <url>  public base URL of the server  ONAIR_PUBLIC_URL  (default: from the request Host)
  --log-level <lvl>   fatal|error|warn|info|debug    ONAIR_LOG_LEVEL   (default ${SERVE_DEFAULTS.logLevel})
  --no-demo           do not serve the demo (/demo)  ONAIR_DEMO=0      (default: served)
  --redis-url <url>   queue media jobs on Redis      ONAIR_REDIS_URL   (default: none, every job runs in
                      this process); redis://host:port[/db] or rediss://… (TLS);
                      workers (onair worker) on this or other machines take them
  --no-worker         run no media jobs here         ONAIR_WORKER=0    (needs --redis-url: the
                      workers run them all)
  -h, --help          show this help

Requests whose Host header names neither loopback, the public URL's host nor an address the
server is bound to are refused (400); so are cross-site browser requests to /v1 (403).
Credentials: ONAIR_ACCOUNT_SID, ONAIR_API_KEY, ONAIR_API_SECRET, ONAIR_AUTH_TOKEN.
Without them, onair generates them once and keeps them in <data-dir>/credentials.json.
${MEDIA_USAGE}
ICE: ONAIR_ICE_SERVERS (JSON list of {urls, username?, credential?}); TURN REST credentials
with ONAIR_TURN_URLS (comma-separated turn: URLs), ONAIR_TURN_SECRET, ONAIR_TURN_TTL (s).
Playback: ONAIR_RETENTION (how long HLS files of ended streams are kept: 3600, 30m, 1h;
default 1h), ONAIR_MAX_VIEWERS (viewers per stream; default unlimited),
ONAIR_PLAYBACK_IDLE_TIMEOUT (a viewer's session lapses this long after its last request;
default 30s).
Status callbacks: ONAIR_CALLBACK_ALLOW (comma list of CIDRs or host names that
StatusCallback URLs may reach besides public addresses; loopback, private, link-local,
CGNAT, multicast and reserved addresses are refused otherwise; e.g. 127.0.0.0/8 to receive
callbacks on this machine; default: none).
${BUDGETS_USAGE}
Disk: ONAIR_MIN_FREE_DISK (free space the data dir's disk keeps: 2GB, 500MB, 1GiB or bytes;
default ${SERVE_DEFAULTS.minFreeDisk}; 0 turns it off). Below it, new media processors (and so recordings)
are refused with 503 (20503), and running recordings end, keeping what they recorded.`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function duration(value: string, name: string, min: number, max: number): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < min || ms > max) {
    throw new ConfigError(
      `${name} must be a duration such as 3600 (seconds), 90s, 30m or 1h, from ${min / 1000} s to ${max / 1000} s (got '${value}')`,
    );
  }
  return ms;
}

function playback(env: Env): ServeConfig['playback'] {
  const maxViewers = env.ONAIR_MAX_VIEWERS;
  if (maxViewers !== undefined && maxViewers !== '' && (!/^\d+$/.test(maxViewers) || Number(maxViewers) < 1 || Number(maxViewers) > 1_000_000)) {
    throw new ConfigError(`ONAIR_MAX_VIEWERS must be a whole number from 1 to 1000000 (got '${maxViewers}')`);
  }
  const idle = env.ONAIR_PLAYBACK_IDLE_TIMEOUT;
  return {
    retentionMs: env.ONAIR_RETENTION ? duration(env.ONAIR_RETENTION, 'ONAIR_RETENTION', 0, 365 * 86_400_000) : 3_600_000,
    maxViewers: maxViewers ? Number(maxViewers) : undefined,
    idleTimeoutSeconds: idle ? duration(idle, 'ONAIR_PLAYBACK_IDLE_TIMEOUT', 1_000, 86_400_000) / 1000 : undefined,
  };
}

function minFreeDisk(value: string | undefined): number {
  const raw = value === undefined || value === '' ? SERVE_DEFAULTS.minFreeDisk : value;
  const bytes = parseByteSize(raw);
  if (bytes === undefined) {
    throw new ConfigError(`ONAIR_MIN_FREE_DISK must be a size in bytes with an optional unit, such as 2GB, 500MB or 1GiB (got '${raw}')`);
  }
  return bytes;
}

/** A Redis URL from a flag or env, parsed (shared with `onair worker`). */
export function redisSetting(given: { value: string; from: string } | undefined): ServeConfig['redis'] {
  if (!given) return undefined;
  try {
    return { url: given.value, connection: parseRedisUrl(given.value, given.from) };
  } catch (err) {
    if (err instanceof RedisUrlError) throw new ConfigError(err.message);
    throw err;
  }
}

function workerFromEnv(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ConfigError(`ONAIR_WORKER must be 1 or 0 (got '${value}')`);
}

function demoFromEnv(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ConfigError(`ONAIR_DEMO must be 1 or 0 (got '${value}')`);
}

function callbackAllow(value: string | undefined): CallbackAllowList {
  try {
    return parseCallbackAllow(value ?? '');
  } catch (err) {
    throw new ConfigError(`ONAIR_CALLBACK_ALLOW: ${(err as Error).message} (expected a comma list such as 127.0.0.0/8,hooks.internal)`);
  }
}

function port(value: string, from: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`${from} must be a port number between 0 and 65535 (got '${value}')`);
  }
  return Number(value);
}

function publicUrl(value: string, from: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError(`${from} must be an absolute URL such as https://live.example.com (got '${value}')`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ConfigError(`${from} must use http or https (got '${value}')`);
  }
  return value.replace(/\/+$/, '');
}

function iceServers(env: Env): ServeConfig['ice'] {
  let servers: IceServerInfo[] = [];
  if (env.ONAIR_ICE_SERVERS) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.ONAIR_ICE_SERVERS);
    } catch (err) {
      throw new ConfigError(`ONAIR_ICE_SERVERS must be JSON (${(err as Error).message})`);
    }
    const ok =
      Array.isArray(parsed) &&
      parsed.every(
        (s) =>
          s && typeof s === 'object' &&
          (typeof s.urls === 'string' || (Array.isArray(s.urls) && s.urls.every((u: unknown) => typeof u === 'string'))) &&
          (s.username === undefined || typeof s.username === 'string') &&
          (s.credential === undefined || typeof s.credential === 'string'),
      );
    if (!ok) throw new ConfigError('ONAIR_ICE_SERVERS must be a JSON array of {"urls": "...", "username"?, "credential"?}');
    servers = parsed as IceServerInfo[];
  }
  const urls = (env.ONAIR_TURN_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) return { servers };
  if (!env.ONAIR_TURN_SECRET) throw new ConfigError('ONAIR_TURN_URLS needs ONAIR_TURN_SECRET (the TURN server\'s shared secret)');
  const ttl = env.ONAIR_TURN_TTL ?? '86400';
  if (!/^\d+$/.test(ttl) || Number(ttl) < 60) throw new ConfigError(`ONAIR_TURN_TTL must be seconds >= 60 (got '${ttl}')`);
  return { servers, turn: { urls, secret: env.ONAIR_TURN_SECRET, ttlSeconds: Number(ttl) } };
}

/** Parses `serve`'s arguments (after the subcommand) and env; returns undefined for --help. */
export function readServeConfig(args: string[], env: Env, cwd = process.cwd()): ServeConfig | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'public-url': { type: 'string' },
        'log-level': { type: 'string' },
        'no-demo': { type: 'boolean' },
        'redis-url': { type: 'string' },
        'no-worker': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${SERVE_USAGE}`);
  }
  if (values.help) return undefined;
  const pick = fromFlag;
  const fromEnv = (key: string) => envSetting(env, key);

  const p = pick(values.port, 'port') ?? fromEnv('ONAIR_PORT');
  const u = pick(values['public-url'], 'public-url') ?? fromEnv('ONAIR_PUBLIC_URL');
  const level = values['log-level'] ?? env.ONAIR_LOG_LEVEL ?? SERVE_DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')} (got '${level}')`);
  }
  const redis = redisSetting(pick(values['redis-url'], 'redis-url') ?? fromEnv('ONAIR_REDIS_URL'));
  const worker = values['no-worker'] ? false : workerFromEnv(env.ONAIR_WORKER);
  if (!worker && !redis) {
    throw new ConfigError(
      `${values['no-worker'] ? '--no-worker' : 'ONAIR_WORKER=0'} needs --redis-url (or ONAIR_REDIS_URL): without Redis, media jobs run only in this process`,
    );
  }
  return {
    port: p ? port(p.value, p.from) : SERVE_DEFAULTS.port,
    host: values.host ?? env.ONAIR_HOST ?? SERVE_DEFAULTS.host,
    dataDir: resolve(cwd, values['data-dir'] ?? env.ONAIR_DATA_DIR ?? SERVE_DEFAULTS.dataDir),
    publicUrl: u ? publicUrl(u.value, u.from) : undefined,
    credentials: {
      ...(env.ONAIR_ACCOUNT_SID ? { accountSid: env.ONAIR_ACCOUNT_SID } : {}),
      ...(env.ONAIR_API_KEY ? { apiKeySid: env.ONAIR_API_KEY } : {}),
      ...(env.ONAIR_API_SECRET ? { apiSecret: env.ONAIR_API_SECRET } : {}),
      ...(env.ONAIR_AUTH_TOKEN ? { authToken: env.ONAIR_AUTH_TOKEN } : {}),
    },
    ...readMediaConfig(env),
    redis,
    worker,
    playback: playback(env),
    minFreeDiskBytes: minFreeDisk(env.ONAIR_MIN_FREE_DISK),
    logLevel: level,
    demo: values['no-demo'] ? false : demoFromEnv(env.ONAIR_DEMO),
    ice: iceServers(env),
    callbackAllow: callbackAllow(env.ONAIR_CALLBACK_ALLOW),
    budgets: readBudgets(env),
  };
}
