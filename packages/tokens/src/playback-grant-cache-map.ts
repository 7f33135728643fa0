import { TokenError } from './errors.js';
import { isIntegerInRange } from './guards.js';
import type { PlaybackGrantCache } from './playback-grant-cache.js';

export interface PlaybackGrantCacheMapOptions {
  /** Builds the cache for a key (usually a PlayerStreamer SID) the first time it is asked for. */
  create: (key: string) => PlaybackGrantCache;
  /** Most caches kept; the least recently used one is dropped beyond it. Default 100. */
  maxSize?: number;
}

export const PLAYBACK_GRANT_CACHE_MAP_DEFAULTS = Object.freeze({ maxSize: 100 });

/** One PlaybackGrantCache per PlayerStreamer (or other key), bounded, least recently used dropped first. */
export class PlaybackGrantCacheMap {
  readonly #create: (key: string) => PlaybackGrantCache;
  readonly #maxSize: number;
  readonly #caches = new Map<string, PlaybackGrantCache>();

  constructor(options: PlaybackGrantCacheMapOptions) {
    const opts = { ...PLAYBACK_GRANT_CACHE_MAP_DEFAULTS, ...options };
    if (typeof opts.create !== 'function') throw TokenError.options('create must be a function returning a PlaybackGrantCache');
    if (!isIntegerInRange(opts.maxSize, 1, 2 ** 31 - 1)) throw TokenError.options('maxSize must be a positive integer');
    this.#create = opts.create;
    this.#maxSize = opts.maxSize;
  }

  get size(): number {
    return this.#caches.size;
  }

  /** The cache for `key`, created on first use. */
  for(key: string): PlaybackGrantCache {
    let cache = this.#caches.get(key);
    if (cache) {
      this.#caches.delete(key); // re-inserted below: Map order is the recency order
    } else {
      cache = this.#create(key);
    }
    this.#caches.set(key, cache);
    for (const oldest of this.#caches.keys()) {
      if (this.#caches.size <= this.#maxSize) break;
      this.#caches.delete(oldest);
    }
    return cache;
  }

  has(key: string): boolean {
    return this.#caches.has(key);
  }

  /** Forgets the cache for `key` (e.g. its streamer ended). */
  delete(key: string): boolean {
    return this.#caches.delete(key);
  }
}
