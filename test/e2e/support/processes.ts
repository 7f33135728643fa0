/** The process tree under a pid, read from /proc (Linux): for orphan and crash checks. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

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

/** TCP ports a process listens on (IPv4 and IPv6), from its socket fds and /proc/net/tcp{,6}. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, inode is the tenth column
      if (cols[3] === '0A' && inodes.has(cols[9] ?? '')) ports.add(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * The embedded media worker's ingest listener (127.0.0.1, its own port): the one port the
 * server listens on besides its own.
 */
export function ingestBaseUrl(server: { proc: { pid?: number | undefined }; url: string }): string {
  const own = Number(new URL(server.url).port);
  const others = listeningPorts(server.proc.pid!).filter((p) => p !== own);
  if (others.length !== 1) throw new Error(`expected one listener besides ${own}, found ${JSON.stringify(others)}`);
  return `http://127.0.0.1:${others[0]}`;
}

/**
 * The processes of the composer Chromium that runs `sid`'s job: launched for it (its profile
 * is named for the SID), or a standby it took (its profile's `onair-job` file names the SID).
 */
export function composerProcessesOf(sid: string): ProcInfo[] {
  return allProcesses().filter((p) => {
    if (!p.cmdline.includes('onair-composer-')) return false;
    if (p.cmdline.includes(`onair-composer-${sid}`)) return true;
    return composerJobOf(p) === sid;
  });
}

/** The SID of the job a composer Chromium process serves, when a standby was taken by one. */
export function composerJobOf(p: ProcInfo): string | undefined {
  const profile = /--user-data-dir=(\S+)/.exec(p.cmdline)?.[1];
  if (!profile) return undefined;
  try {
    return readFileSync(`${profile}/onair-job`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
