/** A map from event name to listener signature (a type alias, not an interface). */
export type EventCallbacks = { [event: string]: (...args: never[]) => void };

type AnyListener = (...args: unknown[]) => unknown;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/** Where a listener's exception, or the rejection of an async listener's promise, is reported. */
export type ListenerErrorHandler = (event: string, error: unknown) => void;

const reportToConsole: ListenerErrorHandler = (event, error) => {
  console.error(`[onair] a "${event}" listener threw`, error);
};

interface Entry {
  readonly listener: AnyListener;
  readonly once: boolean;
}

/**
 * The one typed event emitter of onair (no Node `events`: it runs in browsers too), used by
 * the browser SDKs, the server's services, the packagers and the media jobs.
 *
 * A listener that throws, or an async listener whose promise rejects, is reported to
 * `onListenerError` (default: `console.error`) and never stops the other listeners nor the
 * code that emitted the event. An `error` event without listeners is not thrown either.
 */
export class TypedEmitter<Events extends EventCallbacks> {
  readonly #listeners = new Map<keyof Events, Entry[]>();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler = reportToConsole) {
    this.#onListenerError = onListenerError;
  }

  on<E extends keyof Events>(event: E, listener: Events[E]): this {
    return this.#add(event, listener, false);
  }

  once<E extends keyof Events>(event: E, listener: Events[E]): this {
    return this.#add(event, listener, true);
  }

  addListener<E extends keyof Events>(event: E, listener: Events[E]): this {
    return this.on(event, listener);
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): this {
    const entries = this.#listeners.get(event);
    if (!entries) return this;
    const index = entries.findIndex((entry) => entry.listener === (listener as unknown));
    if (index >= 0) entries.splice(index, 1);
    if (entries.length === 0) this.#listeners.delete(event);
    return this;
  }

  removeListener<E extends keyof Events>(event: E, listener: Events[E]): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls every listener of `event` in order; returns whether there was any. */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean {
    const entries = this.#listeners.get(event);
    if (!entries || entries.length === 0) return false;
    for (const entry of [...entries]) {
      if (entry.once) this.off(event, entry.listener as unknown as Events[E]);
      try {
        const result = entry.listener.apply(this, args);
        if (isThenable(result)) Promise.resolve(result).catch((error: unknown) => this.#report(event, error));
      } catch (error) {
        this.#report(event, error);
      }
    }
    return true;
  }

  #report(event: keyof Events, error: unknown): void {
    try {
      this.#onListenerError(String(event), error);
    } catch {
      // reporting must not throw into the emitter either
    }
  }

  #add(event: keyof Events, listener: Events[keyof Events], once: boolean): this {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const entries = this.#listeners.get(event) ?? [];
    entries.push({ listener: listener as unknown as AnyListener, once });
    this.#listeners.set(event, entries);
    return this;
  }
}

/** Adds `listener` to `emitter` and returns the function that removes it again. */
export function listen<Events extends EventCallbacks, E extends keyof Events>(
  emitter: TypedEmitter<Events>,
  event: E,
  listener: Events[E],
): () => void {
  emitter.on(event, listener);
  return () => emitter.off(event, listener);
}
