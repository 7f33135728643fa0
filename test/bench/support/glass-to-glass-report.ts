/** The table printed by `glass-to-glass.bench.ts`. */
import type { ViewerSnapshot } from './glass-to-glass-pages.js';

export interface ViewerRow {
  name: string;
  /** the hlsConfig given to Player.connect, as printed */
  config: string;
  /** wall ms: just before POST /v1/MediaProcessors (`from: 'create'`), or when the viewer was opened (`'join'`) */
  t0: number;
  from: 'create' | 'join';
  /** the measured window, wall ms */
  windowStart: number;
  windowEnd: number;
  /** snapshot at the window's start (counters are differences against it) */
  before?: ViewerSnapshot;
  after?: ViewerSnapshot;
  error?: string;
}

export interface ReportInfo {
  cores: number;
  browserVersion: string;
  loadBefore: number[];
  loadAfter: number[];
  machineCores?: number;
  seconds: number;
  settleSeconds: number;
  lateJoinSeconds: number;
  notes: string[];
}

/** The q-quantile of ascending `sorted` (NaN when empty). */
export const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);
export const sec = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–');

/** The latencies (ms, ascending) of the frames a viewer displayed between `start` and `end` (wall ms). */
export const windowLatencies = (snapshot: ViewerSnapshot, start: number, end: number) =>
  snapshot.samples.filter(([at]) => at >= start && at <= end).map(([, l]) => l).sort((x, y) => x - y);

/** A plain-text table, two spaces in, columns padded. */
export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')}`;
  return [line(head), `  ${widths.map((w) => '-'.repeat(w)).join('-|-')}`, ...rows.map(line)];
}

function row(r: ViewerRow): string[] {
  const a = r.after;
  const b = r.before;
  if (!a || !b) return [r.name, r.error ?? 'no data', '', '', '', '', '', '', '', '', '', ''];
  const lat = windowLatencies(a, r.windowStart, r.windowEnd);
  const frames = a.frames - b.frames;
  const undecoded = a.undecoded - b.undecoded;
  const stalls = a.states.filter(([at, s]) => at >= r.windowStart && at <= r.windowEnd && s === 'buffering').length;
  return [
    r.name,
    String(lat.length),
    sec(quantile(lat, 0.5)),
    sec(quantile(lat, 0.95)),
    sec(lat.length ? lat[lat.length - 1]! : NaN),
    a.firstFrameAt === null ? '–' : `${r.from} → ${sec(a.firstFrameAt - r.t0)}`,
    a.firstDecodedAt === null ? '–' : sec(a.firstDecodedAt - r.t0),
    `${a.framesDropped - b.framesDropped} / ${a.quality.dropped - b.quality.dropped}`,
    `${a.rebuffers - b.rebuffers} (${a.rebuffers} total)`,
    `${stalls}`,
    `${undecoded} of ${frames}`,
    ((frames * 1000) / (r.windowEnd - r.windowStart)).toFixed(1),
  ];
}

export function report(rows: ViewerRow[], info: ReportInfo): string {
  const rule = '='.repeat(110);
  return [
    '',
    rule,
    'Glass to glass: sender canvas 640x360 (clock as pixels) → WebRTC → composer page (2 tiles, 1280x720) → MediaRecorder H.264',
    '  → ffmpeg (copy, 200 ms fMP4 fragments) → packagers of two PlayerStreamers (low: LL-HLS 1 s segments + 200 ms parts;',
    '  standard: 2 s segments) → playback origin → @onair/player',
    '  (hls.js, /sdk/player.mjs) in headless Chromium; latency = the viewer frame\'s expected display time − the clock drawn in it',
    '  (every page on this machine, one clock). The rows are viewers of the same composition in the same run:',
    `  "from the start" connects right after the POST, is measured for ${info.lateJoinSeconds} s from 2 s after its first decoded clock, then closed;`,
    `  then the other rows join one after another (the stream running, its playlist full), each alone with the stream, measured`,
    `  for ${info.seconds} s from ${info.settleSeconds} s after it showed its first clock.`,
    `  machine: ${info.cores} cores, ${info.browserVersion}; 1/5/15-min load ${info.loadBefore.map((v) => v.toFixed(2)).join('/')} before,` +
      ` ${info.loadAfter.map((v) => v.toFixed(2)).join('/')} after` +
      (info.machineCores === undefined ? '' : `; machine busy ${info.machineCores.toFixed(2)} cores over the late viewers' windows`),
    ...table(
      ['viewer', 'samples', 'p50', 'p95', 'max', '→ 1st frame', '→ 1st clock', 'dropped (stats / VPQ)', 'rebuffer events', 'buffering states', 'undecoded', 'fps shown'],
      rows.map(row),
    ),
    '  create →: from just before POST /v1/MediaProcessors (streamer created, speakers in the room; this viewer connects right',
    '  after the POST) to its first displayed frame / first frame whose clock decoded; join →: from opening a late viewer',
    '  (the stream running, its playlist full). dropped: player.stats.framesDropped and',
    '  getVideoPlaybackQuality().droppedVideoFrames over the window. rebuffer events: the player\'s `rebuffering` event over the',
    '  window (whole run in brackets). undecoded: displayed frames whose pattern failed its checks (window).',
    '  fps shown: frames presented (requestVideoFrameCallback) per second over the window; the stream is 30 fps.',
    ...rows.map((r) => `  ${r.name}: ${r.config}; hls.js latency at the end ${r.after?.hlsLatency?.toFixed(2) ?? '–'} s, buffered ahead ${r.after?.bufferedAhead?.toFixed(2) ?? '–'} s${r.after?.errors.length ? `; errors: ${r.after.errors.join('; ')}` : ''}`),
    ...info.notes.map((n) => `  [${n}]`),
    rule,
    '',
  ].join('\n');
}
