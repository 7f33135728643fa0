/**
 * The composer job (MediaProcessor video-composer-v1 → PlayerStreamer HLS) at 720p30, the
 * default resolution, in rooms of 2 and 4 fake-camera speakers, against the real CLI:
 *
 * - start latency: t0 just before `POST /v1/MediaProcessors` (the PlayerStreamer exists
 *   already) → `<dataDir>/streams/<VJ…>/index.m3u8` lists its first segment (polled every
 *   25 ms); also when ffmpeg's first output (init-0.mp4) appeared, when a REST GET of the
 *   streamer answered `started`, and the job's own info log lines (page loaded, composer
 *   joined, recording started). Up to 3 runs per scenario, each a new streamer and
 *   processor in the same room.
 * - cost, first run of each scenario: CPU of the job's processes (its Chromium's whole
 *   process group + the server's ffmpeg child) over a 20 s window starting 2 s after the
 *   first segment; peak memory of the same processes (250 ms samples) from t0 to the
 *   window's end or 40 s after t0, as a sum of RSS (over-counts the pages Chromium's
 *   processes share) and of PSS (what the goal is checked against).
 * - both servers run as the CLI does by default: one standby Chromium, launched for the SID
 *   of the next processor with the composer page preloaded, which a new job takes instead
 *   of launching its own; the next standby launches 10 s later. The idle standby is not
 *   part of the job's figures: its cores (cost window) and PSS are printed apart.
 *
 * Baseline in the same run: a second server with ONAIR_COMPOSER_VIDEO_CODEC=vp8 (the page
 * records VP8 and ffmpeg re-encodes it with libx264 veryfast), same rooms, same figures.
 *
 * The sandbox's cost in the same run: a third server with ONAIR_CHROMIUM_NO_SANDBOX=1, on
 * the copy path, same rooms, same figures (the first two run Chromium in its sandbox, as
 * the CLI does by default). A job starts from a standby Chromium, so its start latency hides
 * Chromium's launch: cold launches (Chromium.launch, then the composer page preloaded, as a
 * standby does) are timed apart, sandboxed and --no-sandbox in turns.
 *
 * The speakers (one headless Chromium, one window each, fake camera + mic, a full mesh
 * that the composer joins as one more peer) run on the same 2 cores: their CPU is printed for
 * context but is not part of the job's. vitest's own table times whole scenarios (speaker
 * setup included), so the figures that matter are printed in `afterAll`. A scenario that
 * fails stops there and shows in the table; afterAll then fails the file.
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { launchBrowser, type Browser } from '../e2e/support/browser.js';
import { startServer, type RunningServer } from '../e2e/support/server.js';
import { UsageSampler } from './support/proc-usage.js';
import {
  chromiumOf,
  ffmpegOf,
  standbyOf,
  group,
  measureStart,
  openSpeakers,
  sleep,
  union,
  type StartSample,
} from './support/composer-runs.js';
import { report, type Scenario } from './support/composer-report.js';
import { coldLaunches } from './support/chromium-launches.js';
import type { LaunchReport } from './support/composer-report.js';

const SIZES = [2, 4] as const;
const RUNS = 3;
const STEADY_MS = 20_000;
const SETTLE_MS = 2_000;
const SPEAKERS_ALONE_MS = 5_000;
/** the composer's renderer grew for ~35 s after t0, then stayed flat: memory peaks are sampled at least this long */
const MEMORY_UNTIL_MS = 40_000;
/** later runs of a scenario only start while the scenario is younger than this (keeps the file under ~6 min) */
const SCENARIO_BUDGET_MS = 62_000;
const opts = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 };

/** both servers as the CLI runs by default: one standby Chromium kept ready (test support turns it off unless asked) */
const STANDBY_ENV = { ONAIR_COMPOSER_STANDBY: '1' };
const BASELINE_ENV = { ...STANDBY_ENV, ONAIR_COMPOSER_VIDEO_CODEC: 'vp8' };
const NO_SANDBOX_ENV = { ...STANDBY_ENV, ONAIR_COMPOSER_VIDEO_CODEC: 'h264', ONAIR_CHROMIUM_NO_SANDBOX: '1' };
/** cold launches of each mode (sandboxed, --no-sandbox), in turns */
const LAUNCH_ROUNDS = 5;

type Path = Scenario['path'];

const servers: Partial<Record<Path, RunningServer>> = {};
let speakersBrowser: Browser | undefined;
let browserVersion = '';
const scenarios: Scenario[] = [];
const launches: LaunchReport = { samples: [] };
const startedAt = performance.now();

