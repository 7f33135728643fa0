/** The table `composer.bench.ts` prints in afterAll. */
import type { LaunchSample } from './chromium-launches.js';
import type { StartSample, SteadySample } from './composer-runs.js';
import type { CpuWindow } from './proc-usage.js';

export const GOALS = { firstSegmentMs: 2_500, cores: 0.6, memoryBytes: 500 * 1024 * 1024 } as const;

export interface Scenario {
  /** copy: the default (H.264 copied, Chromium sandboxed); nosandbox: copy with ONAIR_CHROMIUM_NO_SANDBOX=1; baseline: VP8 re-encoded */
  path: 'copy' | 'nosandbox' | 'baseline';
  size: number;
  /** 1-minute load average when the scenario started */
  load: number;
  starts: StartSample[];
  steady?: SteadySample;
  /** the speakers in their room before any job (5 s) */
  speakersAlone?: CpuWindow;
  error?: string;
  /** what went wrong without stopping the scenario (speakers not all playing) */
  notes?: string[];
  ran?: boolean;
  wallSec?: number;
}

/** Cold launches of the composer's Chromium, sandboxed and --no-sandbox in turns. */
export interface LaunchReport {
  samples: LaunchSample[];
  /** how the sandboxed launches ran (namespaces, as nobody via setpriv) */
  sandbox?: string;
  error?: string;
}

