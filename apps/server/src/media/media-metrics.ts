/**
 * Metrics of the media plane, read at scrape time: the queue's depth, every live worker's
 * capacity and load, the hand-overs so far, and which worker runs each running processor.
 * Embedded (no Redis) the one worker is this process.
 */
import type { JobDispatcher } from '@onair/media-processor';
import { Gauge, type Registry } from 'prom-client';

export interface MediaMetricsSources {
  dispatcher: JobDispatcher;
  /** processor SID → worker id, for the running processors this server follows */
  processorWorkers: () => Map<string, string | undefined>;
}

export function registerMediaMetrics(registry: Registry, src: MediaMetricsSources): void {
  const stats = async () => src.dispatcher.stats().catch(() => undefined);
  const workers = async () => src.dispatcher.workers().catch(() => []);
  new Gauge({
    name: 'onair_media_queue_waiting',
    help: 'media jobs admitted and waiting for a worker',
    registers: [registry],
    async collect() {
      const s = await stats();
      if (s) this.set(s.waiting);
    },
  });
  new Gauge({
    name: 'onair_media_job_handovers',
    help: 'media jobs handed from one worker to another (a worker died or drained), since the queue exists',
    registers: [registry],
    async collect() {
      const s = await stats();
      if (s) this.set(s.handovers);
    },
  });
  const perWorker = (name: string, help: string, pick: (w: Awaited<ReturnType<typeof workers>>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['worker', 'host'] as const,
      registers: [registry],
      async collect() {
        this.reset(); // a worker that is gone disappears
        for (const w of await workers()) this.set({ worker: w.id, host: w.host }, pick(w));
      },
    });
  perWorker('onair_media_worker_capacity', 'media processors each live worker runs at most (ONAIR_MAX_PROCESSORS there)', (w) => w.capacity);
  perWorker('onair_media_worker_running', 'media processors each live worker runs now', (w) => w.running);
  perWorker('onair_media_worker_draining', '1 while a worker drains (SIGTERM): it takes no new jobs', (w) => (w.draining ? 1 : 0));
  new Gauge({
    name: 'onair_media_processor_worker',
    help: 'the worker that runs each running media processor (value 1)',
    labelNames: ['media_processor_sid', 'worker'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [sid, worker] of src.processorWorkers()) this.set({ media_processor_sid: sid, worker: worker ?? 'unknown' }, 1);
    },
  });
}
