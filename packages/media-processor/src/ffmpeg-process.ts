/**
 * One ffmpeg run: a recording in on stdin, fragmented MP4 out on stdout. Writes honour
 * stdin's backpressure; stderr is kept (last lines) for error messages and logged.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { diesWithParent } from './parent-death.js';

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the last lines ffmpeg wrote to stderr */
  stderr: string;
}

export interface FfmpegRunOptions {
  path: string;
  args: string[];
  onStdout: (chunk: Buffer) => void;
  onStderrLine: (line: string) => void;
}

const STDERR_KEEP = 20;

export class FfmpegRun {
  readonly exited: Promise<FfmpegExit>;
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lastLines: string[] = [];
  private done = false;

  constructor(opts: FfmpegRunOptions) {
    // killed with this process if it dies outright: no orphan ffmpeg (parent-death.ts)
    const run = diesWithParent(opts.path, opts.args);
    this.proc = spawn(run.command, run.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', opts.onStdout);
    let partial = '';
    this.proc.stderr.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        this.lastLines.push(line);
        if (this.lastLines.length > STDERR_KEEP) this.lastLines.shift();
        opts.onStderrLine(line);
      }
    });
    // EPIPE when ffmpeg is gone: the exit handler reports it
    this.proc.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.done) return;
        this.done = true;
        resolve({ code, signal, stderr: this.lastLines.join('\n') });
      };
      this.proc.once('close', finish);
      this.proc.once('error', (err) => {
        this.lastLines.push(`spawn failed: ${err.message}`);
        finish(null, null);
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  /** Writes a chunk; false means wait for `onDrain` before writing more. */
  write(chunk: Buffer): boolean {
    if (this.done || this.proc.stdin.destroyed) return true;
    return this.proc.stdin.write(chunk);
  }

  onDrain(listener: () => void): void {
    this.proc.stdin.once('drain', listener);
  }

  /** Closes stdin: ffmpeg writes what it has and exits. */
  end(): void {
    if (!this.proc.stdin.destroyed) this.proc.stdin.end();
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.done) this.proc.kill(signal);
  }

  /** end(), then SIGKILL if it has not exited within `ms`. */
  async stop(ms: number): Promise<FfmpegExit> {
    this.end();
    const timer = setTimeout(() => this.kill(), ms);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}
