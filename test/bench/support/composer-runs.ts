/**
 * One composer job measured end to end, for `composer.bench.ts`: speakers in a room, then a
 * PlayerStreamer + MediaProcessor created with the official twilio client, timed from just
 * before `POST /v1/MediaProcessors` to the first segment listed in the streamer's
 * `index.m3u8`, optionally held for a steady CPU/memory window, then ended and waited out.
 *
 * The job's processes: its Chromium (launched by the server, detached, as the leader of its
 * own process group; its profile dir `onair-composer-<ZX sid>-…` is on the leader's command
 * line) with its whole group, plus the ffmpeg children of the server — or of the
 * `onair worker` processes that run the jobs (`JobHosts`, for `distributed.bench.ts`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, LoggedPage } from '../../e2e/support/browser.js';
import { probe, readPlaylist, standalone, streamDir } from '../../e2e/support/hls.js';
import { waitForPlayingVideos } from '../../e2e/support/media.js';
import { allProcesses, descendants, type ProcInfo } from '../../e2e/support/processes.js';
import { api, type RunningServer } from '../../e2e/support/server.js';
import { videoToken } from '../../e2e/support/signaling.js';
import { openSpeaker, waitForState } from '../../e2e/support/speakers.js';
import { twilioClient } from '../../e2e/support/twilio-client.js';
import { pssBytes, type CpuWindow, type GroupPeak, type Selector, type UsageSampler } from './proc-usage.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const isFfmpeg = (p: ProcInfo) => /ffmpeg/.test(p.comm) || /\/ffmpeg\b/.test(p.cmdline.split(' ')[0] ?? '');

/** The server's ffmpeg children (one job runs at a time per server here). */
export const ffmpegOf = (serverPid: number): Selector => (all) => descendants(serverPid, all).filter(isFfmpeg);

/**
 * The job's Chromium: the server's children whose command line holds `onair-composer-<sid>`
 * (any composer profile while the sid is not known yet), and every process of their groups.
 */
export function chromiumOf(serverPid: number, sid: () => string | undefined): Selector {
  return (all) => {
    const marker = `onair-composer-${sid() ?? ''}`;
    const leaders = descendants(serverPid, all).filter((p) => p.cmdline.includes(marker));
    const own = new Set([all.find((p) => p.pid === serverPid)?.pgid, all.find((p) => p.pid === process.pid)?.pgid]);
    const groups = new Set(leaders.map((p) => p.pgid).filter((g) => !own.has(g)));
    return all.filter((p) => groups.has(p.pgid) || leaders.includes(p));
  };
}

/**
 * The server's standby Chromium (launched ahead for the SID of a processor yet to be created:
 * any composer profile but the current job's), with their whole groups. Not the job's: its
 * cost is reported on its own.
 */
export function standbyOf(serverPid: number, sid: () => string | undefined): Selector {
  return (all) => {
    const current = sid();
    const leaders = descendants(serverPid, all).filter(
      (p) => p.pid === p.pgid && p.cmdline.includes('onair-composer-') && !(current && p.cmdline.includes(`onair-composer-${current}`)),
    );
    const groups = new Set(leaders.map((p) => p.pgid));
    return all.filter((p) => groups.has(p.pgid));
  };
}

/** Both, deduplicated: the job as a whole. */
export const union = (...selectors: Selector[]): Selector => (all) => [...new Set(selectors.flatMap((s) => s(all)))];

/** A process group (the speakers' Chromium: puppeteer launches it detached, as the leader). */
export const group = (pgid: number): Selector => (all) => all.filter((p) => p.pgid === pgid);

/**
 * Opens `n` speaker pages in `browser`, one after the other, and waits until each plays the
 * others' video. A page that still shows fewer after `playTimeoutMs` (seen on this machine
 * under heavy load from other work) does not stop the scenario: it comes back as a note.
 */
