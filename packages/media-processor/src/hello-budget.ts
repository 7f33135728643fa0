/**
 * Counts the bytes a WebSocket peer sends on the raw socket until its hello is accepted.
 * The `ws` server's maxPayload is one number for every message of every connection (the
 * media chunks need megabytes), so a connection that has not authenticated is bounded here
 * instead: past `maxBytes` it is `exceeded` (the owner closes it), and past `hardMaxBytes`
 * (a peer that keeps sending after being told to close) it is `overrun` (the owner drops it).
 *
 * It listens to the socket before the `ws` library does, so it sees every chunk (the
 * upgrade's `head` included, which `ws` puts back into the socket) before it is parsed.
 */
import type { Duplex } from 'node:stream';

export interface HelloBudgetHandlers {
  /** once, when the bytes first pass maxBytes */
  exceeded(): void;
  /** once, when they pass hardMaxBytes */
  overrun(): void;
}

export class HelloBudget {
  #bytes = 0;
  #handlers: HelloBudgetHandlers | undefined;
  #state: 'counting' | 'exceeded' | 'overrun' | 'done' = 'counting';

  constructor(
    private readonly socket: Duplex,
    private readonly maxBytes: number,
    private readonly hardMaxBytes: number = maxBytes * 8,
  ) {
    socket.on('data', this.#count);
  }

  /** True once the peer sent more than a hello may be. */
  get exceeded(): boolean {
    return this.#state === 'exceeded' || this.#state === 'overrun';
  }

  /** Sets what happens when the budget is passed (called at once if it already was). */
  watch(handlers: HelloBudgetHandlers): void {
    this.#handlers = handlers;
    if (this.exceeded) handlers.exceeded();
    if (this.#state === 'overrun') handlers.overrun();
  }

  /** The hello was accepted (or the connection ended): stop counting. */
  done(): void {
    if (this.#state === 'counting') this.#state = 'done';
    this.socket.off('data', this.#count);
  }

  readonly #count = (chunk: Buffer | string): void => {
    if (this.#state === 'done') return;
    this.#bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (this.#state === 'counting' && this.#bytes > this.maxBytes) {
      this.#state = 'exceeded';
      this.#handlers?.exceeded();
    }
    if (this.#state === 'exceeded' && this.#bytes > this.hardMaxBytes) {
      this.#state = 'overrun';
      this.socket.off('data', this.#count);
      this.#handlers?.overrun();
    }
  };
}