beforeAll(async () => {
  // info: the job's own log lines time its start (page loaded, joined, recording started).
  // allSettled: a server that did start is kept (and stopped in afterAll) even if the other failed
  const started = await Promise.allSettled([
    startServer({ env: { ...STANDBY_ENV, ONAIR_COMPOSER_VIDEO_CODEC: 'h264' }, args: ['--log-level', 'info'] }).then((s) => (servers.copy = s)),
    startServer({ env: BASELINE_ENV, args: ['--log-level', 'info'] }).then((s) => (servers.baseline = s)),
    startServer({ env: NO_SANDBOX_ENV, args: ['--log-level', 'info'] }).then((s) => (servers.nosandbox = s)),
  ]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  const probe = await launchBrowser();
  try {
    browserVersion = await probe.version();
  } finally {
    await probe.close();
  }
});

afterAll(async () => {
  process.stdout.write(
    report(scenarios, launches, {
      cores: cpus().length,
      browserVersion,
      runs: RUNS,
      steadyMs: STEADY_MS,
      settleMs: SETTLE_MS,
      memoryUntilMs: MEMORY_UNTIL_MS,
      speakersAloneMs: SPEAKERS_ALONE_MS,
      wallSec: (performance.now() - startedAt) / 1000,
      baselineNote: 'as shipped: libx264 veryfast with a constant output rate (-r) at the composer frame rate; same standby and segment settings',
    }),
  );
  await speakersBrowser?.close().catch(() => undefined);
  // SIGTERM ends running processors (their Chromium and ffmpeg); SIGKILL if it hangs
  await Promise.all(
    Object.values(servers).map(async (s) => {
      const stopped = await Promise.race([s.stop().then(() => true), sleep(15_000).then(() => false)]);
      if (!stopped) await s.kill();
      rmSync(s.dataDir, { recursive: true, force: true }); // its database and HLS output
    }),
  );
  const problems = scenarios.filter((s) => s.error).map((s) => `${s.path}, ${s.size} speakers: ${s.error}`);
  if (launches.error) problems.push(`cold launches: ${launches.error}`);
  if (problems.length) throw new Error(problems.join('\n'));
}, 60_000);

async function runScenario(s: Scenario): Promise<void> {
  if (s.ran) return;
  s.ran = true;
  const t = performance.now();
  s.load = loadavg()[0]!;
  const server = servers[s.path]!;
  const serverPid = server.proc.pid!;
  let sid: string | undefined;
  const chromium = chromiumOf(serverPid, () => sid);
  const ffmpeg = ffmpegOf(serverPid);
  const job = union(chromium, ffmpeg);
  const standby = standbyOf(serverPid, () => sid);
  const sampler = new UsageSampler(250);
  try {
    speakersBrowser = await launchBrowser();
    const room = `bench-composer-${s.path}-${s.size}`;
    s.notes = (await openSpeakers(speakersBrowser, server, room, s.size)).notes;
    sampler
      .add('job', job, true)
      .add('chromium', chromium)
      .add('ffmpeg', ffmpeg)
      .add('standby', standby)
      .add('speakers', group(speakersBrowser.process()!.pid!))
      .add('server', (all) => all.filter((p) => p.pid === serverPid))
      .add('bench', (all) => all.filter((p) => p.pid === process.pid))
      .start();
    sampler.beginWindow();
    await sleep(SPEAKERS_ALONE_MS);
    s.speakersAlone = sampler.endWindow();
    for (let run = 0; run < RUNS; run++) {
      if (run > 0 && performance.now() - t > SCENARIO_BUDGET_MS) break;
      const { start, steady } = await measureStart({
        server,
        room,
        sampler,
        job,
        standby,
        setSid: (v) => (sid = v),
        steadyMs: run === 0 ? STEADY_MS : 0,
        settleMs: SETTLE_MS,
        memoryUntilMs: MEMORY_UNTIL_MS,
      });
      s.starts.push(start);
      if (steady) s.steady = steady;
    }
  } catch (err) {
    // kept for the table; afterAll fails the file once every scenario has had its turn
    s.error ??= (err as Error).message.split('\n')[0];
  } finally {
    sampler.stop();
    await speakersBrowser?.close().catch(() => undefined);
    speakersBrowser = undefined;
    s.wallSec = (performance.now() - t) / 1000;
  }
}

describe('Chromium cold launch, composer page preloaded', () => {
  bench(`sandboxed and --no-sandbox in turns, ${LAUNCH_ROUNDS} each`, async () => {
    if (launches.samples.length || launches.error) return;
    try {
      const { samples, sandbox } = await coldLaunches(servers.copy!.url, LAUNCH_ROUNDS);
      launches.samples = samples;
      launches.sandbox = sandbox.mode === 'as-user' ? `as ${sandbox.user.name} via setpriv` : sandbox.mode;
    } catch (err) {
      launches.error = (err as Error).message.split('\n')[0];
    }
  }, opts);
});

for (const size of SIZES) {
  describe(`composer job, 720p30, room of ${size}`, () => {
    for (const path of ['copy', 'nosandbox', 'baseline'] as const) {
      const s: Scenario = { path, size, starts: [] as StartSample[], load: 0 };
      scenarios.push(s);
      const name =
        path === 'copy'
          ? `copy: H.264 recorded, ffmpeg -c:v copy, ${size} speakers`
          : path === 'nosandbox'
            ? `nosandbox: copy with ONAIR_CHROMIUM_NO_SANDBOX=1, ${size} speakers`
            : `baseline: VP8 recorded, ffmpeg libx264 veryfast, ${size} speakers`;
      // an async function: tinybench then skips its "is it async?" probe call, which would
      // run the scenario untimed and swallow its errors
      bench(name, async () => {
        await runScenario(s);
      }, opts);
    }
  });
}
