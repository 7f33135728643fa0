/**
 * The composer's Chromium profiles: `<tmp>/onair-composer-<label>-XXXXXX`, one per launch,
 * removed when that Chromium is killed. A crash of the server leaves them behind, so a
 * starting server sweeps the stale ones, while other servers on the same machine (the test
 * suite runs many at once) keep using theirs. A profile is in use, and kept, while either
 *
 * - the onair process that created it lives: its owner file (`onair-owner.json`: host name,
 *   pid and the process's start time, so a reused pid does not count) names it. This covers
 *   the moment between creating the profile and Chromium taking it; or
 * - a Chromium holds it: Chromium's `SingletonLock` (a symlink to `<host>-<pid>`) names a
 *   living process whose command line names this profile.
 *
 * A profile from another host name (a container sharing /tmp) is never judged stale, nor is
 * one without an owner file (another version's, or one being created) unless it is a
 * Chromium profile a minute old, nor one that belongs to a user other than this process's
 * or its sandbox user's, nor anything that is not a directory.
 */
import { chown, lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROFILE_PREFIX = 'onair-composer-';
const OWNER_FILE = 'onair-owner.json';
/** a profile without an owner file younger than this may be one being created right now */
const UNOWNED_GRACE_MS = 60_000;

interface Owner {
  host: string;
  pid: number;
  /** the process's start time (clock ticks since boot, /proc/<pid>/stat field 22); absent off Linux */
  start?: number;
}

/** A process's start time, or undefined when it does not exist (or /proc is unreadable). */
function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // exited, not yet reaped
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // someone else's, but alive
  }
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

const self = (): Owner => {
  const start = startTime(process.pid);
  return { host: hostname(), pid: process.pid, ...(start !== undefined ? { start } : {}) };
};

/**
 * Creates a profile named after `label`, with this process as its owner. When Chromium runs
 * as another user (`chownTo`), that user gets the directory (the owner file stays ours).
 */
export async function createProfile(label: string, chownTo?: { uid: number; gid: number }, dir = tmpdir()): Promise<string> {
  const profile = await mkdtemp(join(dir, `${PROFILE_PREFIX}${label.replace(/[^\w-]/g, '')}-`));
  try {
    await writeFile(join(profile, OWNER_FILE), JSON.stringify(self()), { mode: 0o644 });
    if (chownTo) await chown(profile, chownTo.uid, chownTo.gid);
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  return profile;
}

type Verdict = 'stale' | 'in-use' | 'unknown';

async function ownerVerdict(profile: string, ageMs: number): Promise<Verdict> {
  let owner: Owner;
  try {
    owner = JSON.parse(await readFile(join(profile, OWNER_FILE), 'utf8')) as Owner;
  } catch {
    // another version's profile, or one being created: only a Chromium profile (it has a
    // `Local State`), and only once it is old enough to be neither
    const chromiums = await lstat(join(profile, 'Local State')).then(() => true, () => false);
    return chromiums && ageMs > UNOWNED_GRACE_MS ? 'stale' : 'unknown';
  }
  if (typeof owner.pid !== 'number' || typeof owner.host !== 'string') return 'stale';
  if (owner.host !== hostname()) return 'unknown';
  if (owner.start !== undefined) {
    const start = startTime(owner.pid);
    if (start === undefined && !alive(owner.pid)) return 'stale';
    return start === undefined || start === owner.start ? 'in-use' : 'stale';
  }
  return alive(owner.pid) ? 'in-use' : 'stale';
}

async function lockVerdict(profile: string): Promise<Verdict> {
  let target: string;
  try {
    target = await readlink(join(profile, 'SingletonLock'));
  } catch {
    return 'stale'; // no lock: no Chromium holds it
  }
  const m = /^(.*)-(\d+)$/.exec(target);
  if (!m) return 'stale';
  if (m[1] !== hostname()) return 'unknown';
  const pid = Number(m[2]);
  if (!alive(pid)) return 'stale';
  // a living pid: Chromium's, if its command line names this profile (else a reused pid)
  const cmd = cmdline(pid);
  return cmd === undefined || cmd.includes(profile) ? 'in-use' : 'stale';
}

/**
 * Removes the stale composer profiles in `dir` (default: the temp dir), those owned by
 * this process's user or by `sandboxUid`. Resolves with the paths removed.
 */
export async function sweepStaleProfiles(opts: { dir?: string; sandboxUid?: number } = {}): Promise<string[]> {
  const dir = opts.dir ?? tmpdir();
  const uids = new Set([process.geteuid?.(), opts.sandboxUid].filter((u) => u !== undefined));
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith(PROFILE_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const profile = join(dir, name);
    try {
      const st = await lstat(profile);
      if (!st.isDirectory() || (uids.size > 0 && !uids.has(st.uid))) continue; // never a symlink, nor someone else's
      const owner = await ownerVerdict(profile, Date.now() - st.mtimeMs);
      if (owner !== 'stale') continue;
      if ((await lockVerdict(profile)) !== 'stale') continue;
      await rm(profile, { recursive: true, force: true });
      removed.push(profile);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
