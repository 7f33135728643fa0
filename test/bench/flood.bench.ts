/**
 * Floods against the client budgets of a real `onair serve` (default settings), each beside
 * a baseline from the same run: the server's RSS growth and the latency of a concurrent REST
 * call (`GET /v1/Rooms/{Sid}` on a kept-alive connection, one every 50 ms from this process)
 * while a flood runs.
 *
 * Floods (test/bench/support/flood.mjs, a child process, so its busy loop does not slow the probe):
 * - signaling, one socket: an authenticated participant sends ICE candidates to another as
 *   fast as its socket takes them, for up to 10 s; it must end closed with 1008 after an
 *   `error` frame (20429);
 * - signaling, reconnecting: the same, joining again after every close, for 10 s;
 * - playback sessions: `POST /playback/<VJ>` with one viewer token, 32 at a time, for 10 s:
 *   past the token's sessions (default 10) every answer must be 429 with `Retry-After`;
 * - held requests: 550 sessions (55 tokens × 10, from 127.0.0.3) each fire 5 blocking playlist
 *   reloads for a segment that never comes (connections made 64 at a time): past 4 per
 *   session and 2,000 in all, 429.
 * Baseline: the same probe for 5 s with no flood. The bench fails when a flood is not
 * refused, when the server's RSS grows by 100 MB or more during a flood (peak in the flood
 * minus RSS before it; the growth since the server started is printed beside), or when the
 * probe's p99 during a flood reaches 200 ms (its max is printed beside).
 *
 * `ONAIR_BENCH_FLOOD_SECONDS` shortens the floods for a quick look.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { cpuSeconds, rssBytes } from './support/proc-usage.js';
import { createStreamer, playbackGrant, viewerToken, writeStalledLlPlaylist } from '../e2e/support/playback.js';
import { videoToken } from '../e2e/support/signaling.js';
import { api, repoRoot, startServer, type RunningServer } from '../e2e/support/server.js';

const SECONDS = Number(process.env.ONAIR_BENCH_FLOOD_SECONDS ?? 10);
const BASELINE_MS = 5_000;
const PROBE_EVERY_MS = 50;
const MAX_RSS_GROWTH = 100 * 1024 * 1024;
const MAX_PROBE_P99_MS = 200;
const floodScript = fileURLToPath(new URL('./support/flood.mjs', import.meta.url));

let server: RunningServer;
let roomSid = '';
const rows: Row[] = [];
const details: string[] = [];
let rssAtStart = 0;

interface Probe {
  n: number;
  p50: number;
  p99: number;
  max: number;
}
interface Row {
  name: string;
  seconds: number;
  probe: Probe;
  rssBefore: number;
  rssPeak: number;
  serverCores: number;
  outcome: string;
}

function runNode(args: string[]): Promise<string> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args[0]} exited ${code}: ${err}`))));
  });
}

/**
 * The probe's connection: kept alive, as an application's REST client keeps it; dropped after
 * 4 s idle, before the server's 5 s keepAliveTimeout, so it is never reused as the server closes it.
 */
const probeAgent = new Agent({ keepAlive: true, maxSockets: 1, timeout: 4_000 });

