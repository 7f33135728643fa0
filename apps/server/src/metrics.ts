/** Prometheus metrics (prom-client), one registry per server instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from './store/repository.js';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** composer jobs: restarts by what broke, failures by ended_reason, HLS segments written */
  jobRestarts: Counter<'cause'>;
  jobFailures: Counter<'reason'>;
  hlsSegments: Counter;
  /** composer jobs holding a slot now */
  jobsRunning: Gauge;
  /** MediaRecordings finalised, by outcome (completed, failed) */
  recordingsFinished: Counter<'status'>;
  /** live playback sessions per active PlayerStreamer (the label set goes when the streamer ends) */
  playbackViewers: Gauge<'streamer'>;
  /** playback requests refused, by error code */
  playbackRefusals: Counter<'code'>;
  /** status callbacks refused by destination (loopback, private, ...) and dropped (queue-full, invalid, closed) */
  callbacksRefused: Counter<'reason'>;
  callbacksDropped: Counter<'reason'>;
  /** refusals by the client budgets (signaling, REST, playback) and room limits, by budget */
  budgetRefusals: Counter<'budget'>;
  /** where the `onair_playback_held_requests` gauge reads from at scrape time (the playback origin sets it) */
  playbackHeld: { requests: () => number };
}

/** A gauge of how many records of a repository have each of `statuses`, read at scrape time. */
function statusGauge<S extends string>(
  registry: Registry,
  name: string,
  help: string,
  statuses: readonly S[],
  list: (q: { filter: { status: S }; order: 'asc'; limit: number }) => Promise<unknown[]>,
): void {
  new Gauge({
    name,
    help,
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      for (const status of statuses) {
        this.set({ status }, (await list({ filter: { status }, order: 'asc', limit: -1 })).length);
      }
    },
  });
}

export function createMetrics(store: Store): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'onair_' });
  const httpRequests = new Counter({
    name: 'onair_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'onair_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  statusGauge(registry, 'onair_rooms', 'Rooms in progress', ['in-progress'] as const, (q) => store.rooms.list(q));
  statusGauge(registry, 'onair_player_streamers', 'Active PlayerStreamers by status', ['created', 'started'] as const, (q) =>
    store.playerStreamers.list(q),
  );
  statusGauge(registry, 'onair_media_processors', 'Running MediaProcessors', ['started'] as const, (q) =>
    store.mediaProcessors.list(q),
  );
  const jobRestarts = new Counter({
    name: 'onair_media_processor_restarts_total',
    help: 'Restarts of a composer job part (chromium, ffmpeg, ingest)',
    labelNames: ['cause'] as const,
    registers: [registry],
  });
  const jobFailures = new Counter({
    name: 'onair_media_processor_failures_total',
    help: 'Composer jobs that failed, by ended_reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const hlsSegments = new Counter({
    name: 'onair_hls_segments_total',
    help: 'HLS segments written for PlayerStreamers',
    registers: [registry],
  });
  const jobsRunning = new Gauge({ name: 'onair_media_jobs_running', help: 'Composer jobs running (Chromium + ffmpeg)', registers: [registry] });
  statusGauge(registry, 'onair_media_recordings', 'MediaRecordings being recorded', ['processing'] as const, (q) =>
    store.mediaRecordings.list(q),
  );
  const recordingsFinished = new Counter({
    name: 'onair_media_recordings_finished_total',
    help: 'MediaRecordings finalised, by status (completed, failed)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const playbackViewers = new Gauge({
    name: 'onair_playback_viewers',
    help: 'Live playback sessions (viewers) per active PlayerStreamer',
    labelNames: ['streamer'] as const,
    registers: [registry],
  });
  const playbackRefusals = new Counter({
    name: 'onair_playback_refusals_total',
    help: 'Playback requests refused, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const budgetRefusals = new Counter({
    name: 'onair_budget_refusals_total',
    help: 'Requests refused and sockets closed because a client spent a budget, by budget',
    labelNames: ['budget'] as const,
    registers: [registry],
  });
  const playbackHeld = { requests: () => 0 };
  new Gauge({
    name: 'onair_playback_held_requests',
    help: 'LL-HLS requests the playback origin holds open now (blocking playlist reloads and preload-hinted parts)',
    registers: [registry],
    collect() {
      this.set(playbackHeld.requests());
    },
  });
  const callbacksRefused = new Counter({
    name: 'onair_callbacks_refused_total',
    help: 'Status callbacks not sent because their destination is not a public address (nor in ONAIR_CALLBACK_ALLOW), by range',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const callbacksDropped = new Counter({
    name: 'onair_callbacks_dropped_total',
    help: 'Status callbacks dropped without delivery: queue-full (the oldest of a full queue), invalid, closed',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return {
    callbacksRefused, callbacksDropped,
    registry, httpRequests, httpDuration, jobRestarts, jobFailures, hlsSegments, jobsRunning, recordingsFinished,
    playbackViewers, playbackRefusals, playbackHeld, budgetRefusals,
  };
}
