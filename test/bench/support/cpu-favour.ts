/**
 * Gives a process tree a larger share of the CPU than everything else on the machine, with a
 * cgroup (v1 `cpu` controller, `cpu.shares`): the closest one machine comes to giving a
 * viewer its own cores. A niceness does not do it for Chromium: running as root it sets its
 * own display and audio threads' priorities in absolute terms, above any niceness given to
 * the whole browser. Processes forked later (Chromium's renderers, from its zygote) inherit
 * the group. Needs root and a cgroup v1 `cpu` hierarchy at /sys/fs/cgroup/cpu; throws
 * otherwise. Benchmark diagnostics only.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { descendants } from '../../e2e/support/processes.js';

const CPU_ROOT = '/sys/fs/cgroup/cpu';
/** the weight of a task at nice 0, and of the root group */
const DEFAULT_SHARES = 1024;

/**
 * Moves `pid`'s tree into a new cgroup with `factor` × the default CPU weight. The returned
 * function removes the group once its processes have exited (call it after closing them).
 */
export function favourCpu(pid: number, factor: number): () => void {
  if (!existsSync(join(CPU_ROOT, 'cpu.shares'))) throw new Error(`no cgroup v1 cpu controller at ${CPU_ROOT}`);
  const dir = join(CPU_ROOT, `onair-bench-${pid}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'cpu.shares'), String(Math.round(DEFAULT_SHARES * factor)));
  for (const p of [pid, ...descendants(pid).map((d) => d.pid)]) {
    try {
      writeFileSync(join(dir, 'cgroup.procs'), String(p));
    } catch {
      // a process that exited meanwhile
    }
  }
  return () => {
    for (const p of readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim().split(/\s+/).filter(Boolean)) {
      writeFileSync(join(CPU_ROOT, 'cgroup.procs'), p); // a straggler goes back to the root group
    }
    try {
      rmdirSync(dir);
    } catch (err) {
      process.stderr.write(`cpu-favour: could not remove ${dir}: ${(err as Error).message}\n`);
    }
  };
}
