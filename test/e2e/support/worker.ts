/** Starts the real `onair worker` (built CLI) as a child process, as an operator would. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from './cli-process.js';
import type { Credentials } from './server.js';

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
  const cli = await startCli({
    args: [
      'worker', '--redis-url', opts.redisUrl, '--origin-url', opts.originUrl, '--data-dir', dataDir,
      '--log-level', 'warn', ...(opts.drainTimeout ? ['--drain-timeout', opts.drainTimeout] : []), ...(opts.args ?? []),
    ],
    env,
    ready: /onair worker (\S+) is ready/,
    what: 'worker',
  });
  const id = cli.match[1]!;
  return {
    id,
    dataDir,
    proc: cli.proc,
    stdout: cli.stdout,
    stderr: cli.stderr,
    stop: () => cli.signal('SIGTERM'),
    async kill() {
      await cli.signal('SIGKILL');
    },
  };
}
