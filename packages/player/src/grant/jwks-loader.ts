import type { JWK } from 'jose';
import { PlayerError } from '../errors.js';
import { serverClockOffset } from './server-clock.js';

/** The server's public grant keys and how far its clock is from the device's. */
export interface LoadedJwks {
  keys: JWK[];
  /** ms to add to `Date.now()` to read the server's clock */
  clockOffsetMs: number;
}

/** Loads a JWKS; a strategy so tests can hand in local keys and a fixed clock. */
export type JwksLoader = (url: string) => Promise<LoadedJwks>;

/**
 * Fetches `url` (uncached, so its `Date` header is fresh, without cookies) and reads the
 * server's clock from the answer. Fails with PlayerError 20503 when the keys cannot be had:
 * an unreachable server is not a bad grant.
 */
export function fetchJwksLoader(fetchImpl: typeof fetch, now: () => number = Date.now): JwksLoader {
  return async (url) => {
    const sentAt = now();
    let res: Response;
    try {
      res = await fetchImpl(url, { cache: 'no-store', credentials: 'omit' });
    } catch (error) {
      throw PlayerError.network(`could not load the server's signing keys (${url})`, error);
    }
    const receivedAt = now();
    if (!res.ok) throw PlayerError.network(`the server's signing keys (${url}) answered HTTP ${res.status}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch (error) {
      throw PlayerError.network(`the server's signing keys (${url}) are not JSON`, error);
    }
    const keys = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys)) throw PlayerError.network(`the server's signing keys (${url}) are not a JWKS`);
    return { keys: keys as JWK[], clockOffsetMs: serverClockOffset(res.headers.get('date'), sentAt, receivedAt) };
  };
}
