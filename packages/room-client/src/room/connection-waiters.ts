import type { RoomError } from '../errors.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: RoomError) => void;
}

/** Callers waiting for the room to be connected (again), settled when it is or when it ends. */
export class ConnectionWaiters {
  #waiters: Waiter[] = [];

  wait(): Promise<void> {
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  resolveAll(): void {
    for (const waiter of this.#take()) waiter.resolve();
  }

  rejectAll(error: RoomError): void {
    for (const waiter of this.#take()) waiter.reject(error);
  }

  #take(): Waiter[] {
    const waiters = this.#waiters;
    this.#waiters = [];
    return waiters;
  }
}
