/**
 * A small typed event emitter (Node side). Listener exceptions and rejected promises are
 * reported to `onListenerError`, never thrown into the code that emitted the event.
 * An `error` event without listeners is not thrown either: owners keep the error in a
 * property as well.
 */
export type EventMap = Record<string, unknown[]>;
export type Listener<A extends unknown[]> = (...args: A) => void | Promise<void>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyListener = (...args: any[]) => void | Promise<void>;

export type ListenerErrorHandler = (event: string, error: unknown) => void;

const reportToConsole: ListenerErrorHandler = (event, error) => {
  console.error(`[player-streamer] a "${event}" listener threw`, error);
};

export class TypedEmitter<M extends EventMap> {
  readonly #listeners = new Map<keyof M, Set<AnyListener>>();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler = reportToConsole) {
    this.#onListenerError = onListenerError;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof M>(event: K, listener: Listener<M[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Adds a listener called at most once; returns a function that removes it. */
  once<K extends keyof M>(event: K, listener: Listener<M[K]>): () => void {
    const off = this.on(event, (...args: M[K]) => {
      off();
      return listener(...args);
    });
    return off;
  }

  off<K extends keyof M>(event: K, listener: Listener<M[K]>): void {
    this.#listeners.get(event)?.delete(listener);
  }

  listenerCount(event: keyof M): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  protected emit<K extends keyof M>(event: K, ...args: M[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        const result = listener(...args);
        if (result && typeof result.catch === 'function') {
          result.catch((error: unknown) => this.#onListenerError(String(event), error));
        }
      } catch (error) {
        this.#onListenerError(String(event), error);
      }
    }
  }
}
