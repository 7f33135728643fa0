/** Media worker child processes (fake jobs, real MediaWorker and BullMQ) for the queue tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fake-media-worker.mjs', import.meta.url));

export interface WorkerChild {
  id: string;
  proc: ChildProcess;
  /** JSON facts it printed so far */
  facts: Record<string, unknown>[];
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface WorkerChildOptions {
  redisUrl: string;
  prefix: string;
  workerId: string;
  capacity?: number;
  tickMs?: number;
  drainTimeoutMs?: number;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export async function startWorkerChild(opts: WorkerChildOptions): Promise<WorkerChild> {
  const proc = spawn(process.execPath, [script, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  const facts: Record<string, unknown>[] = [];
  let err = '';
  let buffered = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        facts.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a fact
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      children.delete(proc);
      resolve(code);
    }),
  );
  const deadline = Date.now() + 15_000;
  while (!facts.some((f) => f.ready === opts.workerId)) {
    if (proc.exitCode !== null) throw new Error(`worker ${opts.workerId} exited ${proc.exitCode}: ${err}`);
    if (Date.now() > deadline) throw new Error(`worker ${opts.workerId} not ready in 15 s: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    id: opts.workerId,
    proc,
    facts,
    exited,
    kill: async (signal = 'SIGKILL') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
