import { log } from '../logger.js';
import type { DominantSpeakerConfig, DominantSpeakerState } from './dominant-speaker.js';
import { decideDominantSpeaker, initialDominantSpeakerState } from './dominant-speaker.js';

export interface DominantSpeakerMonitorOptions extends DominantSpeakerConfig {
  readonly intervalMs: number;
  /** current audio levels by participant SID */
  readonly sample: () => Promise<ReadonlyMap<string, number>>;
  /** called when the dominant speaker changes */
  readonly onChange: (sid: string | null) => void;
  readonly now?: () => number;
}

/** Samples audio levels on a timer and reports dominant-speaker changes. */
export class DominantSpeakerMonitor {
  readonly #options: DominantSpeakerMonitorOptions;
  #state: DominantSpeakerState = initialDominantSpeakerState;
  #timer: ReturnType<typeof setInterval> | null = null;
  #busy = false;

  constructor(options: DominantSpeakerMonitorOptions) {
    this.#options = options;
  }

  get current(): string | null {
    return this.#state.current;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.#tick(), this.#options.intervalMs);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Forgets the current speaker without reporting (the caller already did). */
  reset(): void {
    this.#state = initialDominantSpeakerState;
  }

  async #tick(): Promise<void> {
    if (this.#busy) return; // getStats slower than the interval: skip a beat
    this.#busy = true;
    try {
      const levels = await this.#options.sample();
      if (this.#timer === null) return;
      const now = (this.#options.now ?? Date.now)();
      const next = decideDominantSpeaker(this.#state, levels, now, this.#options);
      const changed = next.current !== this.#state.current;
      this.#state = next;
      if (changed) this.#options.onChange(next.current);
    } catch (error) {
      log.warn('dominant speaker: sampling failed', error);
    } finally {
      this.#busy = false;
    }
  }
}
