/**
 * Room join latency in real headless Chromium (fake camera + mic) against the real server:
 * from just before `connect()` to the first frame of the first / of every remote video
 * (`requestVideoFrameCallback` on the attached <video>), in rooms of 2 and 4.
 *
 * Room of N: N−1 residents stay connected (publishing camera + mic, seeing each other);
 * one joiner joins, is measured, disconnects, ten times with a fresh identity each.
 * Baseline in the same run, same browser, same resident pages: raw `RTCPeerConnection`s
 * from the joiner to each resident (both sending camera + mic), signaled over a
 * `BroadcastChannel` (trickle ICE), no onair in the path — the floor WebRTC setup costs on
 * this machine. The difference is onair's signaling/SDK overhead. Each room gets one
 * unmeasured warm-up join of each kind before the measured ones.
 *
 * Each bench iteration is one join; vitest's own table times whole join cycles (room setup
 * in the first, page reload and leave in all), so the figures that matter are printed in
 * `afterAll`. All pages share one machine: a room of 4 is a mesh of 4 pages each encoding and
 * decoding 3 videos, CPU-bound on 2 cores (a 320x240@15 camera halved its times), and the
 * figures move with any other load on the machine.
 */
import { cpus, loadavg } from 'node:os';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { launchBrowser, newPage, type Browser, type LoggedPage } from '../e2e/support/browser.js';
import { startServer, type RunningServer } from '../e2e/support/server.js';
import { videoToken } from '../e2e/support/signaling.js';
import {
  baselineJoin,
  onairJoin,
  openResident,
  percentile,
  sleep,
  waitForBaselineHangup,
  waitForResidentVideos,
  waitForRoomSize,
  type JoinSample,
  type Resident,
} from './support/room-joins.js';

const JOINS = 10;
const SIZES = [2, 4] as const;
/** pause after a leave has been seen by every resident, before the next join */
const GAP_MS = 300;
const opts = { iterations: JOINS, time: 0, warmupIterations: 0, warmupTime: 0 };

interface Scenario {
  kind: 'onair' | 'baseline';
  size: number;
  samples: JoinSample[];
  /** the machine's 1-minute load average at each join (other work on the machine shows here) */
  load: number[];
  error?: string;
}

let server: RunningServer | undefined;
let browser: Browser | undefined;
let browserVersion = '';
const scenarios: Scenario[] = [];
const warmUps = new Map<number, Record<Scenario['kind'], JoinSample>>();

function scenario(kind: Scenario['kind'], size: number): Scenario {
  const s: Scenario = { kind, size, samples: [], load: [] };
  scenarios.push(s);
  return s;
}

/** Runs one join; a failure is kept for the table and rethrown for vitest. */
async function measured(s: Scenario, join: () => Promise<JoinSample>): Promise<void> {
  s.load.push(loadavg()[0]!);
  try {
    s.samples.push(await join());
  } catch (err) {
    s.error ??= (err as Error).message.split('\n')[0];
    throw err;
  }
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  browserVersion = await browser.version();
});

afterAll(async () => {
  process.stdout.write(report());
  await closeRoom(await current?.promise.catch(() => undefined));
  await browser?.close();
  await server?.stop();
});

interface RoomSetup {
  name: string;
  residents: Resident[];
  joiner: LoggedPage;
}

// vitest bench runs no beforeAll/afterAll of nested describes, so a room is set up by its
// first join (outside the measured part) and closed when the next room size starts
let current: { size: number; promise: Promise<RoomSetup> } | undefined;

function roomOf(size: number): Promise<RoomSetup> {
  if (current?.size !== size) {
    const previous = current?.promise;
    current = {
      size,
      promise: (async () => {
        await closeRoom(await previous?.catch(() => undefined));
        return openRoom(size);
      })(),
    };
  }
  return current.promise;
}

async function openRoom(size: number): Promise<RoomSetup> {
  const name = `bench-room-of-${size}`;
  const residents: Resident[] = [];
  // one after the other: each newcomer offers to those already in
  for (let i = 1; i < size; i++) {
    const identity = `resident-${i}`;
    residents.push(await openResident(browser!, server!.url, videoToken(server!, identity, name), `${name}/${identity}`));
  }
  await waitForResidentVideos(residents, size - 2);
  await waitForRoomSize(residents, size - 2);
  const joiner = await newPage(browser!);
  // one unmeasured join of each kind: the first join in a new joiner window was the slowest
  // (up to several times the others), and it would always land on the scenario that runs first
  const baseline = await baselineJoin(joiner, server!.url, `${name}/warm-up`, residents);
  await waitForBaselineHangup(residents);
  const onair = await onairJoin(joiner, server!.url, videoToken(server!, 'warm-up', name), residents);
  await waitForRoomSize(residents, size - 2);
  warmUps.set(size, { baseline, onair });
  await sleep(GAP_MS);
  return { name, residents, joiner };
}

async function closeRoom(room: RoomSetup | undefined): Promise<void> {
  if (!room) return;
  await Promise.all(
    [room.joiner, ...room.residents.map((r) => r.page)].map(async (page) => {
      await page.evaluate('window.room && window.room.disconnect()').catch(() => undefined);
      await page.close().catch(() => undefined);
    }),
  );
}

