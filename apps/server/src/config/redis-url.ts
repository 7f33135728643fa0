/**
 * A Redis location from `--redis-url` / ONAIR_REDIS_URL: `redis://[user:pass@]host[:port][/db]`
 * or `rediss://…` (TLS). Checked once here (the queue hands the URL to ioredis and BullMQ);
 * the password never appears in a message.
 */
export interface RedisConnection {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
}

export class RedisUrlError extends Error {
  override readonly name = 'RedisUrlError';
}

/** `url` with any password replaced, for logs and messages. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(\w+:\/\/)([^@/]*)@/, (_, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? auth.split(':')[0] + ':***' : '***'}@`);
}

function db(value: string | null | undefined, from: string): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (!/^\d{1,2}$/.test(value)) throw new RedisUrlError(`${from}: the database must be a number from 0 to 15 (got '${value}')`);
  const n = Number(value);
  if (n > 15) throw new RedisUrlError(`${from}: the database must be a number from 0 to 15 (got '${value}')`);
  return n;
}

export function parseRedisUrl(raw: string, from: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new RedisUrlError(`${from} must be a URL such as redis://127.0.0.1:6379 (got '${redactRedisUrl(raw)}')`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new RedisUrlError(`${from} must start with redis:// or rediss:// (got '${redactRedisUrl(raw)}')`);
  }
  if (!u.hostname) throw new RedisUrlError(`${from} must name a host, such as redis://127.0.0.1:6379`);
  const n = db(u.pathname.replace(/^\//, ''), from);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(n !== undefined ? { db: n } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
