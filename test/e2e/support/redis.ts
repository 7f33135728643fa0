/**
 * A private redis-server for one test file (e2e or unit): no persistence, bound to
 * 127.0.0.1 on a free port, its working directory in a temp dir. It is stopped by `stop()`,
 * and killed when the test process exits (and, through PR_SET_PDEATHSIG via setpriv, when
 * the test process dies without running its exit handlers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** redis://127.0.0.1:PORT */
  url: string;
  port: number;
  pid: number;
  /** SIGTERM and wait for the exit */
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server'];

export function findRedisServer(): string {
  const onPath = (process.env.PATH ?? '').split(':').filter(Boolean).map((d) => join(d, 'redis-server'));
  const found = [...onPath, ...CANDIDATES].find((p) => existsSync(p));
  if (!found) throw new Error('redis-server not found: apt-get install -y redis-server (npm test installs it as root)');
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket: true once the server answers +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

const living = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(proc: ChildProcess): void {
  living.add(proc);
  proc.once('exit', () => living.delete(proc));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of living) p.kill('SIGKILL');
  });
}

async function startOnce(bin: string, port: number, dir: string): Promise<RedisServer | undefined> {
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning', '--protected-mode', 'yes',
  ];
  const usePdeath = existsSync('/usr/bin/setpriv');
  const proc = usePdeath
    ? spawn('/usr/bin/setpriv', ['--pdeathsig', 'SIGKILL', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(proc);
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (gone) {
      if (/Address already in use/i.test(log)) return undefined; // lost the port race: try another
      throw new Error(`redis-server exited before answering:\n${log}`);
    }
    if (await ping(port)) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        pid: proc.pid!,
        stop: async () => {
          if (!gone) proc.kill('SIGTERM');
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`redis-server did not answer within 10 s:\n${log}`);
}

export async function startRedis(): Promise<RedisServer> {
  const bin = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'onair-redis-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const server = await startOnce(bin, await freePort(), dir);
    if (server) return server;
  }
  throw new Error('redis-server: no free port after 5 attempts');
}
