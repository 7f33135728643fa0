/** Prometheus metrics (prom-client), one registry per server instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from './store/repository.js';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
}

async function countBy(list: (status: string) => Promise<unknown[]>, statuses: readonly string[]) {
  return Promise.all(statuses.map(async (s) => [s, (await list(s)).length] as const));
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
  const all = { order: 'asc' as const, limit: -1 };
  new Gauge({
    name: 'onair_rooms',
    help: 'Rooms by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      for (const [s, n] of await countBy((status) => store.rooms.list({ ...all, filter: { status: status as 'in-progress' } }), ['in-progress'])) {
        this.set({ status: s }, n);
      }
    },
  });
  new Gauge({
    name: 'onair_player_streamers',
    help: 'Active PlayerStreamers by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      for (const [s, n] of await countBy((status) => store.playerStreamers.list({ ...all, filter: { status: status as 'created' } }), ['created', 'started'])) {
        this.set({ status: s }, n);
      }
    },
  });
  new Gauge({
    name: 'onair_media_processors',
    help: 'Running MediaProcessors',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      for (const [s, n] of await countBy((status) => store.mediaProcessors.list({ ...all, filter: { status: status as 'started' } }), ['started'])) {
        this.set({ status: s }, n);
      }
    },
  });
  return { registry, httpRequests, httpDuration };
}
