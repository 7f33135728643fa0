/**
 * The playback origin's CPU at 200 concurrent Low-Latency HLS viewers (blocking playlist
 * reloads and preload-hinted parts held open), next to 200 viewers of a `standard` mode
 * stream, on loopback, 60 s each, in the same run against the same server.
 *
 * Setup: a real `onair serve` (child process); two PlayerStreamers created over REST, one
 * `LatencyMode` low (the default) and one `standard`, each with HLS coming live from real
 * ffmpeg (320x180 test pattern, 300 kbit/s, `-re`) through the real HlsPackager in this
 * process, cut as the server cuts each mode by default: LL 1 s segments of 200 ms parts
 * (PART-TARGET 0.234), 8 in the window; standard 2 s segments, no parts, 4 in the window.
 * Both streams run for the whole bench; one PlaybackGrant and one viewer access token
 * (twilio.jwt.AccessToken) per streamer.
 * Load: test/bench/support/ll-viewers.mjs in a child process, one mode after the other (LL
 * first). Viewers join spread over 10 s (session, playlist, init), then play: LL viewers as
 * hls.js in low-latency mode (a blocking reload for the next part, the hinted part alongside,
 * any listed part not yet fetched); standard viewers poll the playlist every target duration
 * and fetch new segments. The window (rates, latencies, CPU) starts 2 s after the last join.
 * Any non-200 answer, truncated body or socket error counts as an error; the bench fails on any.
 *
 * Origin CPU is utime + stime of the `onair serve` process over the window: as cores (CPU s /
 * wall s) and per 1,000 requests; first, 5 s with both streams running and no viewer give the
 * origin's idle figure. ffmpeg and the packager are not in it (ffmpeg is a child of
 * this process, the packager runs in it). All processes share the machine's cores; the load
 * generator (its own CPU is printed) is the biggest of them.
 *
 * `ONAIR_BENCH_LL_VIEWERS` / `ONAIR_BENCH_LL_SECONDS` shrink the run for a quick look.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { cpuSeconds, machineCpu } from './support/proc-usage.js';
import type { Latency } from './support/load-summary.js';
import { createStreamer, playbackGrant, viewerToken } from '../e2e/support/playback.js';
import { repoRoot, startServer, type RunningServer } from '../e2e/support/server.js';
import { startTestStream, type TestStream } from '../e2e/support/test-stream.js';

const VIEWERS = Number(process.env.ONAIR_BENCH_LL_VIEWERS ?? 200);
const SECONDS = Number(process.env.ONAIR_BENCH_LL_SECONDS ?? 60);
/** viewers join spread over this, before the measured window */
const JOIN_MS = 10_000;
/** from the last join to the window's start: every viewer is playing */
const SETTLE_MS = 2_000;
/** the origin's CPU with no viewers is sampled this long first */
const IDLE_MS = 5_000;
const ORIGIN = 'https://viewers.example.com';
const loadScript = fileURLToPath(new URL('./support/ll-viewers.mjs', import.meta.url));

type Mode = 'll' | 'standard';

/** what ll-viewers.mjs prints */
interface LoadOutput {
  mode: Mode;
  viewers: number;
  seconds: number;
  requests: number;
  rps: number;
  mbps: number;
  /** requests held open by the origin, on average over the window */
  heldOpen: number;
  errors: number;
  keepAliveRetries: number;
  errorSamples: string[];
  sessions: Latency;
  /** blocking playlist reloads (held) */
  reloads: Latency;
  /** preload-hinted parts (held) */
  hints: Latency;
  /** everything else: playlists, init, listed parts, segments */
  gets: Latency;
}
interface LoadResult extends LoadOutput {
  /** origin CPU s / wall s over the window */
  originCores: number;
  /** origin CPU per 1,000 requests answered in the window, ms */
  cpuMsPer1k: number;
  /** the load generator's CPU s / wall s over the window */
  loadGenCores: number;
  /** the whole machine's busy cores over the window */
  machineCores: number;
  /** 1-minute load average at the window's start and end */
  load: [number, number];
}

let server: RunningServer;
const streams: Partial<Record<Mode, { sid: string; stream: TestStream }>> = {};
const results: LoadResult[] = [];
/** origin CPU s / wall s with both streams running and no viewer, before the loads */
let idleCores = NaN;

