/** Starts the real `onair worker` (built CLI) as a child process, as an operator would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, type Credentials } from './server.js';

export interface RunningWorker {
  /** the id it advertises (in `/metrics`, the dashboard and the processors it runs) */
  id: string;
  dataDir: string;
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM and wait; resolves with the exit code */
  stop(): Promise<number | null>;
  /** SIGKILL and wait */
  kill(): Promise<void>;
}

export interface WorkerOptions {
  redisUrl: string;
  originUrl: string;
  creds: Pick<Credentials, 'apiKeySid' | 'apiSecret'> & Partial<Credentials>;
  /** ONAIR_MAX_PROCESSORS */
  capacity?: number;
  drainTimeout?: string;
  env?: Record<string, string>;
  args?: string[];
}

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onair-worker-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    ONAIR_COMPOSER_STANDBY: '0',
    ONAIR_API_KEY: opts.creds.apiKeySid,
    ONAIR_API_SECRET: opts.creds.apiSecret,
    ...(opts.capacity ? { ONAIR_MAX_PROCESSORS: String(opts.capacity) } : {}),
    ...opts.env,
  };
  for (const k of ['ONAIR_REDIS_URL', 'ONAIR_ORIGIN_URL', 'ONAIR_DATA_DIR', 'ONAIR_ACCOUNT_SID']) if (!opts.env?.[k]) delete env[k];
  const proc = spawn(
    process.execPath,
    [
      cliPath, 'worker', '--redis-url', opts.redisUrl, '--origin-url', opts.originUrl, '--data-dir', dataDir,
      '--log-level', 'warn', ...(opts.drainTimeout ? ['--drain-timeout', opts.drainTimeout] : []), ...(opts.args ?? []),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in 20 s\n${out}\n${err}`)), 20_000);
    const check = () => {
      const m = /onair worker (\S+) is ready/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}\n${out}\n${err}`));
    });
  });
  return {
    id,
    dataDir,
    proc,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