export async function openSpeakers(
  browser: Browser,
  server: RunningServer,
  room: string,
  n: number,
  playTimeoutMs = 45_000,
): Promise<{ pages: LoggedPage[]; notes: string[] }> {
  const pages: LoggedPage[] = [];
  for (let i = 1; i <= n; i++) pages.push(await openSpeaker(browser, server.url, videoToken(server, `speaker-${i}`, room)));
  await Promise.all(pages.map((p) => waitForState(p, 'connected', 30_000)));
  const notes: string[] = [];
  const deadline = performance.now() + playTimeoutMs;
  for (const [i, page] of pages.entries()) {
    try {
      await waitForPlayingVideos(page, 'li.tile video', n - 1, Math.max(1_000, deadline - performance.now()));
    } catch (err) {
      const playing = /; (\d+) playing\./.exec((err as Error).message)?.[1] ?? '?';
      notes.push(`speaker-${i + 1} played ${playing} of ${n - 1} remote videos after ${playTimeoutMs / 1000} s`);
    }
  }
  return { pages, notes };
}

/** Figures of one create → first segment run (ms from t0 unless said otherwise). */
export interface StartSample {
  /** the POST /v1/MediaProcessors round trip */
  createMs: number;
  /** `init-0.mp4` exists: ffmpeg's first output (Chromium up, page joined, recording started) */
  initMs: number;
  /** index.m3u8 lists its first segment */
  firstSegmentMs: number;
  /** EXTINF of that first segment, s */
  firstSegmentSec: number;
  /** GET /v1/PlayerStreamers/{sid} answered `started` */
  startedMs: number;
  /** from `update({status: 'ended'})` until no Chromium/ffmpeg of the job is left */
  stopMs: number;
  /** the job's own log lines (server at --log-level info), ms from t0 */
  log: JobMilestones;
}

/** When the server logged each step of the job's start (ms from t0; ms resolution, wall clock). */
export interface JobMilestones {
  /** 'composer job starting' */
  starting?: number;
  /** 'composer page loaded' (Chromium launched, page DOMContentLoaded) */
  pageLoaded?: number;
  /** 'participant joined' with hidden: true (the composer page in the room) */
  joined?: number;
  /** 'recording started' (ingest hello accepted, ffmpeg spawned) */
  recording?: number;
}

/** Reads the job's milestones from the server's JSON log lines written since `sinceEpochMs`. */
export function milestones(stdout: string, sid: string, sinceEpochMs: number): JobMilestones {
  const out: JobMilestones = {};
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { time?: number; msg?: string; mediaProcessorSid?: string; hidden?: boolean };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (!entry.time || entry.time < sinceEpochMs) continue;
    const at = entry.time - sinceEpochMs;
    if (entry.msg === 'participant joined' && entry.hidden) out.joined ??= at;
    if (entry.mediaProcessorSid !== sid) continue;
    if (entry.msg === 'composer job starting') out.starting ??= at;
    else if (entry.msg === 'composer page loaded') out.pageLoaded ??= at;
    else if (entry.msg === 'recording started') out.recording ??= at;
  }
  return out;
}

/** Steady-state figures of a job, over a window after its first segment. */
export interface SteadySample {
  window: CpuWindow;
  /** peaks of the job's processes from t0 to the end of the window, or to `memoryUntilMs` if later */
  peak: GroupPeak;
  /** when the memory sampling ended, ms from t0 */
  memoryUntilMs: number;
  /** video frames / duration of a segment cut during the window, per ffprobe */
  fps: number | undefined;
  /** segments published during the window × their mean EXTINF / wall time (1.0 = real time) */
  realTime: number | undefined;
  /** ffmpeg's `-c:v` (copy or libx264) and `-r` if any, as seen on its command line */
  ffmpegVideo: string;
  /** PSS of the job's processes when the memory sampling ended, by kind (Chromium's `--type=`, or ffmpeg) */
  pssByKind: Record<string, number>;
  /** the job's PSS sum at the window's start and end (growth shows a leak or a filling buffer) */
  pssStart: number;
  pssEnd: number;
  /** the idle standby Chromium kept for the next processor (not the job's): PSS when the memory sampling ended */
  standbyPss: number;
}

const pssOf = (procs: ProcInfo[]) => procs.reduce((sum, p) => sum + (pssBytes(p.pid) ?? 0), 0);

/**
 * Where jobs run: the server itself (its embedded worker, the default) or `onair worker`
 * processes beside it (distributed.bench.ts).
 */
export interface JobHosts {
  /** the processes that run jobs: a job's Chromium and ffmpeg are their descendants */
  pids: () => number[];
  /** the JSON log lines written so far where the job's milestones are (the server's and the workers') */
  log: () => string;
}

/** The server as its own (embedded) worker. */
export const embeddedHosts = (server: RunningServer): JobHosts => ({ pids: () => [server.proc.pid!], log: () => server.stdout() });

