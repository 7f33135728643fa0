/**
 * Holds one request until a check over a streamer's directory succeeds. The check runs once
 * right after subscribing (so a change between the caller's own look and the subscription is
 * not missed), then on every relevant wake-up of the shared directory watch (stream-watch.ts),
 * never twice at once. Ends with the check's value, with the check's error (a refusal), with
 * 503 after `timeoutMs` or when the watch closes, or with `undefined` when `signal` aborts
 * (the client left); the subscription and the timer are released in every case.
 */
import { PlaybackRefusal } from './refusal.js';
import type { StreamWatch } from './stream-watch.js';

export interface HoldOptions {
  readonly watch: StreamWatch;
  readonly dir: string;
  /** which wake-ups are worth a check (`undefined`: the periodic re-check) */
  readonly relevant: (name: string | undefined) => boolean;
  readonly timeoutMs: number;
  /** what the 503 after the timeout says */
  readonly timeoutMessage: string;
  readonly signal: AbortSignal;
}

/**
 * `check` answers a value to end the hold, undefined to keep holding, or throws to refuse. It
 * gets the number of the wake-up it runs for (undefined for the first check): checks of the
 * same wake-up may share what they read (see StreamWatch).
 */
export function holdUntil<T>(check: (wakeUp: number | undefined) => Promise<T | undefined>, opts: HoldOptions): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    if (opts.signal.aborted) {
      resolve(undefined);
      return;
    }
    let done = false;
    let running = false;
    let again = false;
    let latest: number | undefined;
    let unsubscribe: () => void = () => undefined;

    const finish = (end: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      unsubscribe();
      end();
    };
    const run = async (wakeUp: number | undefined) => {
      latest = wakeUp;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const value = await check(latest);
          if (value !== undefined) finish(() => resolve(value));
        } while (again && !done);
      } catch (error) {
        finish(() => reject(error));
      } finally {
        running = false;
      }
    };
    const onAbort = () => finish(() => resolve(undefined));
    const timer = setTimeout(() => finish(() => reject(PlaybackRefusal.unavailable(opts.timeoutMessage))), opts.timeoutMs);

    opts.signal.addEventListener('abort', onAbort, { once: true });
    unsubscribe = opts.watch.subscribe(opts.dir, {
      wake: (name, wakeUp) => {
        if (!done && opts.relevant(name)) void run(wakeUp);
      },
      closed: () => finish(() => reject(PlaybackRefusal.unavailable('The playback origin is stopping'))),
    });
    void run(undefined);
  });
}

/** How long each response was held, ms (a WeakMap: nothing to clean up). */
const heldTime = new WeakMap<object, number>();

/**
 * Runs `hold` and records how long it took against `res`, whatever its outcome: the time a
 * blocking reload or a hinted part waited for the stream, which is not the server's work.
 */
export async function timeHold<T>(res: object, hold: () => Promise<T>): Promise<T> {
  const since = performance.now();
  try {
    return await hold();
  } finally {
    heldTime.set(res, (heldTime.get(res) ?? 0) + performance.now() - since);
  }
}

/** ms that `res` was held for Low-Latency HLS (0 when it never was), e.g. to leave out of a latency histogram. */
export function heldMs(res: object): number {
  return heldTime.get(res) ?? 0;
}

/** An AbortSignal that fires when the response closes before it was sent (the client left). */
export function clientGone(res: { once(event: 'close', listener: () => void): unknown; off(event: 'close', listener: () => void): unknown; writableEnded: boolean }): {
  signal: AbortSignal;
  release: () => void;
} {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableEnded) controller.abort();
  };
  res.once('close', onClose);
  return { signal: controller.signal, release: () => res.off('close', onClose) };
}
