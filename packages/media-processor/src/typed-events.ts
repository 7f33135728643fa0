/** A typed face on node:events, so a job's events and their arguments are checked. */
import { EventEmitter } from 'node:events';

export type EventMap = Record<string, unknown[]>;

export class TypedEvents<M extends EventMap> {
  readonly #emitter = new EventEmitter();

  on<K extends keyof M & string>(event: K, listener: (...args: M[K]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof M & string>(event: K, listener: (...args: M[K]) => void): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof M & string>(event: K, listener: (...args: M[K]) => void): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  protected emit<K extends keyof M & string>(event: K, ...args: M[K]): void {
    this.#emitter.emit(event, ...args);
  }
}

/** The logging surface jobs use (pino's Logger fits it). */
export interface JobLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