/** One authenticated `GET /v1/Rooms/{Sid}`; its status. */
function probeOnce(): Promise<number> {
  const auth = Buffer.from(`${server.creds.apiKeySid}:${server.creds.apiSecret}`).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/v1/Rooms/${roomSid}`, { agent: probeAgent, headers: { authorization: `Basic ${auth}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Probes REST and samples RSS until `work` settles; returns its value with the figures. */
async function measured<T>(name: string, work: () => Promise<T>, outcome: (value: T) => string): Promise<T> {
  const pid = server.proc.pid!;
  const rssBefore = rssBytes(pid) ?? NaN;
  let rssPeak = rssBefore;
  let done = false;
  const latencies: number[] = [];
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(pid) ?? 0)), 100);
  const probe = (async () => {
    while (!done) {
      const t0 = performance.now();
      const status = await probeOnce();
      latencies.push(performance.now() - t0);
      if (status !== 200) throw new Error(`probe answered ${status}`);
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  })();
  const [cpu0, t0] = [cpuSeconds(pid) ?? NaN, performance.now()];
  let value: T;
  try {
    value = await work();
  } finally {
    done = true;
    clearInterval(sampler);
    await probe;
  }
  const wall = (performance.now() - t0) / 1000;
  rssPeak = Math.max(rssPeak, rssBytes(pid) ?? 0);
  const sorted = [...latencies].sort((a, b) => a - b);
  rows.push({
    name,
    seconds: wall,
    probe: { n: sorted.length, p50: pct(sorted, 50), p99: pct(sorted, 99), max: sorted.at(-1) ?? NaN },
    rssBefore,
    rssPeak,
    serverCores: ((cpuSeconds(pid) ?? NaN) - cpu0) / wall,
    outcome: outcome(value),
  });
  return value;
}

async function flood<T>(config: object): Promise<T> {
  const out = await runNode([floodScript, JSON.stringify(config)]);
  const result = JSON.parse(out.trim().split('\n').pop()!) as T;
  details.push(JSON.stringify(result));
  return result;
}

beforeAll(async () => {
  server = await startServer();
  rssAtStart = rssBytes(server.proc.pid!) ?? NaN;
  roomSid = (await api(server, 'POST', '/v1/Rooms', { UniqueName: 'flood-probe' })).json.sid;
});

afterAll(async () => {
  probeAgent.destroy();
  await server?.stop();
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  const ms = (v: number) => v.toFixed(1);
  const lines = [
    '',
    `Floods against the default budgets, ${SECONDS} s each; probe: GET /v1/Rooms/{Sid} every ${PROBE_EVERY_MS} ms during each; server RSS at start ${mb(rssAtStart)} MB`,
    'phase                          seconds  probe n  p50 ms  p99 ms  max ms  RSS before MB  RSS peak MB  growth MB  since start MB  server cores  outcome',
    ...rows.map(
      (r) =>
        `${r.name.padEnd(30)} ${r.seconds.toFixed(1).padStart(7)} ${String(r.probe.n).padStart(8)} ${ms(r.probe.p50).padStart(7)} ${ms(r.probe.p99).padStart(7)} ${ms(r.probe.max).padStart(7)} ${mb(r.rssBefore).padStart(14)} ${mb(r.rssPeak).padStart(12)} ${mb(r.rssPeak - r.rssBefore).padStart(10)} ${mb(r.rssPeak - rssAtStart).padStart(15)} ${r.serverCores.toFixed(2).padStart(13)}  ${r.outcome}`,
    ),
    '"growth": peak RSS in the phase minus RSS before it (limit 100 MB; garbage of an earlier phase may not be collected yet, see "since start"); probe limit: p99 < 200 ms.',
    ...details.map((d) => `  ${d}`),
    '',
  ];
  process.stdout.write(lines.join('\n'));
});

function check(failures: string[]): void {
  for (const r of rows) {
    if (!(r.rssPeak - r.rssBefore < MAX_RSS_GROWTH)) failures.push(`${r.name}: RSS grew by ${((r.rssPeak - r.rssBefore) / 1e6).toFixed(0)} MB`);
    if (!(r.probe.p99 < MAX_PROBE_P99_MS) && r.name !== 'baseline') failures.push(`${r.name}: REST p99 ${r.probe.p99.toFixed(0)} ms`);
  }
  if (failures.length > 0) throw new Error(failures.join('; '));
}

interface SignalingResult {
  sockets: number;
  stillOpenAtDeadline: number;
  sent: number;
  closedWith1008: number;
  errorBeforeClose: number;
  firstClosedAfterMs: number;
}
interface SessionsResult {
  requests: number;
  counts: Record<string, number>;
  withoutRetryAfter: number;
}
interface HeldResult {
  sessions: number;
  attempted: number;
  outcomes: Record<string, number>;
  stillHeld: number;
}

