/**
 * The table printed by `distributed.bench.ts`: per setup (embedded default, Redis + two
 * workers), create → `started` and glass-to-glass, the distributed setup's deltas against
 * the embedded one, the verdict against the budgets, and where a start's time went.
 */
import type { StartSample } from './composer-runs.js';
import { quantile, sec, table } from './glass-to-glass-report.js';

/** The budgets for the distributed path, against the embedded default. */
export const BUDGET = { startP50Ms: 300, g2gP50Ms: 100 };

export interface G2gResult {
  /** latencies of the frames shown in the window, ms, ascending */
  latencies: number[];
  windowSec: number;
  frames: number;
  undecoded: number;
  rebuffers: number;
  /** hls.js's latency to the live edge at the window's end, s */
  hlsLatency: number | null;
  /** after the window: how long after its media's end each new LL-HLS part was listed at the origin, ms, ascending */
  partLags: number[];
}

export interface SetupLoad {
  /** 1/5/15-min load average before and after the setup */
  before: number[];
  after: number[];
  /** busy cores of the whole machine, and of this bench's own process tree, over the start runs and over the g2g window */
  starts?: { machine: number; bench: number };
  g2g?: { machine: number; bench: number };
}

export interface SetupResult {
  name: string;
  /** how it runs, one line */
  describe: string;
  starts: StartSample[];
  errors: string[];
  g2g?: G2gResult;
  load: SetupLoad;
}

export interface DistributedInfo {
  cores: number;
  browserVersion: string;
  runs: number;
  seconds: number;
  settleSeconds: number;
  gapSeconds: number;
  notes: string[];
}

