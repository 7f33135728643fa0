/** The process tree under a pid, read from /proc (Linux): for orphan and crash checks. */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  comm: string;
  cmdline: string;
}

function read(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces: split after the last ')'
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // a zombie has exited already
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), comm, cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

export function allProcesses(): ProcInfo[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => read(Number(d)))
    .filter((p): p is ProcInfo => p !== undefined);
}

/** Every living process below `root` (children, grandchildren, …). */
export function descendants(root: number, all = allProcesses()): ProcInfo[] {
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** Processes whose command line mentions `marker` (e.g. a temp profile prefix), wherever they hang. */
export const processesMatching = (marker: string) => allProcesses().filter((p) => p.cmdline.includes(marker));

/** Media processes a server spawned for composer jobs: Chromium (by profile prefix) and ffmpeg. */
export function mediaProcesses(serverPid: number): { chromium: ProcInfo[]; ffmpeg: ProcInfo[] } {
  const tree = descendants(serverPid);
  return {
    chromium: tree.filter((p) => p.cmdline.includes('onair-composer-')),
    ffmpeg: tree.filter((p) => /ffmpeg/.test(p.comm) || /\/ffmpeg\b/.test(p.cmdline.split(' ')[0] ?? '')),
  };
}
