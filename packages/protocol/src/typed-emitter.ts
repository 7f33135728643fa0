/** A map from event name to listener signature (a type alias, not an interface). */
export type EventCallbacks = { [event: string]: (...args: never[]) => void };

type AnyListener = (...args: unknown[]) => void;

interface Entry {
  readonly listener: AnyListener;
  readonly once: boolean;
}

/**
 * A small typed event emitter for the browser SDKs (no Node `events`), shared by
 * `@onair/room-client` and `@onair/player`.
 *
 * A listener that throws is reported with `console.error` and never stops the other
 * listeners nor the code that emitted the event.
 */
export class TypedEmitter<Events extends EventCallbacks> {
  readonly #listeners = new Map<keyof Events, Entry[]>();

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
        entry.listener.apply(this, args);
      } catch (error) {
        console.error(`[onair] a "${String(event)}" listener threw`, error);
      }
    }
    return true;
  }

  #add(event: keyof Events, listener: Events[keyof Events], once: boolean): this {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const entries = this.#listeners.get(event) ?? [];
    entries.push({ listener: listener as unknown as AnyListener, once });
    this.#listeners.set(event, entries);
    return this;
  }
}
