import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createProfile, sweepStaleProfiles } from './composer-profiles.js';

let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onair-profiles-test-'));
});

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A real process whose command line names `arg` (as Chromium's names its profile); resolves once it has exec'd. */
async function running(arg = ''): Promise<ChildProcess> {
  // a shell that stays (not exec'd into sleep) with `arg` as its $0
  const child = spawn('sh', ['-c', 'sleep 60; :', arg || 'sh'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  const cmdline = () => {
    try {
      return readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  };
  while (!cmdline().startsWith('sh\0-c\0sleep')) await new Promise((r) => setTimeout(r, 5));
  return child;
}

/** A process that has exited: its pid is free. */
async function exited(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

const owner = (pid: number, extra: object = {}) => JSON.stringify({ host: hostname(), pid, ...extra });

function profile(name: string, files: Record<string, string> = {}): string {
  const p = join(dir, `onair-composer-${name}`);
  mkdirSync(p);
  for (const [f, content] of Object.entries(files)) writeFileSync(join(p, f), content);
  return p;
}

const lockedBy = (p: string, pid: number) => symlinkSync(`${hostname()}-${pid}`, join(p, 'SingletonLock'));
const age = (p: string, ms: number) => utimesSync(p, new Date(Date.now() - ms), new Date(Date.now() - ms));

describe('sweepStaleProfiles', () => {
  test('removes a profile whose server is gone and that no Chromium holds', async () => {
    const gone = profile('ZXgone-a', { 'onair-owner.json': owner(await exited()) });
    const lockedByTheDead = profile('ZXgone-b', { 'onair-owner.json': owner(await exited()) });
    lockedBy(lockedByTheDead, await exited());
    expect((await sweepStaleProfiles({ dir })).sort()).toEqual([gone, lockedByTheDead].sort());
    expect(existsSync(gone) || existsSync(lockedByTheDead)).toBe(false);
  });

  test("keeps a profile whose server lives, before its Chromium has taken it (this process's own)", async () => {
    const mine = await createProfile('ZXmine', undefined, dir);
    expect(await sweepStaleProfiles({ dir })).toEqual([]);
    expect(existsSync(join(mine, 'onair-owner.json'))).toBe(true);
  });

  test('keeps a profile a living Chromium holds, even when its server is gone', async () => {
    const p = profile('ZXorphan', { 'onair-owner.json': owner(await exited()) });
    lockedBy(p, (await running(`--user-data-dir=${p}`)).pid!);
    expect(await sweepStaleProfiles({ dir })).toEqual([]);
  });

  test('a reused pid does not keep a profile: another start time, or a lock holder that names another profile', async () => {
    const other = await running();
    // the owner's pid lives, but it is another process (started at another time)
    const reusedOwner = profile('ZXreused-a', { 'onair-owner.json': owner(other.pid!, { start: 1 }) });
    const reusedLock = profile('ZXreused-b', { 'onair-owner.json': owner(await exited()) });
    lockedBy(reusedLock, other.pid!);
    expect((await sweepStaleProfiles({ dir })).sort()).toEqual([reusedOwner, reusedLock].sort());
  });

  test('leaves alone what it cannot judge: other hosts, young or non-Chromium dirs without an owner, symlinks', async () => {
    profile('ZXelsewhere', { 'onair-owner.json': JSON.stringify({ host: 'another-host', pid: await exited() }) });
    profile('ZXyoung', { 'Local State': '{}' }); // another version's, or being created
    age(profile('page-test-x', { 'ingest.bin': '' }), 3_600_000); // not a Chromium profile
    const target = mkdtempSync(join(dir, 'target-'));
    symlinkSync(target, join(dir, 'onair-composer-link'));
    expect(await sweepStaleProfiles({ dir })).toEqual([]);
    expect(existsSync(target)).toBe(true);
  });

  test('removes an old Chromium profile without an owner file that no Chromium holds', async () => {
    const old = profile('ZXold', { 'Local State': '{}' });
    age(old, 120_000);
    expect(await sweepStaleProfiles({ dir })).toEqual([old]);
  });
});