export interface ReportInfo {
  cores: number;
  browserVersion: string;
  runs: number;
  steadyMs: number;
  settleMs: number;
  memoryUntilMs: number;
  speakersAloneMs: number;
  wallSec: number;
  /** how the baseline server's ffmpeg ran */
  baselineNote: string;
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const ok = (good: boolean) => (good ? 'met' : 'MISSED');
const sec = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(2)} s`);
const cores = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(2));
const mb = (bytes: number | undefined) => (bytes === undefined || Number.isNaN(bytes) ? '–' : `${Math.round(bytes / 1024 / 1024)} MB`);
const signed = (v: number, fmt: (x: number) => string) => (Number.isNaN(v) ? '–' : `${v >= 0 ? '+' : '−'}${fmt(Math.abs(v))}`);

/** Columns padded to their widest cell; the first left-aligned, the rest right-aligned. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(header), '  ' + widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)];
}

const label = (s: Scenario) => `${s.path}, ${s.size} speakers`;
const failed = (s: Scenario) => (s.error ? `  [${s.path}, ${s.size}: ${s.starts.length} run(s), then FAILED: ${s.error}]` : '');

function startRow(s: Scenario): string[] {
  const x = s.starts;
  const pick = (f: (v: StartSample) => number) => median(x.map(f));
  const first = pick((v) => v.firstSegmentMs);
  const max = Math.max(...x.map((v) => v.firstSegmentMs));
  return [
    label(s),
    `${x.length}`,
    sec(first),
    x.length ? sec(max) : '–',
    x.length ? `${ok(max <= GOALS.firstSegmentMs)} (p50 ${ok(first <= GOALS.firstSegmentMs)})` : '–',
    sec(pick((v) => v.initMs)),
    x.length ? `${median(x.map((v) => v.firstSegmentSec)).toFixed(2)} s` : '–',
    sec(pick((v) => v.startedMs)),
    sec(pick((v) => v.createMs)),
    sec(pick((v) => v.stopMs)),
  ];
}

function stepsRow(s: Scenario): string[] {
  const x = s.starts;
  const p50 = (f: (v: StartSample) => number | undefined) => {
    const values = x.map(f).filter((v): v is number => v !== undefined);
    return values.length ? sec(median(values)) : '–';
  };
  return [
    label(s),
    p50((v) => v.createMs),
    p50((v) => v.log.starting),
    p50((v) => v.log.pageLoaded),
    p50((v) => v.log.joined),
    p50((v) => v.log.recording),
    p50((v) => v.initMs),
    p50((v) => v.firstSegmentMs),
  ];
}

function costRow(s: Scenario): string[] {
  const st = s.steady;
  if (!st) return [label(s), '–', '', '–', '–', '–', '', '–', '–', '–', '–'];
  const c = st.window.cores;
  const pss = st.peak.pss;
  const memory = pss ?? st.peak.rss;
  return [
    label(s),
    cores(c.job),
    ok(c.job! <= GOALS.cores),
    cores(c.chromium),
    cores(c.ffmpeg),
    pss === undefined ? '– (unreadable)' : mb(pss),
    `${ok(memory <= GOALS.memoryBytes)}${pss === undefined ? ' (RSS)' : ''}`,
    `${mb(st.peak.rss)} (${st.peak.processes})`,
    st.fps === undefined ? '–' : st.fps.toFixed(1),
    st.realTime === undefined ? '–' : `${st.realTime.toFixed(2)}×`,
    st.ffmpegVideo,
  ];
}

/** The machine's busy cores that none of the sampled groups (job, speakers, server, this bench) account for. */
const others = (w: CpuWindow | undefined) =>
  w ? w.machineCores - ['job', 'speakers', 'server', 'bench'].reduce((sum, g) => sum + (w.cores[g] ?? 0), 0) : undefined;

function contextRow(s: Scenario, info: ReportInfo): string[] {
  const w = s.steady?.window;
  return [
    label(s),
    s.load.toFixed(2),
    cores(s.speakersAlone?.cores.speakers),
    cores(w?.cores.speakers),
    cores(w?.cores.server),
    cores(w?.cores.bench),
    w ? `${w.machineCores.toFixed(2)} of ${info.cores}` : '–',
    `${cores(Math.max(0, others(s.speakersAlone) ?? NaN))} / ${cores(Math.max(0, others(w) ?? NaN))}`,
    s.wallSec === undefined ? '–' : `${s.wallSec.toFixed(0)} s`,
  ];
}

/** `a − b` for one room size: start, cores, memory. */
function diffLine(copy: Scenario | undefined, base: Scenario | undefined, size: number): string {
  const head = `  room of ${size}:`;
  if (!copy || !base) return `${head} –`;
  const m = (s: Scenario) => median(s.starts.map((v) => v.firstSegmentMs));
  const parts = [`first segment p50 ${signed(m(copy) - m(base), (v) => sec(v))}`];
  const a = copy.steady;
  const b = base.steady;
  if (a && b) {
    parts.push(`job cores ${signed(a.window.cores.job! - b.window.cores.job!, (v) => v.toFixed(2))}`);
    parts.push(`of which chromium ${signed(a.window.cores.chromium! - b.window.cores.chromium!, (v) => v.toFixed(2))}`);
    parts.push(`ffmpeg ${signed(a.window.cores.ffmpeg! - b.window.cores.ffmpeg!, (v) => v.toFixed(2))}`);
    if (a.peak.pss !== undefined && b.peak.pss !== undefined) parts.push(`peak PSS ${signed(a.peak.pss - b.peak.pss, mb)}`);
    parts.push(`peak RSS sum ${signed(a.peak.rss - b.peak.rss, mb)}`);
  } else parts.push('cost: – (a steady window is missing)');
  return `${head} ${parts.join(', ')}`;
}

function launchRows(r: LaunchReport): string[][] {
  return (['sandboxed', 'no-sandbox'] as const).map((mode) => {
    const x = r.samples.filter((v) => v.mode === mode);
    const p50 = (f: (v: LaunchSample) => number) => median(x.map(f));
    return [
      mode === 'sandboxed' ? `sandboxed (${r.sandbox ?? '?'})` : '--no-sandbox',
      `${x.length}`,
      sec(p50((v) => v.launchMs)),
      sec(p50((v) => v.readyMs)),
      x.length ? sec(Math.max(...x.map((v) => v.readyMs))) : '–',
      x.length ? `${p50((v) => v.cpuSec).toFixed(2)} s` : '–',
      mb(p50((v) => v.pss)),
      mb(p50((v) => v.rss)),
      x.length ? `${p50((v) => v.processes)}` : '–',
    ];
  });
}

function launchDiff(r: LaunchReport): string {
  const of = (mode: LaunchSample['mode']) => r.samples.filter((v) => v.mode === mode);
  const a = of('sandboxed');
  const b = of('no-sandbox');
  if (!a.length || !b.length) return '  –';
  const d = (f: (v: LaunchSample) => number) => median(a.map(f)) - median(b.map(f));
  return (
    `  sandboxed − no-sandbox: launch ${signed(d((v) => v.launchMs), sec)}, page ready ${signed(d((v) => v.readyMs), sec)}, ` +
    `CPU ${signed(d((v) => v.cpuSec), (v) => `${v.toFixed(2)} s`)}, idle PSS ${signed(d((v) => v.pss), mb)}, idle RSS sum ${signed(d((v) => v.rss), mb)}`
  );
}

export function report(scenarios: Scenario[], launches: LaunchReport, info: ReportInfo): string {
  const ran = scenarios.filter((s) => s.ran);
  const sizes = [...new Set(scenarios.map((s) => s.size))];
  const rule = '='.repeat(110);
  const steadySec = info.steadyMs / 1000;
  return [
    '',
    rule,
    'Composer job (MediaProcessor video-composer-v1 → PlayerStreamer HLS), 720p30, the real CLI, Chromium and ffmpeg',
    '  copy     = the default: the page records H.264, ffmpeg copies it (-c:v copy), audio → AAC',
    '  baseline = ONAIR_COMPOSER_VIDEO_CODEC=vp8 (a second server): the page records VP8, ffmpeg re-encodes it with libx264 veryfast,',
    `             ${info.baselineNote}`,
    '  nosandbox = the copy path with ONAIR_CHROMIUM_NO_SANDBOX=1 (a third server): Chromium with --no-sandbox; copy and baseline',
    `             run it in its sandbox, as the CLI does by default (${launches.sandbox ?? 'see the cold launches'})`,
    `  machine: ${info.cores} cores, ${info.browserVersion}; speakers: one headless Chromium, a window each (fake camera + mic),`,
    '  a full mesh the composer joins as one more (hidden) peer; everything shares the same cores',
    '',
    `Start latency: t0 just before POST /v1/MediaProcessors (its PlayerStreamer created before t0) → index.m3u8 lists its first`,
    `  segment (file polled every 25 ms); up to ${info.runs} runs per row, each a new streamer + processor in the same room. Goal ≤ ${sec(GOALS.firstSegmentMs)}.`,
    '  "ffmpeg out": init-0.mp4 written (Chromium up, page joined, recording started, ffmpeg done probing its input: ftyp+moov);',
    '  "streamer started": a REST GET poll (50 ms) of the PlayerStreamer answered started; "end→gone": update(ended) → no Chromium/ffmpeg left',
    ...table(
      ['scenario', 'runs', 'first seg p50', 'max', `goal ≤ ${sec(GOALS.firstSegmentMs)}`, 'ffmpeg out p50', '1st EXTINF', 'streamer started p50', 'POST p50', 'end→gone p50'],
      ran.map(startRow),
    ),
    '',
    'Where the start goes (p50, from t0): the job\'s own info log lines (ms resolution), then the files',
    ...table(
      ['scenario', 'POST answered', 'job starting', 'page loaded', 'composer joined room', 'recording started', 'ffmpeg out', 'first segment'],
      ran.map(stepsRow),
    ),
    '',
    `Cost, run 1 of each row: CPU = utime+stime of the job's Chromium (its whole process group) + ffmpeg over ${steadySec} s, from ${info.settleMs / 1000} s after`,
    '  the first segment, ÷ wall time. Memory = the highest sum over those processes of 250 ms samples, from t0 to the window\'s end',
    `  or ${info.memoryUntilMs / 1000} s after t0 if later (the composer page\'s renderer grew for ~35 s, then stayed flat).`,
    `  Goals: ≤ ${GOALS.cores} cores; ≤ ${mb(GOALS.memoryBytes)}, checked against the PSS sum (smaps_rollup; each shared page split between its users).`,
    '  The RSS sum counts pages Chromium\'s processes share once per process, so it over-states the memory held.',
    '  fps: frames ÷ duration of the last segment (ffprobe, after the window); real time: segment seconds published per wall second',
    ...table(
      ['scenario', 'job cores', `≤ ${GOALS.cores}`, 'chromium', 'ffmpeg', 'peak PSS', `≤ ${mb(GOALS.memoryBytes)}`, 'peak RSS sum (procs)', 'fps', 'real time', 'ffmpeg -c:v'],
      ran.map(costRow),
    ),
    '  the job\'s PSS at the CPU window\'s start → end, then by process kind when the memory sampling ended (Chromium\'s --type=, ffmpeg);',
    '  then the idle standby Chromium kept for the next processor (not the job\'s): its cores over the cost window and its PSS',
    ...ran
      .filter((s) => s.steady)
      .map(
        (s) =>
          `    ${label(s).padEnd(22)} ${mb(s.steady!.pssStart)} → ${mb(s.steady!.pssEnd)}; ` +
          Object.entries(s.steady!.pssByKind)
            .sort((a, b) => b[1] - a[1])
            .map(([kind, bytes]) => `${kind} ${mb(bytes)}`)
            .join(', ') +
          `; standby ${cores(s.steady!.window.cores.standby)} cores, ${mb(s.steady!.standbyPss)}`,
      ),
    '',
    'Context (not part of the job\'s figures), in cores: the speakers\' Chromium alone in their room for ' +
      `${info.speakersAloneMs / 1000} s before any job,`,
    '  and during the cost window (each speaker also sends to the composer); the onair server process (signaling, ingest,',
    '  HLS packaging); this bench process; the whole machine; other work = machine − all of those (alone window / cost window).',
    '  load = the 1-minute load average when the row started: it counts runnable threads, this bench\'s own Chromium included,',
    '  so it climbs with the room size; "other work" is what shows load from outside this bench',
    ...table(
      ['scenario', 'load', 'speakers alone', 'speakers w/ job', 'server', 'bench', 'machine busy', 'other work', 'row wall'],
      ran.map((s) => contextRow(s, info)),
    ),
    '',
    'copy − baseline (negative: the copy path is cheaper/faster):',
    ...sizes.map((size) =>
      diffLine(
        ran.find((s) => s.size === size && s.path === 'copy'),
        ran.find((s) => s.size === size && s.path === 'baseline'),
        size,
      ),
    ),
    '',
    "What the sandbox costs a running job: copy − nosandbox (positive: the sandboxed job is dearer/slower; each row's own noise applies):",
    ...sizes.map((size) =>
      diffLine(
        ran.find((s) => s.size === size && s.path === 'copy'),
        ran.find((s) => s.size === size && s.path === 'nosandbox'),
        size,
      ),
    ),
    '',
    'Chromium cold launch (a job takes a standby, so its start above hides this): Chromium.launch as the server runs it, then',
    '  <server>/composer/ preloaded until it waits for its config (what a standby does); sandboxed and --no-sandbox in turns, one at a time.',
    '  CPU: utime+stime of its process group when the page is ready; PSS / RSS sums of the group 1 s later (idle, no room joined)',
    ...(launches.error
      ? [`  FAILED: ${launches.error}`]
      : [
          ...table(['mode', 'launches', 'launch p50', 'page ready p50', 'max', 'CPU p50', 'idle PSS p50', 'idle RSS sum p50', 'processes'], launchRows(launches)),
          launchDiff(launches),
        ]),
    '',
    'per-run samples in run order (first segment / ffmpeg out / streamer started, ms):',
    ...ran.map(
      (s) =>
        `  ${label(s).padEnd(20)} ${s.starts.map((v) => `${Math.round(v.firstSegmentMs)}/${Math.round(v.initMs)}/${Math.round(v.startedMs)}`).join('  ') || '–'}`,
    ),
    ...ran.flatMap((s) => (s.notes ?? []).map((n) => `  [${label(s)}: ${n}]`)),
    ...ran.map(failed).filter(Boolean),
    `  whole file: ${info.wallSec.toFixed(0)} s`,
    rule,
    '',
  ].join('\n');
}
