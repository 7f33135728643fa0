/**
 * How the composer's Chromium is sandboxed. It decodes media from untrusted participants,
 * so it keeps Chromium's own sandbox: its renderers and utilities run in new user, PID and
 * network namespaces under a seccomp-bpf filter. That sandbox needs unprivileged user
 * namespaces, and Chromium refuses to run it as root, so:
 *
 * - onair not root: Chromium is launched directly and sandboxes itself;
 * - onair root: Chromium is launched as an unprivileged user (`nobody:nogroup` by default,
 *   which every Debian system has: no account to create) through `setpriv`, with a profile
 *   that user owns, and then sandboxes itself the same way;
 * - `--no-sandbox` only when the operator asks for it (ONAIR_CHROMIUM_NO_SANDBOX=1 in the
 *   server), never as a fallback.
 *
 * The decision is a pure function of what the host offers ({@link probeSandboxHost}).
 */
import { diesWithParent, findSetpriv, PARENT_DEATH_ARGS } from './parent-death.js';
import { readFileSync } from 'node:fs';
import { MediaProcessorError } from './errors.js';

/** The unprivileged user Chromium runs as when onair is root. */
export interface SandboxUser {
  uid: number;
  gid: number;
  /** shown in logs */
  name: string;
}

/** `nobody:nogroup` (65534:65534): present on every Debian system, owns nothing. */
export const NOBODY: SandboxUser = { uid: 65534, gid: 65534, name: 'nobody:nogroup' };

export type ChromiumSandbox =
  /** onair is not root: Chromium's namespace sandbox, as is */
  | { readonly mode: 'namespaces' }
  /** onair is root: Chromium runs as `user` (through `setpriv`), then sandboxes itself */
  | { readonly mode: 'as-user'; readonly user: SandboxUser; readonly setpriv: string }
  /** --no-sandbox, asked for explicitly */
  | { readonly mode: 'off' }
  /** no sandbox is possible here; launches are refused with `reason` */
  | { readonly mode: 'unavailable'; readonly reason: string };

/** What the host offers, as {@link probeSandboxHost} reads it. */
export interface SandboxHost {
  /** effective uid of this process (undefined where there are no uids) */
  uid: number | undefined;
  /** undefined: unprivileged user namespaces can be created; else why not */
  userNamespacesMissing: string | undefined;
  /** where `setpriv` (util-linux) is, if anywhere */
  setpriv: string | undefined;
}


const readNumber = (path: string): number | undefined => {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Why unprivileged user namespaces are unavailable, from the kernel's settings (undefined:
 * they are available). `read` returns a sysctl's number, or undefined when it does not exist.
 */
export function userNamespacesMissing(read: (path: string) => number | undefined = readNumber): string | undefined {
  const max = read('/proc/sys/user/max_user_namespaces');
  if (max === undefined) return 'this kernel has no user namespaces (/proc/sys/user/max_user_namespaces is missing)';
  if (max <= 0) return 'user namespaces are turned off (sysctl user.max_user_namespaces = 0)';
  if (read('/proc/sys/kernel/unprivileged_userns_clone') === 0) {
    return 'unprivileged user namespaces are turned off (sysctl kernel.unprivileged_userns_clone = 0)';
  }
  return undefined;
}

/** Reads this host: uid, user namespaces, setpriv. */
export function probeSandboxHost(): SandboxHost {
  const setpriv = findSetpriv();
  return { uid: process.geteuid?.(), userNamespacesMissing: userNamespacesMissing(), setpriv };
}

/** The sandbox for this host; `sandbox: false` is the operator's explicit opt-out. */
export function chooseSandbox(sandbox: boolean, host: SandboxHost, user: SandboxUser = NOBODY): ChromiumSandbox {
  if (!sandbox) return { mode: 'off' };
  const fix = 'allow them (for example sysctl -w user.max_user_namespaces=10000) or run without the sandbox (ONAIR_CHROMIUM_NO_SANDBOX=1)';
  if (host.userNamespacesMissing) {
    return { mode: 'unavailable', reason: `Chromium's sandbox needs unprivileged user namespaces, but ${host.userNamespacesMissing}; ${fix}` };
  }
  if (host.uid !== 0) return { mode: 'namespaces' };
  if (!host.setpriv) {
    return {
      mode: 'unavailable',
      reason: `onair runs as root, so Chromium must run as ${user.name}, which needs setpriv (util-linux), not found; install util-linux or run onair as another user`,
    };
  }
  return { mode: 'as-user', user, setpriv: host.setpriv };
}

/** One line for the start log. */
export function describeSandbox(sandbox: ChromiumSandbox): string {
  switch (sandbox.mode) {
    case 'namespaces':
      return "Chromium's sandbox (user, PID and network namespaces, seccomp-bpf)";
    case 'as-user':
      return `Chromium's sandbox, Chromium running as ${sandbox.user.name} (onair is root)`;
    case 'off':
      return 'no sandbox (--no-sandbox)';
    case 'unavailable':
      return `none possible: ${sandbox.reason}`;
  }
}

/**
 * The command that starts Chromium: `chromeArgs` are its whole command line (puppeteer's
 * defaults included). Throws ERR_SANDBOX_UNAVAILABLE when no sandbox is possible.
 */
export function sandboxedCommand(
  sandbox: ChromiumSandbox,
  chromePath: string,
  chromeArgs: readonly string[],
): { executablePath: string; args: string[] } {
  switch (sandbox.mode) {
    case 'namespaces': {
      const run = diesWithParent(chromePath, chromeArgs);
      return { executablePath: run.command, args: run.args };
    }
    case 'off': {
      const run = diesWithParent(chromePath, ['--no-sandbox', ...chromeArgs]);
      return { executablePath: run.command, args: run.args };
    }
    case 'as-user': {
      const { uid, gid } = sandbox.user;
      // setpriv execs Chromium in place: same pid, same process group, the pipe fds 3/4 kept;
      // no-new-privs: nothing it runs can regain root through a set-uid binary; pdeathsig: it
      // dies with the process that launched it (parent-death.ts; set after the uid change,
      // which would clear it)
      return {
        executablePath: sandbox.setpriv,
        args: [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--no-new-privs', ...PARENT_DEATH_ARGS, '--', chromePath, ...chromeArgs],
      };
    }
    case 'unavailable':
      throw new MediaProcessorError('ERR_SANDBOX_UNAVAILABLE', sandbox.reason);
  }
}
