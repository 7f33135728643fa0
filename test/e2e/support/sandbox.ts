/**
 * What /proc says about a process's confinement (Linux): its uids, seccomp mode, namespaces
 * and its pid in each nested PID namespace. For checking that the composer's Chromium is
 * really sandboxed.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import type { ProcInfo } from './processes.js';

export interface Confinement {
  pid: number;
  /** Chromium's `--type=` (renderer, zygote, utility, …), `crashpad` for its crash handler, or `browser` for the main process */
  kind: string;
  /** real, effective, saved and filesystem uid */
  uids: number[];
  /** 0 none, 1 strict, 2 filter (seccomp-bpf) */
  seccomp: number;
  /** the process's pid in each PID namespace it is in, outermost first (more than one: a nested namespace) */
  nsPids: number[];
  /** namespace ids, e.g. `user:[4026531837]` */
  ns: { user: string; pid: string; net: string };
  noSandboxFlag: boolean;
}

const field = (status: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';

/** undefined when the process has gone meanwhile */
export function confinement(p: ProcInfo): Confinement | undefined {
  try {
    const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
    const ns = (n: string) => readlinkSync(`/proc/${p.pid}/ns/${n}`);
    return {
      pid: p.pid,
      kind: /crashpad_handler/.test(p.comm + p.cmdline.split(' ')[0]) ? 'crashpad' : (/--type=(\S+)/.exec(p.cmdline)?.[1] ?? 'browser'),
      uids: field(status, 'Uid').split(/\s+/).map(Number),
      seccomp: Number(field(status, 'Seccomp')),
      nsPids: field(status, 'NSpid').split(/\s+/).map(Number),
      ns: { user: ns('user'), pid: ns('pid'), net: ns('net') },
      noSandboxFlag: /(^| )--no-sandbox( |$)/.test(p.cmdline),
    };
  } catch {
    return undefined;
  }
}

/** The namespaces of a process (this test's, the server's). */
export const namespacesOf = (pid: number) => ({
  user: readlinkSync(`/proc/${pid}/ns/user`),
  pid: readlinkSync(`/proc/${pid}/ns/pid`),
});
