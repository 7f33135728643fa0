import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { diesWithParent, findSetpriv, withParentDeathSignal } from './parent-death.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('diesWithParent', () => {
  it('wraps the command in setpriv --pdeathsig KILL, or leaves it as it is without setpriv', () => {
    expect(withParentDeathSignal('/usr/bin/setpriv', '/usr/bin/ffmpeg', ['-i', 'x'])).toEqual({
      command: '/usr/bin/setpriv',
      args: ['--pdeathsig', 'KILL', '--', '/usr/bin/ffmpeg', '-i', 'x'],
    });
    expect(withParentDeathSignal(undefined, '/usr/bin/ffmpeg', ['-i', 'x'])).toEqual({ command: '/usr/bin/ffmpeg', args: ['-i', 'x'] });
  });

  it.skipIf(!findSetpriv())('a child started through it dies when its parent is killed outright', async () => {
    // the parent: a node process that starts `sleep` the way jobs start ffmpeg, prints its pid, then waits
    const script = `
      const { spawn } = require('node:child_process');
      const run = ${JSON.stringify(diesWithParent('sleep', ['300']))};
      const child = spawn(run.command, run.args, { stdio: 'ignore' });
      console.log(child.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const orphan = alive(pid);
    if (orphan) process.kill(pid, 'SIGKILL');
    expect(orphan, 'the child outlived its killed parent').toBe(false);
  });
});
