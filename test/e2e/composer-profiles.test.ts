/**
 * Chromium profiles a crashed server left behind are swept when a server starts, while a
 * profile that a living server's Chromium uses stays (many servers share the temp dir).
 *
 * Two servers keep a standby Chromium each. One is SIGKILLed: its Chromium goes with it,
 * but its profile stays in the temp dir. Restarted on the same data dir, the server removes
 * that profile at start; the other server's profile, and its Chromium, are untouched.
 */
import { existsSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { descendants, processesMatching } from './support/processes.js';
import { eventually, startServer, type RunningServer } from './support/server.js';

const servers: RunningServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

/** The profile dir of the server's standby Chromium, once its main process runs. */
async function standbyProfile(server: RunningServer): Promise<{ dir: string; pid: number }> {
  return eventually(async () => {
    const leader = descendants(server.proc.pid!).find((p) => p.pid === p.pgid && p.cmdline.includes('onair-composer-'));
    const dir = leader && /--user-data-dir=(\S+)/.exec(leader.cmdline)?.[1];
    return leader && dir ? { dir, pid: leader.pid } : undefined;
  }, 30_000, 200);
}

test('a profile left by a killed server is gone after a restart; a live server\'s profile stays', async () => {
  const standby = { ONAIR_COMPOSER_STANDBY: '1' };
  const [live, doomed] = await Promise.all([startServer({ env: standby }), startServer({ env: standby })]);
  servers.push(live);
  const [liveProfile, doomedProfile] = await Promise.all([standbyProfile(live), standbyProfile(doomed)]);

  await doomed.kill();
  // its Chromium ends with it (the pipe to it closed), its profile does not
  await eventually(async () => processesMatching(doomedProfile.dir).length === 0, 15_000, 200);
  expect(existsSync(doomedProfile.dir)).toBe(true);

  const restarted = await startServer({ dataDir: doomed.dataDir });
  servers.push(restarted);
  // swept before the server reported it was running
  expect(existsSync(doomedProfile.dir)).toBe(false);
  expect(existsSync(liveProfile.dir)).toBe(true);
  expect(processesMatching(liveProfile.dir).some((p) => p.pid === liveProfile.pid)).toBe(true);
}, 90_000);