describe('floods against the client budgets', () => {
  bench(
    'baseline, signaling floods, playback session flood, held-request flood (same server)',
    async () => {
      const failures: string[] = [];
      await measured('baseline', () => new Promise((r) => setTimeout(r, BASELINE_MS)), () => 'no flood');

      const wsUrl = `${server.url.replace(/^http/, 'ws')}/signaling`;
      const signaling = (reconnect: boolean) => ({
        mode: 'signaling',
        wsUrl,
        room: 'flood-room',
        token: videoToken(server, 'flooder', 'flood-room'),
        victimToken: videoToken(server, `victim-${reconnect}`, 'flood-room'),
        seconds: SECONDS,
        reconnect,
      });
      const sigOutcome = (s: SignalingResult) =>
        `${s.sockets} socket(s), ${s.sent} frames sent, ${s.closedWith1008} closed 1008 (${s.errorBeforeClose} after an error frame), first closed after ${s.firstClosedAfterMs.toFixed(0)} ms`;
      for (const reconnect of [false, true]) {
        const s = await measured(`signaling flood${reconnect ? ', reconnecting' : ', one socket'}`, () => flood<SignalingResult>(signaling(reconnect)), sigOutcome);
        if (s.sockets === 0 || s.closedWith1008 !== s.sockets || s.errorBeforeClose !== s.sockets || s.stillOpenAtDeadline > 0) failures.push(`signaling: not every socket closed with 1008 after an error: ${JSON.stringify(s)}`);
      }

      const sid = await createStreamer(server);
      const grant = await playbackGrant(server, sid);
      const playbackUrl = grant.playbackUrl.replace(/^https?:\/\/[^/]+/, server.url);
      const sessions = await measured(
        'playback session flood',
        () => flood<SessionsResult>({ mode: 'sessions', playbackUrl, token: viewerToken(server, grant), seconds: SECONDS, concurrency: 32, localAddress: '127.0.0.2' }),
        (s) => `${s.requests} POSTs: ${Object.entries(s.counts).map(([k, n]) => `${n} × ${k}`).join(', ')}`,
      );
      if ((sessions.counts['200/undefined'] ?? 0) > 10 || !(sessions.counts['429/20429'] > 0) || sessions.withoutRetryAfter > 0) {
        failures.push(`session flood not refused as it should be: ${JSON.stringify(sessions)}`);
      }

      // an LL playlist that never advances: asking for segment 3 is held (up to 3 × 10 s)
      const llSid = await createStreamer(server);
      const llGrant = await playbackGrant(server, llSid);
      writeStalledLlPlaylist(server, llSid);
      const tokens = Array.from({ length: 55 }, () => viewerToken(server, llGrant));
      const held = await measured(
        'held-request flood',
        () => flood<HeldResult>({ mode: 'held', playbackUrl: llGrant.playbackUrl.replace(/^https?:\/\/[^/]+/, server.url), tokens, sessionsPerToken: 10, perSession: 5, msn: 3, maxHeld: 2000, holdMs: 2_000, localAddress: '127.0.0.3' }),
        (h) => `${h.sessions} sessions, ${h.attempted} reloads: ${Object.entries(h.outcomes).map(([k, n]) => `${n} × ${k}`).join(', ')}; ${h.stillHeld} held`,
      );
      if (!(held.outcomes['429 per session']! > 0) || !(held.outcomes['429 all sessions']! > 0) || held.stillHeld > 2000) {
        failures.push(`held flood not refused as it should be: ${JSON.stringify(held)}`);
      }
      const health = await fetch(`${server.url}/healthz`);
      if (health.status !== 200) failures.push(`/healthz answered ${health.status} after the floods`);
      check(failures);
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
