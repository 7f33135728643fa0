import { ErrorCode } from '@onair/protocol';
import { PlayerError, PlayerErrorCode } from '../errors.js';

export interface WaitForPlaylistOptions {
  fetch: typeof fetch;
  signal: AbortSignal;
  /** first delay between tries, ms */
  retryDelay: number;
  /** the delay doubles up to this, ms */
  maxRetryDelay: number;
  /** tries before giving up with 20404 (a stream that already ended); default unlimited */
  maxAttempts?: number;
}

/** The delay before try number `attempt` (0-based): doubling from `first`, capped at `max`. */
export function retryDelay(attempt: number, first: number, max: number): number {
  return Math.min(max, first * 2 ** Math.min(attempt, 16));
}

/**
 * Resolves once the session's playlist answers 200. The origin answers 404 (code 20404)
 * until the streamer's first segment exists, and network failures may be brief: both are
 * retried with backoff. Any other refusal (403: the session lapsed or was refused) rejects
 * with the server's code; so does `signal` (disconnect).
 */
export async function waitForPlaylist(url: string, opts: WaitForPlaylistOptions): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (opts.signal.aborted) throw PlayerError.network('the player was disconnected');
    let res: Response | undefined;
    try {
      res = await opts.fetch(url, { cache: 'no-store', credentials: 'omit', signal: opts.signal });
    } catch {
      res = undefined; // network blip or abort: the loop's check decides
    }
    if (res?.ok) {
      await res.body?.cancel().catch(() => undefined);
      return;
    }
    if (res) {
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        body = undefined;
      }
      const notYet = res.status === 404 && (body === undefined || (body as { code?: unknown }).code === ErrorCode.NotFound);
      if (!notYet) throw PlayerError.fromServer(res.status, body, res.headers.get('retry-after'));
    }
    if (attempt + 1 >= (opts.maxAttempts ?? Infinity)) {
      throw new PlayerError(PlayerErrorCode.StreamNotFound, 'the stream has no media');
    }
    await sleep(retryDelay(attempt, opts.retryDelay, opts.maxRetryDelay), opts.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
