/** Redis connections of the queue side (ours; BullMQ makes its own from the same URL). */
import { Redis } from 'ioredis';
import type { JobLogger } from '../logger.js';

/**
 * A connection that waits through Redis outages instead of failing commands (events and
 * heartbeats are sent again once Redis is back); errors are logged, not thrown at the emitter.
 */
export function connectRedis(url: string, name: string, log?: JobLogger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: name });
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    // ioredis retries by itself; one line every 5 s is enough while Redis is down
    if (Date.now() - lastLogged < 5_000) return;
    lastLogged = Date.now();
    log?.warn({ err: err.message, connection: name }, 'redis connection error');
  });
  return redis;
}

/** Closes a connection politely, or drops it when Redis does not answer. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await Promise.race([redis.quit(), new Promise((_, reject) => setTimeout(() => reject(new Error('quit timeout')), 1_000))]);
  } catch {
    redis.disconnect();
  }
}
