/**
 * A worker's heartbeat: its WorkerInfo under a key that expires, refreshed every
 * `heartbeatMs` and at once when its load or state changes. A worker that dies stops
 * refreshing and disappears from `readWorkers` within `heartbeatTtlMs`.
 */
import type { Redis } from 'ioredis';
import type { WorkerInfo } from '../dispatch/types.js';
import type { QueueKeys } from './settings.js';

export class Heartbeat {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly info: () => Omit<WorkerInfo, 'lastSeen'>,
    private readonly everyMs: number,
    private readonly ttlMs: number,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.#schedule();
  }

  /** Writes the heartbeat now (after a change of load or state). */
  async beat(): Promise<void> {
    if (this.#stopped) return;
    const info: WorkerInfo = { ...this.info(), lastSeen: Date.now() };
    await this.redis
      .multi()
      .set(this.keys.heartbeat(info.id), JSON.stringify(info), 'PX', this.ttlMs)
      .sadd(this.keys.workers, info.id)
      .exec();
  }

  /** Stops beating and removes the heartbeat (a clean exit: gone at once, not after the TTL). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const id = this.info().id;
    await this.redis.multi().del(this.keys.heartbeat(id)).srem(this.keys.workers, id).exec();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      void this.beat()
        .catch(() => undefined) // Redis away: the next beat tries again
        .finally(() => {
          if (!this.#stopped) this.#schedule();
        });
    }, this.everyMs);
    this.#timer.unref();
  }
}

const FORGET_DEAD = `
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then redis.call('SREM', KEYS[1], ARGV[i]) end
end
return 0`;

/** Workers with a live heartbeat; ids whose heartbeat expired are forgotten. */
export async function readWorkers(redis: Redis, keys: QueueKeys): Promise<WorkerInfo[]> {
  const ids = await redis.smembers(keys.workers);
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map((id) => keys.heartbeat(id)));
  const live: WorkerInfo[] = [];
  const dead: string[] = [];
  ids.forEach((id, i) => {
    const raw = values[i];
    if (!raw) {
      dead.push(id);
      return;
    }
    try {
      live.push(JSON.parse(raw) as WorkerInfo);
    } catch {
      dead.push(id);
    }
  });
  // forget an id only if its heartbeat is still missing (it may have beaten since the MGET)
  if (dead.length) await redis.eval(FORGET_DEAD, 1, keys.workers, keys.heartbeat(''), ...dead);
  return live.sort((a, b) => a.id.localeCompare(b.id));
}

/** Jobs the live, non-draining workers can still take. */
export function freeSlots(workers: readonly WorkerInfo[]): number {
  return workers.filter((w) => !w.draining).reduce((sum, w) => sum + Math.max(0, w.capacity - w.running), 0);
}
