/**
 * CPU and memory of groups of processes, read from /proc (Linux), for `composer.bench.ts`.
 *
 * A `UsageSampler` reads the process table every `intervalMs` and, per named group (a
 * selector over that table), keeps each process's CPU ticks (utime + stime), the group's
 * summed RSS and, when readable, summed PSS (`/proc/<pid>/smaps_rollup`). CPU over a window
 * is the sum of each process's tick delta between the window's first and last sample (a
 * process born inside the window counts from 0; one that exits inside it keeps the ticks
 * of its last sample), divided by the window's wall time. Memory peaks are the maximum of
 * the per-sample sums since `resetPeaks()`.
 *
 * Summing RSS over Chromium's processes over-counts the pages they share (the binary,
 * shared memory between the browser and its renderers); PSS divides each shared page
 * between its users, so the group's PSS sum is what the group really holds.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { allProcesses, type ProcInfo } from '../../e2e/support/processes.js';

function getconf(name: string, fallback: number): number {
  try {
    const v = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(v) && v > 0 ? v : fallback;
  } catch {
    return fallback;
  }
}

const CLK_TCK = getconf('CLK_TCK', 100);
const PAGE_SIZE = getconf('PAGESIZE', 4096);

/** utime + stime of a process, in seconds; undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Resident set size in bytes (statm), undefined when gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_SIZE;
  } catch {
    return undefined;
  }
}

/** Proportional set size in bytes (smaps_rollup), undefined when unreadable or gone. */
export function pssBytes(pid: number): number | undefined {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (/proc/stat), for how loaded it was. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest is already in user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLK_TCK, total: (busy + idle + iowait) / CLK_TCK };
}

export type Selector = (all: ProcInfo[]) => ProcInfo[];

export interface GroupPeak {
  /** highest per-sample sum of RSS, bytes */
  rss: number;
  /** highest per-sample sum of PSS, bytes; undefined when no PSS was readable */
  pss: number | undefined;
  /** processes in the group at the RSS peak */
  processes: number;
}

export interface CpuWindow {
  /** CPU seconds over wall seconds, per group */
  cores: Record<string, number>;
  /** the whole machine's busy cores over the window */
  machineCores: number;
  wallSec: number;
}

interface GroupState {
  select: Selector;
  memory: boolean;
  /** latest CPU seconds per pid */
  last: Map<number, number>;
  peak: GroupPeak;
}

export class UsageSampler {
  private readonly groups = new Map<string, GroupState>();
  private timer: NodeJS.Timeout | undefined;
  private window: { at: number; machine: { busy: number; total: number }; base: Map<string, Map<number, number>> } | undefined;
  /** the latest process table, for callers that want to look at it */
  latest: ProcInfo[] = [];

  constructor(private readonly intervalMs = 250) {}

  /** Adds a group; `memory` also samples its RSS/PSS (smaps_rollup costs some kernel time). */
  add(name: string, select: Selector, memory = false): this {
    this.groups.set(name, { select, memory, last: new Map(), peak: { rss: 0, pss: undefined, processes: 0 } });
    return this;
  }

  start(): this {
    this.sample();
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads every group now. */
  sample(): void {
    const all = allProcesses();
    this.latest = all;
    for (const g of this.groups.values()) {
      let rss = 0;
      let pss = 0;
      let pssSeen = false;
      const members = g.select(all);
      for (const p of members) {
        const cpu = cpuSeconds(p.pid);
        if (cpu !== undefined) g.last.set(p.pid, cpu);
        if (!g.memory) continue;
        rss += rssBytes(p.pid) ?? 0;
        const v = pssBytes(p.pid);
        if (v !== undefined) {
          pss += v;
          pssSeen = true;
        }
      }
      if (g.memory) {
        if (rss > g.peak.rss) g.peak = { ...g.peak, rss, processes: members.length };
        if (pssSeen && pss > (g.peak.pss ?? 0)) g.peak = { ...g.peak, pss };
      }
    }
  }

  resetPeaks(): void {
    for (const g of this.groups.values()) g.peak = { rss: 0, pss: undefined, processes: 0 };
  }

  peak(name: string): GroupPeak {
    return this.groups.get(name)!.peak;
  }

  /** Starts a CPU window now. */
  beginWindow(): void {
    this.sample();
    const base = new Map<string, Map<number, number>>();
    for (const [name, g] of this.groups) base.set(name, new Map(g.last));
    this.window = { at: performance.now(), machine: machineCpu(), base };
  }

  /** Ends the CPU window now and returns each group's cores over it. */
  endWindow(): CpuWindow {
    this.sample();
    const w = this.window;
    if (!w) throw new Error('endWindow() without beginWindow()');
    this.window = undefined;
    const wallSec = (performance.now() - w.at) / 1000;
    const machine = machineCpu();
    const cores: Record<string, number> = {};
    for (const [name, g] of this.groups) {
      const base = w.base.get(name)!;
      let sec = 0;
      for (const [pid, cpu] of g.last) sec += cpu - (base.get(pid) ?? 0);
      cores[name] = sec / wallSec;
    }
    return { cores, machineCores: (machine.busy - w.machine.busy) / wallSec, wallSec };
  }

  /** Forgets the processes of every group (between runs whose pids must not mix). */
  forget(): void {
    for (const g of this.groups.values()) g.last.clear();
  }
}