/** What a start needs: a server whose room has speakers, and where its jobs run. */
export interface StartOptions {
  server: RunningServer;
  room: string;
  /** default: the server ({@link embeddedHosts}) */
  hosts?: JobHosts;
  timeoutMs?: number;
}

/** A start that is also sampled (CPU, memory) and optionally held for a steady window. */
export interface RunOptions extends StartOptions {
  sampler: UsageSampler;
  /** the job's processes (for the PSS breakdown) */
  job: Selector;
  /** the server's idle standby Chromium (reported apart from the job) */
  standby: Selector;
  /** the sampler's selectors read the job's sid through this */
  setSid: (sid: string | undefined) => void;
  /** hold a steady window of this many ms, `settleMs` after the first segment (none when 0) */
  steadyMs: number;
  settleMs: number;
  /** memory peaks keep being sampled until at least this long after t0 (the renderer grows for a while) */
  memoryUntilMs: number;
}

/** Polls the playlist every 25 ms from t0: when init-0.mp4 exists and when a segment is listed. */
async function watchPlaylist(dir: string, t0: number, timeoutMs: number, stop: { failed?: string }) {
  let initMs: number | undefined;
  for (;;) {
    const now = performance.now();
    if (initMs === undefined && existsSync(join(dir, 'init-0.mp4'))) initMs = now - t0;
    const playlist = readPlaylist(dir);
    if (playlist?.segments.length) {
      return { initMs: initMs ?? now - t0, firstSegmentMs: now - t0, firstSegmentSec: playlist.segments[0]!.duration };
    }
    if (stop.failed) throw new Error(stop.failed);
    if (now - t0 > timeoutMs) throw new Error(`no segment listed in ${dir}/index.m3u8 within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** Polls the streamer over REST every 50 ms until `started`; a streamer that ends instead fails the run. */
async function watchStarted(server: RunningServer, sid: string, t0: number, timeoutMs: number, stop: { failed?: string }) {
  for (;;) {
    const { json } = await api(server, 'GET', `/v1/PlayerStreamers/${sid}`);
    const at = performance.now() - t0;
    if (json?.status === 'started') return at;
    if (json?.status === 'ended' || json?.status === 'failed') {
      stop.failed = `the streamer turned ${json.status} (${json.ended_reason}) before started`;
      throw new Error(stop.failed);
    }
    if (stop.failed) throw new Error(stop.failed);
    if (at > timeoutMs) throw new Error(`streamer not started within ${timeoutMs} ms (status ${json?.status})`);
    await sleep(50);
  }
}

const totalSegments = (dir: string) => {
  const p = readPlaylist(dir);
  return p ? { count: p.mediaSequence + p.segments.length, durations: p.segments.map((s) => s.duration) } : { count: 0, durations: [] };
};

async function steadyWindow(opts: RunOptions, dir: string, t0: number): Promise<SteadySample> {
  const { sampler } = opts;
  await sleep(opts.settleMs);
  const before = totalSegments(dir).count;
  sampler.beginWindow();
  const pssStart = pssOf(opts.job(sampler.latest));
  await sleep(opts.steadyMs);
  const window = sampler.endWindow();
  const pssEnd = pssOf(opts.job(sampler.latest));
  const after = totalSegments(dir);
  await sleep(opts.memoryUntilMs - (performance.now() - t0));
  sampler.sample();
  const peak = sampler.peak('job');
  const memoryUntilMs = performance.now() - t0;
  const produced = after.count - before;
  const mean = after.durations.length ? after.durations.reduce((a, b) => a + b, 0) / after.durations.length : NaN;
  const ffmpeg = ffmpegOf(opts.server.proc.pid!)(sampler.latest)[0];
  const rate = / -r (\S+)/.exec(ffmpeg?.cmdline ?? '')?.[1];
  const ffmpegVideo = (/-c:v (\S+)/.exec(ffmpeg?.cmdline ?? '')?.[1] ?? '?') + (rate ? ` -r ${rate}` : '');
  const pssByKind: Record<string, number> = {};
  for (const p of opts.job(sampler.latest)) {
    const kind = isFfmpeg(p) ? 'ffmpeg' : (/--type=(\S+)/.exec(p.cmdline)?.[1] ?? 'browser');
    pssByKind[kind] = (pssByKind[kind] ?? 0) + (pssBytes(p.pid) ?? 0);
  }
  // the newest segment, probed after the window (ffprobe costs CPU)
  let fps: number | undefined;
  const playlist = readPlaylist(dir);
  const seg = playlist?.segments.at(-1);
  if (playlist && seg) {
    const media = await probe(standalone(dir, seg)).catch(() => undefined);
    if (media && media.videoDuration > 0) fps = media.video.length / media.videoDuration;
  }
  const standbyPss = pssOf(opts.standby(sampler.latest));
  return { window, peak, fps, realTime: produced > 0 ? (produced * mean) / window.wallSec : undefined, ffmpegVideo, pssByKind, pssStart, pssEnd, memoryUntilMs, standbyPss };
}

/** Ends a processor and waits until its Chromium and ffmpeg are gone; returns how long that took. */
export async function endJob(server: RunningServer, hosts: JobHosts, sid: string, timeoutMs = 15_000): Promise<number> {
  const t = performance.now();
  await twilioClient(server).media.v1.mediaProcessor(sid).update({ status: 'ended' });
  const pids = hosts.pids();
  const processes = union(...pids.map((pid) => chromiumOf(pid, () => sid)), ...pids.map(ffmpegOf));
  for (;;) {
    if (processes(allProcesses()).length === 0) return performance.now() - t;
    if (performance.now() - t > timeoutMs) throw new Error(`processes of ${sid} still running ${timeoutMs} ms after ended`);
    await sleep(50);
  }
}

/** One run: streamer created before t0, processor at t0, measured, optionally held steady (RunOptions), ended. */
export async function measureStart(opts: StartOptions | RunOptions): Promise<{ start: StartSample; steady?: SteadySample }> {
  const { server, room } = opts;
  const sampled = 'sampler' in opts ? opts : undefined;
  const hosts = opts.hosts ?? embeddedHosts(server);
  const timeoutMs = opts.timeoutMs ?? 40_000;
  const client = twilioClient(server);
  const streamer = await client.media.v1.playerStreamer.create();
  const dir = streamDir(server.dataDir, streamer.sid);
  let processorSid: string | undefined;
  let ended = false;
  const stop: { failed?: string } = {};
  sampled?.setSid(undefined);
  sampled?.sampler.resetPeaks();
  try {
    const t0 = performance.now();
    const t0Epoch = Date.now();
    const playlist = watchPlaylist(dir, t0, timeoutMs, stop);
    const creating = client.media.v1.mediaProcessor.create({
      extension: 'video-composer-v1',
      extensionContext: JSON.stringify({ room: { name: room }, outputs: [streamer.sid] }),
    });
    const started = watchStarted(server, streamer.sid, t0, timeoutMs, stop);
    playlist.catch(() => undefined);
    started.catch(() => undefined);
    const processor = await creating;
    const createMs = performance.now() - t0;
    processorSid = processor.sid;
    sampled?.setSid(processor.sid);
    const first = await playlist;
    const startedMs = await started;
    const steady = sampled && sampled.steadyMs > 0 ? await steadyWindow(sampled, dir, t0) : undefined;
    const stopMs = await endJob(server, hosts, processor.sid);
    ended = true;
    const log = milestones(hosts.log(), processor.sid, t0Epoch);
    return { start: { createMs, ...first, startedMs, stopMs, log }, ...(steady ? { steady } : {}) };
  } catch (err) {
    stop.failed ??= (err as Error).message;
    const processor = processorSid ? (await api(server, 'GET', `/v1/MediaProcessors/${processorSid}`).catch(() => undefined))?.json : undefined;
    // the server's last warnings and errors about this job (its log is JSON on stdout)
    const logged = `${hosts.log()}\n${server.stderr()}`
      .split('\n')
      .filter((l) => /"level":(40|50|60)/.test(l) && (!processorSid || l.includes(processorSid)));
    const tail = logged.slice(-3).map((l) => l.slice(0, 300));
    throw new Error(
      `${(err as Error).message} (processor ${processorSid ?? '–'}: ${processor?.status ?? '?'}` +
        `${processor?.ended_reason ? ` ${processor.ended_reason}` : ''}; server warnings: ${tail.join(' | ') || 'none'})`,
      { cause: err },
    );
  } finally {
    if (processorSid && !ended) await endJob(server, hosts, processorSid).catch(() => undefined);
    sampled?.setSid(undefined);
  }
}
