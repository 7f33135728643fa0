/**
 * Counts the bytes a WebSocket peer sends on the raw socket until its hello is accepted.
 * The `ws` server's maxPayload is one number for every message of every connection (the
 * media chunks need megabytes), so a connection that has not authenticated is bounded here
 * instead: once it has sent more than `maxBytes`, `exceeded` is called (once) and the owner
 * stops reading and closes it.
 *
 * It listens to the socket before the `ws` library does, so it sees every chunk (the
 * upgrade's `head` included, which `ws` puts back into the socket) before it is parsed.
 */
import type { Duplex } from 'node:stream';

export class HelloBudget {
  #bytes = 0;
  #onExceeded: (() => void) | undefined;
  #state: 'counting' | 'exceeded' | 'done' = 'counting';

  constructor(
    private readonly socket: Duplex,
    private readonly maxBytes: number,
  ) {
    socket.on('data', this.#count);
  }

  /** True once the peer sent more than a hello may be. */
  get exceeded(): boolean {
    return this.#state === 'exceeded';
  }

  /** Sets what happens when the budget is passed (called at once if it already was). */
  onExceeded(fn: () => void): void {
    this.#onExceeded = fn;
    if (this.exceeded) fn();
  }

  /** The hello was accepted (or the connection ended): stop counting. */
  done(): void {
    if (this.#state === 'counting') this.#state = 'done';
    this.socket.off('data', this.#count);
  }

  readonly #count = (chunk: Buffer | string): void => {
    if (this.#state !== 'counting') return;
    this.#bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (this.#bytes > this.maxBytes) {
      this.#state = 'exceeded';
      this.socket.off('data', this.#count);
      this.#onExceeded?.();
    }
  };
}