function runNode(args: string[]): { done: Promise<string>; pid: number } {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args[0]} exited ${code}: ${err}`))));
  });
  return { done, pid: child.pid! };
}

interface Sample {
  at: number;
  origin: number;
  loadGen: number;
  machine: { busy: number; total: number };
  load: number;
}

function sample(loadGenPid: number): Sample {
  return {
    at: performance.now(),
    origin: cpuSeconds(server.proc.pid!) ?? NaN,
    loadGen: cpuSeconds(loadGenPid) ?? NaN,
    machine: machineCpu(),
    load: loadavg()[0]!,
  };
}

/** Runs `VIEWERS` viewers of one mode; samples CPU at the window's start and end. */
async function load(mode: Mode): Promise<LoadResult> {
  const { sid } = streams[mode]!;
  const grant = await playbackGrant(server, sid);
  const token = viewerToken(server, grant);
  const playbackUrl = grant.playbackUrl.replace(/^https?:\/\/[^/]+/, server.url);
  const windowStart = Date.now() + JOIN_MS + SETTLE_MS;
  const config = { mode, viewers: VIEWERS, seconds: SECONDS, joinMs: JOIN_MS, windowStart, playbackUrl, token, origin: ORIGIN };
  const proc = runNode([loadScript, JSON.stringify(config)]);
  const at = (epochMs: number) => new Promise<Sample>((r) => setTimeout(() => r(sample(proc.pid)), Math.max(0, epochMs - Date.now())));
  const [start, end, out] = await Promise.all([at(windowStart), at(windowStart + SECONDS * 1000), proc.done]);
  const result = JSON.parse(out.trim().split('\n').pop()!) as LoadOutput;
  const wall = (end.at - start.at) / 1000;
  const originCpu = end.origin - start.origin;
  return {
    ...result,
    originCores: originCpu / wall,
    cpuMsPer1k: (originCpu * 1000 * 1000) / Math.max(1, result.requests),
    loadGenCores: (end.loadGen - start.loadGen) / wall,
    machineCores: (end.machine.busy - start.machine.busy) / wall,
    load: [start.load, end.load],
  };
}

beforeAll(async () => {
  // one viewer token stands for every simulated viewer here: its session budget must hold them all
  server = await startServer({ env: { ONAIR_PLAYBACK_SESSIONS_PER_TOKEN: String(VIEWERS) } });
  const [llSid, standardSid] = await Promise.all([createStreamer(server), createStreamer(server, { LatencyMode: 'standard' })]);
  const common = { dataDir: server.dataDir, videoBitrate: '300k' };
  const [ll, standard] = await Promise.all([
    startTestStream({ ...common, streamerSid: llSid, segmentSeconds: 1, partSeconds: 0.2, windowSegments: 8 }),
    startTestStream({ ...common, streamerSid: standardSid, segmentSeconds: 2, windowSegments: 4 }),
  ]);
  streams.ll = { sid: llSid, stream: ll };
  streams.standard = { sid: standardSid, stream: standard };
  await Promise.all([ll.waitForSegments(4, 30_000), standard.waitForSegments(4, 30_000)]);
  const [t0, cpu0] = [performance.now(), cpuSeconds(server.proc.pid!) ?? NaN];
  await new Promise((r) => setTimeout(r, IDLE_MS));
  idleCores = ((cpuSeconds(server.proc.pid!) ?? NaN) - cpu0) / ((performance.now() - t0) / 1000);
});

afterAll(async () => {
  await Promise.all(Object.values(streams).map((s) => s.stream.stop()));
  await server?.stop();
  const f = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '–');
  const name = (m: Mode) => (m === 'll' ? 'LL-HLS (low)' : 'standard');
  const lines = [
    '',
    `Playback origin CPU: ${VIEWERS} viewers per mode, ${SECONDS} s each, one mode after the other, same server, loopback`,
    'LL: 1 s segments, 200 ms parts; blocking reload for the next part + the preload-hinted part, both held ("reload", "hint"); listed parts',
    '    not yet fetched ("GET": none while a viewer keeps up). standard: 2 s segments; playlist every 2 s + new segments ("GET").',
    '"held open": requests held by the origin at any moment, on average over the window.',
    'mode            viewers  req/s  Mbit/s  held open  reload p50/p99 ms  hint p50/p99 ms  GET p50/p99 ms  errors  retried  origin cores  CPU ms/1k req  loadgen cores  machine cores  load avg',
    ...results.map(
      (r) =>
        `${name(r.mode).padEnd(15)} ${String(r.viewers).padStart(7)} ${r.rps.toFixed(0).padStart(6)} ${r.mbps.toFixed(1).padStart(7)} ${r.heldOpen.toFixed(0).padStart(10)} ${`${f(r.reloads.p50)}/${f(r.reloads.p99)}`.padStart(18)} ${`${f(r.hints.p50)}/${f(r.hints.p99)}`.padStart(16)} ${`${f(r.gets.p50)}/${f(r.gets.p99)}`.padStart(15)} ${String(r.errors).padStart(7)} ${String(r.keepAliveRetries).padStart(8)} ${r.originCores.toFixed(3).padStart(13)} ${r.cpuMsPer1k.toFixed(0).padStart(14)} ${r.loadGenCores.toFixed(2).padStart(14)} ${r.machineCores.toFixed(2).padStart(14)}  ${r.load.map((l) => l.toFixed(1)).join('→')}`,
    ),
    ...results.flatMap((r) => r.errorSamples.map((e) => `  ${r.mode} error: ${e}`)),
    `origin with no viewers (both streams running): ${idleCores.toFixed(3)} cores`,
    'origin cores / CPU ms: the `onair serve` process only; ffmpeg and the HlsPackager (both streams, all along) run in the bench process and are not in it.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
});

describe(`LL-HLS origin: ${VIEWERS} concurrent viewers per mode for ${SECONDS} s`, () => {
  bench(
    'LL-HLS (blocking reloads, hinted parts) then standard mode, same server',
    async () => {
      results.push(await load('ll'));
      results.push(await load('standard'));
      const failed = results.filter((r) => r.errors > 0);
      if (failed.length > 0) {
        throw new Error(`errors under load: ${failed.map((r) => `${r.mode} ${r.errors} (${r.errorSamples.join('; ')})`).join(', ')}`);
      }
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
