/**
 * The playback origin under 1,000 concurrent simulated HLS viewers on loopback, for 60 s,
 * next to the same load on plain static serving (express.static, in its own process) of the
 * same live files in the same run.
 *
 * Setup: a real `onair serve` (child process); one PlayerStreamer whose HLS comes live from
 * real ffmpeg (320x180 test pattern, 2 s keyframes, `-re`) through the real HlsPackager in
 * this process; one PlaybackGrant and one viewer access token (twilio.jwt.AccessToken).
 * Load: test/bench/support/playback-viewers.mjs in a child process (keep-alive agent, one
 * socket per viewer): each viewer opens a session once (origin only; the 1,000 joins are
 * spread over the 10 s before the measured window), then polls the
 * playlist every 2 s and fetches the init section once and every new segment. Any non-200
 * answer, truncated body or socket error counts as an error; the bench fails on any error.
 * A request on a reused keep-alive socket that the server closed at that moment is retried
 * once, as browsers do, and reported in the "retried" column.
 *
 * `ONAIR_BENCH_VIEWERS` / `ONAIR_BENCH_SECONDS` shrink the run for a quick look.
 * All processes share the machine's 2 cores; the load generator is the biggest of them,
 * so the figures are the origin's cost *relative* to static serving, not its ceiling.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { cpuSeconds } from './support/proc-usage.js';
import type { Latency } from './support/load-summary.js';
import { repoRoot, startServer, type RunningServer } from '../e2e/support/server.js';
import { startTestStream, type TestStream } from '../e2e/support/test-stream.js';
import { twilio, twilioClient } from '../e2e/support/twilio-client.js';

const VIEWERS = Number(process.env.ONAIR_BENCH_VIEWERS ?? 1000);
const SECONDS = Number(process.env.ONAIR_BENCH_SECONDS ?? 60);
const SEGMENT_SECONDS = 2;
/** viewers open their sessions spread over this (origin), before the measured window */
const JOIN_MS = 10_000;
const ORIGIN = 'https://viewers.example.com';
const loadScript = fileURLToPath(new URL('./support/playback-viewers.mjs', import.meta.url));

interface LoadResult {
  mode: 'origin' | 'static';
  viewers: number;
  seconds: number;
  requests: number;
  rps: number;
  mbps: number;
  errors: number;
  /** requests retried once because the server had just closed the reused keep-alive socket */
  keepAliveRetries: number;
  errorSamples: string[];
  sessions: Latency;
  gets: Latency;
  /** the machine's 1-minute load average before and after (other work on the machine shows here) */
  load: [number, number];
  /** CPU time of the serving process per 1,000 requests answered in the window, ms */
  cpuMsPer1k: number;
}

let server: RunningServer;
let stream: TestStream;
let streamerSid = '';
const results: LoadResult[] = [];

function runNode(args: string[], onLine?: (line: string) => void): { done: Promise<string>; kill: () => void; pid: number } {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (onLine) for (const line of d.toString().split('\n')) if (line) onLine(line);
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<string>((resolve, reject) => {
    child.once('exit', (code, signal) => (code === 0 || signal === 'SIGTERM' ? resolve(out) : reject(new Error(`node ${args[0]} exited ${code}: ${err}`))));
  });
  return { done, kill: () => void child.kill('SIGTERM'), pid: child.pid! };
}

/** express.static on the streamer's directory, in its own process; resolves with its URL. */
async function startStaticServer(dir: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const code = `
    import express from 'express';
    const app = express();
    app.use(express.static(${JSON.stringify(dir)}));
    const server = app.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
    server.keepAliveTimeout = 5000;
    process.on('SIGTERM', () => process.exit(0));`;
  let port = 0;
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  const proc = runNode(['--input-type=module', '-e', code], (line) => {
    const m = /^port (\d+)/.exec(line);
    if (m) {
      port = Number(m[1]);
      ready();
    }
  });
  await Promise.race([started, proc.done]);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid,
    stop: async () => {
      proc.kill();
      await proc.done;
    },
  };
}

