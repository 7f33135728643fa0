/**
 * Calls `draw` at a steady `frameRate`, with timers rather than requestAnimationFrame (rAF
 * runs at the display's 60 Hz and stops when the page is hidden; a recorder must always get
 * video). Deadlines are absolute, so timer jitter does not add up into drift; when a frame
 * is late by more than one period the schedule skips ahead instead of bursting.
 */
export class FrameClock {
  readonly #periodMs: number;
  readonly #draw: (now: number) => void;
  readonly #onError: (error: unknown) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #next = 0;
  #running = false;
  #drawnThisWindow = 0;
  #windowStart = 0;
  #fps = 0;

  constructor(frameRate: number, draw: (now: number) => void, onError: (error: unknown) => void) {
    this.#periodMs = 1000 / frameRate;
    this.#draw = draw;
    this.#onError = onError;
  }

  /** Frames drawn over the last full second. */
  get fps(): number {
    return this.#fps;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#next = performance.now();
    this.#windowStart = this.#next;
    this.#tick();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #tick = (): void => {
    if (!this.#running) return;
    const now = performance.now();
    try {
      this.#draw(now);
    } catch (error) {
      this.#onError(error); // one bad frame must not stop the clock
    }
    this.#count(now);
    this.#next += this.#periodMs;
    if (this.#next < now) this.#next = now + this.#periodMs; // fell behind: skip, do not burst
    this.#timer = setTimeout(this.#tick, Math.max(0, this.#next - performance.now()));
  };

  #count(now: number): void {
    this.#drawnThisWindow++;
    const elapsed = now - this.#windowStart;
    if (elapsed >= 1000) {
      this.#fps = Math.round((this.#drawnThisWindow * 1000) / elapsed);
      this.#drawnThisWindow = 0;
      this.#windowStart = now;
    }
  }
}
