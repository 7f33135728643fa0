/**
 * The composer's Chromium launched cold, sandboxed and with --no-sandbox in turns, for
 * `composer.bench.ts`: the package's own launcher (`Chromium.launch`, as the server runs it)
 * then the composer page preloaded from a running server (`<server>/composer/`, what a
 * standby does). Per launch: ms to the browser's connection, ms to the page waiting for its
 * config, CPU seconds its process group spent getting there, and its RSS and PSS sums once
 * idle.
 */
import { Chromium, chooseSandbox, probeSandboxHost, resolveChromePath, type ChromiumSandbox } from '@onair/media-processor';
import { allProcesses } from '../../e2e/support/processes.js';
import { cpuSeconds, pssBytes, rssBytes } from './proc-usage.js';

export type LaunchMode = 'sandboxed' | 'no-sandbox';

export interface LaunchSample {
  mode: LaunchMode;
  /** Chromium.launch resolved (browser up, pipe connected, first page) */
  launchMs: number;
  /** the composer page loaded and waiting for its config */
  readyMs: number;
  /** utime + stime of its process group when ready, s */
  cpuSec: number;
  /** sums over its process group, 1 s after ready */
  rss: number;
  pss: number;
  processes: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function launchOnce(mode: LaunchMode, sandbox: ChromiumSandbox, pageUrl: string): Promise<LaunchSample> {
  const t0 = performance.now();
  const chromium = await Chromium.launch({
    executablePath: resolveChromePath(process.env.CHROME_PATH),
    sandbox,
    label: `bench-launch-${mode}`,
    launchTimeoutMs: 30_000,
    width: 1280,
    height: 720,
    onPageLog: () => undefined,
  });
  try {
    const launchMs = performance.now() - t0;
    await chromium.preload(pageUrl, 30_000);
    const readyMs = performance.now() - t0;
    const group = () => allProcesses().filter((p) => p.pgid === chromium.pid);
    const cpuSec = group().reduce((sum, p) => sum + (cpuSeconds(p.pid) ?? 0), 0);
    await sleep(1_000);
    const procs = group();
    return {
      mode,
      launchMs,
      readyMs,
      cpuSec,
      rss: procs.reduce((sum, p) => sum + (rssBytes(p.pid) ?? 0), 0),
      pss: procs.reduce((sum, p) => sum + (pssBytes(p.pid) ?? 0), 0),
      processes: procs.length,
    };
  } finally {
    await chromium.kill();
  }
}

/** `rounds` launches of each mode, alternating (sandboxed first), one at a time. */
export async function coldLaunches(serverUrl: string, rounds: number): Promise<{ samples: LaunchSample[]; sandbox: ChromiumSandbox }> {
  const sandbox = chooseSandbox(true, probeSandboxHost());
  const modes: [LaunchMode, ChromiumSandbox][] = [
    ['sandboxed', sandbox],
    ['no-sandbox', { mode: 'off' }],
  ];
  const samples: LaunchSample[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [mode, s] of modes) samples.push(await launchOnce(mode, s, `${serverUrl}/composer/`));
  }
  return { samples, sandbox };
}
