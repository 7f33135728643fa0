/**
 * Ends PlayerStreamers and MediaProcessors when their MaxDuration (counted from creation)
 * runs out, with `max-duration-exceeded`. Deadlines survive restarts: on start, every
 * active resource is scheduled again, and overdue ones end at once.
 */
import { listen } from '@onair/protocol';
import type { MediaProcessor, PlayerStreamer } from '../store/records.js';
import type { ServiceContext } from './context.js';
import type { MediaProcessorService } from './media-processors.js';
import type { PlayerStreamerService } from './player-streamers.js';

const MAX_TIMER_MS = 2_147_483_647;

export class MaxDurationEnforcer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly streamers: PlayerStreamerService,
    private readonly processors: MediaProcessorService,
  ) {}

  async start(): Promise<void> {
    const { events, store } = this.ctx;
    this.unsubscribe.push(
      listen(events, 'playerStreamerCreated', (s) => this.scheduleStreamer(s)),
      listen(events, 'playerStreamerEnded', (s) => this.cancel(s.sid)),
      listen(events, 'mediaProcessorCreated', (p) => this.scheduleProcessor(p)),
      listen(events, 'mediaProcessorEnded', (p) => this.cancel(p.sid)),
    );
    for (const status of ['created', 'started'] as const) {
      for (const s of await store.playerStreamers.list({ filter: { status }, order: 'asc', limit: -1 })) {
        this.scheduleStreamer(s);
      }
    }
    for (const p of await store.mediaProcessors.list({ filter: { status: 'started' }, order: 'asc', limit: -1 })) {
      this.scheduleProcessor(p);
    }
  }

  close(): void {
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private scheduleStreamer(s: PlayerStreamer): void {
    this.schedule(s.sid, s.dateCreated + s.maxDuration * 1000, async () => {
      const current = await this.ctx.store.playerStreamers.get(s.sid);
      if (current) await this.streamers.end(current, 'max-duration-exceeded');
    });
  }

  private scheduleProcessor(p: MediaProcessor): void {
    this.schedule(p.sid, p.dateCreated + p.maxDuration * 1000, async () => {
      const current = await this.ctx.store.mediaProcessors.get(p.sid);
      if (current) await this.processors.end(current, 'max-duration-exceeded');
    });
  }

  private schedule(sid: string, deadline: number, fire: () => Promise<void>): void {
    if (this.closed) return;
    this.cancel(sid);
    const delay = deadline - this.ctx.clock();
    const run = () => {
      this.timers.delete(sid);
      if (this.closed) return;
      const remaining = deadline - this.ctx.clock();
      if (remaining > 0) {
        this.schedule(sid, deadline, fire); // a long deadline is reached in steps
        return;
      }
      fire().catch((err) => this.ctx.logger.error({ err, sid }, 'ending resource at max duration failed'));
    };
    const timer = setTimeout(run, Math.max(0, Math.min(delay, MAX_TIMER_MS)));
    timer.unref();
    this.timers.set(sid, timer);
  }

  private cancel(sid: string): void {
    const t = this.timers.get(sid);
    if (t) clearTimeout(t);
    this.timers.delete(sid);
  }
}
