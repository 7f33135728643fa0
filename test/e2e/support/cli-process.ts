/** A built `onair` CLI command run as a child process, its output kept, resolved once its banner shows. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const cliPath = join(repoRoot, 'apps/server/dist/cli.js');

export interface CliProcess {
  proc: ChildProcess;
  /** what `ready` matched in stdout */
  match: RegExpExecArray;
  stdout: () => string;
  stderr: () => string;
  /** resolves with the exit code once it exited */
  exited: Promise<number | null>;
  /** sends `signal` unless it exited, and waits */
  signal(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `node [wrapper…] cli.js args` with `env`; resolves once stdout matches `ready`, rejects
 * when it exits first or after `timeoutMs` (with what it printed).
 */
export async function startCli(opts: {
  args: string[];
  env: Record<string, string | undefined>;
  ready: RegExp;
  what: string;
  wrapper?: string[];
  timeoutMs?: number;
}): Promise<CliProcess> {
  const [wrapper, ...wrapperArgs] = opts.wrapper ?? [];
  const proc = spawn(wrapper ?? process.execPath, [...(wrapper ? [...wrapperArgs, process.execPath] : []), cliPath, ...opts.args], {
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${opts.what} did not start in ${(opts.timeoutMs ?? 20_000) / 1000} s\n${out}\n${err}`)), opts.timeoutMs ?? 20_000);
    const check = () => {
      const m = opts.ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.what} exited with ${code}\n${out}\n${err}`));
    });
  });
  return {
    proc,
    match,
    stdout: () => out,
    stderr: () => err,
    exited,
    async signal(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