for (const size of SIZES) {
  describe(`join a room of ${size} (${JOINS} joins each)`, () => {
    const baseline = scenario('baseline', size);
    const onair = scenario('onair', size);

    bench(`baseline: raw RTCPeerConnection to ${size - 1} resident(s), BroadcastChannel signaling`, async () => {
      const { name, residents, joiner } = await roomOf(size);
      const session = `${name}/baseline-${baseline.samples.length + 1}`;
      await measured(baseline, () => baselineJoin(joiner, server!.url, session, residents));
      await waitForBaselineHangup(residents);
      await sleep(GAP_MS);
    }, opts);

    bench(`onair: connect() to a room of ${size}`, async () => {
      const { name, residents, joiner } = await roomOf(size);
      const token = videoToken(server!, `joiner-${onair.samples.length + 1}`, name);
      await measured(onair, () => onairJoin(joiner, server!.url, token, residents));
      await waitForRoomSize(residents, size - 2);
      await sleep(GAP_MS);
    }, opts);
  });
}

// ---------------------------------------------------------------------------------------

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '   –' : `${Math.round(v)}`.padStart(4)) + ' ms';
const p = (samples: JoinSample[], pick: (s: JoinSample) => number | undefined, q: number) =>
  percentile(samples.map(pick).filter((v): v is number => v !== undefined), q);

function row(s: Scenario): string {
  const label = `${s.kind === 'onair' ? 'rooms' : 'baseline'} (${s.size} participants)`.padEnd(27);
  if (s.samples.length === 0) return `${label} FAILED: ${s.error ?? 'no join measured'}`;
  const x = s.samples;
  const tail =
    s.kind === 'onair'
      ? `connect() p50 ${ms(p(x, (v) => v.connectMs, 50))}`
      : `camera+mic capture p50 ${ms(p(x, (v) => v.captureMs, 50))} (before t0)`;
  const partial = x.length < JOINS ? `  [${x.length}/${JOINS} joins: ${s.error}]` : '';
  const load = Math.max(...s.load).toFixed(1);
  return (
    `${label} join→first remote frame p50 ${ms(p(x, (v) => v.firstMs, 50))} p95 ${ms(p(x, (v) => v.firstMs, 95))}` +
    ` | all remote p50 ${ms(p(x, (v) => v.allMs, 50))} p95 ${ms(p(x, (v) => v.allMs, 95))} | ${tail} | load ≤ ${load}${partial}`
  );
}

function overhead(size: number): string {
  const on = scenarios.find((s) => s.kind === 'onair' && s.size === size)?.samples ?? [];
  const base = scenarios.find((s) => s.kind === 'baseline' && s.size === size)?.samples ?? [];
  const label = `onair overhead vs baseline (p50), ${size} participants:`.padEnd(52);
  if (!on.length || !base.length) return `${label} –`;
  const d = (pick: (s: JoinSample) => number) => {
    const v = Math.round(p(on, pick, 50) - p(base, pick, 50));
    return `${v >= 0 ? '+' : ''}${v} ms`;
  };
  const capture = ms(p(base, (v) => v.captureMs, 50)).trim();
  return (
    `${label} first remote frame ${d((v) => v.firstMs)}, all remote ${d((v) => v.allMs)}` +
    ` (onair's include its camera+mic capture, ${capture} p50 in the baseline)`
  );
}

function samplesLine(s: Scenario): string {
  const label = `${s.kind === 'onair' ? 'rooms' : 'baseline'} (${s.size})`.padEnd(15);
  return `  ${label} first: ${s.samples.map((v) => Math.round(v.firstMs)).join(' ')}  | all: ${s.samples.map((v) => Math.round(v.allMs)).join(' ')}`;
}

function report(): string {
  const ordered = SIZES.flatMap((size) => [
    ...scenarios.filter((s) => s.size === size && s.kind === 'onair'),
    ...scenarios.filter((s) => s.size === size && s.kind === 'baseline'),
  ]);
  const rule = '='.repeat(100);
  const lines = [
    '',
    rule,
    `Room join → first remote frame, ${JOINS} joins per row, measured in the joiner's page (nearest-rank p50/p95: p95 = slowest of ${JOINS})`,
    '  rooms: t0 just before connect() (includes its camera+mic capture) → requestVideoFrameCallback on each remote <video>',
    '  baseline: raw RTCPeerConnections, BroadcastChannel signaling, t0 just before the first RTCPeerConnection',
    '  each room: its residents join first, then one unmeasured warm-up join of each kind, then the measured joins',
    `  machine: ${cpus().length} cores, ${browserVersion}; "load ≤": the highest 1-minute load average seen at a join of that row`,
    '  (machine-wide: when a row shows far more than its pair, other work on the machine skewed it)',
    '',
    ...SIZES.flatMap((size) => [...ordered.filter((s) => s.size === size).map(row), overhead(size), '']),
    'per-join samples in join order (ms):',
    ...ordered.filter((s) => s.samples.length).map(samplesLine),
    ...[...warmUps].map(
      ([size, w]) =>
        `  warm-up joins, room of ${size} (not in the figures above): rooms first ${Math.round(w.onair.firstMs)} all ${Math.round(w.onair.allMs)}` +
        ` | baseline first ${Math.round(w.baseline.firstMs)} all ${Math.round(w.baseline.allMs)}`,
    ),
    rule,
    '',
  ];
  return lines.join('\n') + '\n';
}