const p50 = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5);
const max = (values: number[]) => (values.length ? Math.max(...values) : NaN);
const signed = (ms: number) => (Number.isFinite(ms) ? `${ms >= 0 ? '+' : '−'}${Math.abs(Math.round(ms))} ms` : '–');
const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${Math.round(v)}`);

const startP50 = (r: SetupResult) => p50(r.starts.map((s) => s.startedMs));
const g2gP50 = (r: SetupResult) => (r.g2g ? quantile(r.g2g.latencies, 0.5) : NaN);

function setupRow(r: SetupResult, base: SetupResult | undefined): string[] {
  const started = r.starts.map((s) => s.startedMs);
  const lat = r.g2g?.latencies ?? [];
  const delta = base && base !== r ? `start ${signed(startP50(r) - startP50(base))}, g2g p50 ${signed(g2gP50(r) - g2gP50(base))}` : '(baseline)';
  return [
    r.name,
    `${sec(p50(started))} / ${sec(max(started))} (${started.length} of ${started.length + r.errors.length})`,
    r.g2g ? `${sec(quantile(lat, 0.5))} / ${sec(quantile(lat, 0.9))} (${lat.length} frames)` : 'no data',
    delta,
  ];
}

/** Medians of a start's milestones (ms from just before the POST). */
function breakdownRow(r: SetupResult): string[] {
  const med = (pick: (s: StartSample) => number | undefined) => p50(r.starts.map(pick).filter((v): v is number => v !== undefined));
  return [
    r.name,
    ms(med((s) => s.createMs)),
    ms(med((s) => s.log.starting)),
    ms(med((s) => s.log.pageLoaded)),
    ms(med((s) => s.log.recording)),
    ms(med((s) => s.initMs)),
    ms(med((s) => s.firstSegmentMs)),
    ms(med((s) => s.startedMs)),
    ms(med((s) => s.stopMs)),
  ];
}

function verdict(base: SetupResult | undefined, dist: SetupResult | undefined): string[] {
  if (!base || !dist) return ['  verdict: not both setups measured'];
  const lines: string[] = [];
  const dStart = startP50(dist) - startP50(base);
  const dG2g = g2gP50(dist) - g2gP50(base);
  const judge = (d: number, budget: number) => (!Number.isFinite(d) ? 'NOT MEASURED' : d <= budget ? 'within budget' : 'OVER BUDGET');
  lines.push(`  verdict: create → started p50 ${signed(dStart)} (budget +${BUDGET.startP50Ms} ms): ${judge(dStart, BUDGET.startP50Ms)}` +
    `; max ${signed(max(dist.starts.map((s) => s.startedMs)) - max(base.starts.map((s) => s.startedMs)))}`);
  lines.push(`  verdict: glass-to-glass p50 ${signed(dG2g)} (budget +${BUDGET.g2gP50Ms} ms): ${judge(dG2g, BUDGET.g2gP50Ms)}`);
  return lines;
}

const loads = (l: SetupLoad) =>
  `1/5/15-min load ${l.before.map((v) => v.toFixed(2)).join('/')} before, ${l.after.map((v) => v.toFixed(2)).join('/')} after` +
  (l.starts ? `; starts: machine ${l.starts.machine.toFixed(2)} cores busy, this bench ${l.starts.bench.toFixed(2)}, other work ${(l.starts.machine - l.starts.bench).toFixed(2)}` : '') +
  (l.g2g ? `; g2g window: machine ${l.g2g.machine.toFixed(2)}, this bench ${l.g2g.bench.toFixed(2)}, other work ${(l.g2g.machine - l.g2g.bench).toFixed(2)}` : '');

export function report(results: SetupResult[], info: DistributedInfo): string {
  const rule = '='.repeat(110);
  const [base, dist] = [results.find((r) => r.name === 'embedded'), results.find((r) => r.name === 'distributed')];
  return [
    '',
    rule,
    'Embedded default vs Redis + two workers, one after the other in the same run (same browser, same senders: a clock canvas',
    '  1280x720 and a fake camera 1280x720, composer 1280x720, 2 tiles; a standby Chromium wherever jobs run).',
    `  create → started: just before POST /v1/MediaProcessors (streamer created before) → GET /v1/PlayerStreamers/{sid} answers`,
    `  \`started\` (polled every 50 ms); ${info.runs} runs per setup, ${info.gapSeconds} s apart (the standby taken is replaced).`,
    `  glass-to-glass: one low-latency (LL-HLS) @onair/player viewer that joins the running stream, ${info.seconds} s window from`,
    `  ${info.settleSeconds} s after its first decoded clock; latency = the frame's expected display time − the clock drawn in it.`,
    `  machine: ${info.cores} cores, ${info.browserVersion}`,
    ...results.map((r) => `  ${r.name}: ${r.describe}`),
    ...table(['setup', 'create → started p50 / max', 'g2g p50 / p90', 'delta vs embedded (p50)'], results.map((r) => setupRow(r, base))),
    ...verdict(base, dist),
    '',
    '  where a start goes (medians, ms from just before the POST): POST answered, the job starting on its host, composer page',
    '  loaded (from the standby), recording started (ingest hello, ffmpeg spawned), init segment and first segment in the',
    '  origin\'s data dir, REST `started`; and ending the job until its processes are gone.',
    ...table(['setup', 'POST', 'job starting', 'page loaded', 'recording', 'init on origin', '1st segment on origin', 'REST started', 'stop'], results.map(breakdownRow)),
    ...results.map((r) => `  ${r.name}: ${loads(r.load)}`),
    ...results.flatMap((r) =>
      r.g2g
        ? [`  ${r.name} viewer: ${r.g2g.frames} frames shown over ${r.g2g.windowSec.toFixed(0)} s (${r.g2g.undecoded} undecoded), ` +
            `rebuffer events ${r.g2g.rebuffers}, hls.js latency at the end ${r.g2g.hlsLatency?.toFixed(2) ?? '–'} s; ` +
            `a new part listed at the origin p50 ${ms(quantile(r.g2g.partLags, 0.5))} / p90 ${ms(quantile(r.g2g.partLags, 0.9))} ms ` +
            `after its media's end (${r.g2g.partLags.length} parts)` +
            (base && r !== base && base.g2g ? `: ${signed(quantile(r.g2g.partLags, 0.5) - quantile(base.g2g.partLags, 0.5))} vs embedded` : '')]
        : [],
    ),
    ...results.map((r) => `  ${r.name} starts (ms): ${r.starts.map((s) => Math.round(s.startedMs)).join(', ') || '–'}`),
    ...results.flatMap((r) => r.errors.map((e) => `  ${r.name} error: ${e}`)),
    ...info.notes.map((n) => `  [${n}]`),
    rule,
    '',
  ].join('\n');
}