/** Runs the viewers against a server process (`servingPid`). */
async function load(servingPid: number, config: Record<string, unknown>): Promise<LoadResult> {
  const before = loadavg()[0]!;
  const cpuBefore = cpuSeconds(servingPid) ?? NaN;
  const out = await runNode([
    loadScript,
    JSON.stringify({ viewers: VIEWERS, seconds: SECONDS, pollMs: SEGMENT_SECONDS * 1000, joinMs: JOIN_MS, ...config }),
  ]).done;
  const result = JSON.parse(out.trim().split('\n').pop()!) as Omit<LoadResult, 'load'>;
  const cpu = (cpuSeconds(servingPid) ?? NaN) - cpuBefore; // includes opening sessions (origin)
  return { ...result, load: [before, loadavg()[0]!], cpuMsPer1k: (cpu * 1000 * 1000) / Math.max(1, result.requests) };
}

beforeAll(async () => {
  // one viewer token stands for every simulated viewer here: its session budget must hold them all
  server = await startServer({ env: { ONAIR_PLAYBACK_SESSIONS_PER_TOKEN: String(VIEWERS) } });
  const client = twilioClient(server);
  streamerSid = (await client.media.v1.playerStreamer.create()).sid;
  stream = await startTestStream({ dataDir: server.dataDir, streamerSid, segmentSeconds: SEGMENT_SECONDS, videoBitrate: '300k' });
  await stream.waitForSegments(4, 30_000);
});

afterAll(async () => {
  await stream?.stop();
  await server?.stop();
  const f = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '–');
  const lines = [
    '',
    `Playback origin vs. static serving: ${VIEWERS} viewers, ${SECONDS} s, playlist every ${SEGMENT_SECONDS} s + new segments, loopback`,
    'serving          req/s    Mbit/s   GET p50 ms  GET p99 ms  GET max ms  session p99 ms  errors  retried  CPU ms/1k req  load avg',
    ...results.map(
      (r) =>
        `${(r.mode === 'origin' ? 'onair origin' : 'express.static').padEnd(15)} ${r.rps.toFixed(0).padStart(6)} ${r.mbps.toFixed(1).padStart(9)} ${f(r.gets.p50).padStart(11)} ${f(r.gets.p99).padStart(11)} ${f(r.gets.max).padStart(11)} ${(r.mode === 'origin' ? f(r.sessions.p99) : '').padStart(15)} ${String(r.errors).padStart(7)} ${String(r.keepAliveRetries).padStart(8)} ${r.cpuMsPer1k.toFixed(0).padStart(14)}  ${r.load.map((l) => l.toFixed(1)).join('→')}`,
    ),
    ...results.flatMap((r) => r.errorSamples.map((e) => `  ${r.mode} error: ${e}`)),
    '',
  ];
  process.stdout.write(lines.join('\n'));
});

describe(`playback: ${VIEWERS} concurrent HLS viewers for ${SECONDS} s`, () => {
  bench(
    'onair origin (sessions, grant-gated) then express.static on the same files',
    async () => {
      const grant = (await twilioClient(server).media.v1.playerStreamer(streamerSid).playbackGrant().create({ ttl: 60 })).grant as {
        playbackUrl: string;
      };
      const { AccessToken } = twilio.jwt;
      const token = new AccessToken(server.creds.accountSid, server.creds.apiKeySid, server.creds.apiSecret, { identity: 'bench' });
      token.addGrant(new AccessToken.PlaybackGrant({ grant }));
      const playbackUrl = grant.playbackUrl.replace(/^https?:\/\/[^/]+/, server.url);
      results.push(await load(server.proc.pid!, { mode: 'origin', playbackUrl, token: token.toJwt(), origin: ORIGIN }));

      const plain = await startStaticServer(stream.dir);
      try {
        results.push(await load(plain.pid, { mode: 'static', playlistUrl: `${plain.url}/index.m3u8`, origin: ORIGIN }));
      } finally {
        await plain.stop();
      }
      // the origin must hold the load without a single error; the baseline's errors are only reported
      const failed = results.filter((r) => r.mode === 'origin' && r.errors > 0);
      if (failed.length > 0) {
        throw new Error(`errors under load: ${failed.map((r) => `${r.mode} ${r.errors} (${r.errorSamples.join('; ')})`).join(', ')}`);
      }
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
