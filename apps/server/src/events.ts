/** A small typed event emitter: listener exceptions are reported, never thrown to the emitter. */
export type EventMap = Record<string, unknown[]>;
export type Listener<A extends unknown[]> = (...args: A) => void | Promise<void>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyListener = (...args: any[]) => void | Promise<void>;

export class TypedEmitter<M extends EventMap> {
  private readonly listeners = new Map<keyof M, Set<AnyListener>>();

  constructor(private readonly onListenerError: (event: string, err: unknown) => void) {}

  on<K extends keyof M>(event: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof M>(event: K, listener: Listener<M[K]>): void {
    this.listeners.get(event)?.delete(listener);
  }

  emit<K extends keyof M>(event: K, ...args: M[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        const r = listener(...args);
        if (r && typeof r.catch === 'function') r.catch((err) => this.onListenerError(String(event), err));
      } catch (err) {
        this.onListenerError(String(event), err);
      }
    }
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
