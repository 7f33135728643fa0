/**
 * Children that die with the process that started them. A job's Chromium and ffmpeg must not
 * outlive a worker (or server) that is killed outright (SIGKILL, OOM): no orphan keeps
 * decoding a room or holding a port. Linux's parent-death signal (PR_SET_PDEATHSIG) does
 * that; Node cannot set it on a child, so the child is started through util-linux `setpriv
 * --pdeathsig KILL`, which execs it in place (same pid, same stdio). Where setpriv is missing
 * the command runs as it is.
 */
import { accessSync, constants } from 'node:fs';

const SETPRIV_CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv'];

/** Where util-linux `setpriv` is, if anywhere. */
export function findSetpriv(): string | undefined {
  return SETPRIV_CANDIDATES.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** setpriv's arguments that make the command it execs die with its parent. */
export const PARENT_DEATH_ARGS = ['--pdeathsig', 'KILL'] as const;

/** `command args` run through `setpriv` (when there is one) so that it dies with its parent. */
export function withParentDeathSignal(
  setpriv: string | undefined,
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  if (!setpriv) return { command, args: [...args] };
  return { command: setpriv, args: [...PARENT_DEATH_ARGS, '--', command, ...args] };
}

let found: { setpriv: string | undefined } | undefined;

/** `command args` wrapped so that it is killed when this process dies (as it is, without setpriv). */
export function diesWithParent(command: string, args: readonly string[]): { command: string; args: string[] } {
  found ??= { setpriv: findSetpriv() };
  return withParentDeathSignal(found.setpriv, command, args);
}
