/**
 * The standby Chromium (ONAIR_COMPOSER_STANDBY, 1 by default in the CLI): launched at start
 * with the composer page preloaded, belonging to no processor yet (its profile says
 * `standby-…`; the processor's SID is the service's, created before admission). A processor
 * takes it (the same Chromium process), streams from it, and another standby follows;
 * stopping the server leaves no Chromium of its own behind.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readPlaylist, streamDir } from './support/hls.js';
import { allProcesses, descendants, type ProcInfo } from './support/processes.js';
import { api, eventually, startServer, type RunningServer } from './support/server.js';
import { twilioClient } from './support/twilio-client.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ env: { ONAIR_COMPOSER_STANDBY: '1' } });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const labelOf = (p: ProcInfo) => /onair-composer-(standby-[0-9a-f]{16}|ZX[0-9a-f]{32})-/.exec(p.cmdline)?.[1];

/** The leaders (main process) of the server's composer Chromium, with the label each was launched with. */
function composerLeaders(): { pid: number; pgid: number; label: string }[] {
  return descendants(server.proc.pid!)
    .filter((p) => p.pid === p.pgid && labelOf(p))
    .map((p) => ({ pid: p.pid, pgid: p.pgid, label: labelOf(p)! }));
}

test('a processor takes the standby Chromium (its process, not a SID of its own), another is warmed, and server stop leaves none', async () => {
  // one standby, tied to no processor
  const [standby] = await eventually(async () => {
    const leaders = composerLeaders();
    return leaders.length === 1 ? leaders : undefined;
  }, 30_000, 200);
  expect(standby!.label).toMatch(/^standby-/);

  const client = twilioClient(server);
  const streamer = await client.media.v1.playerStreamer.create();
  const processor = await client.media.v1.mediaProcessor.create({
    extension: 'video-composer-v1',
    extensionContext: JSON.stringify({ room: { name: 'standby-room' }, outputs: [streamer.sid], resolution: '640x360' }),
  });
  expect(processor.sid).toMatch(/^ZX[0-9a-f]{32}$/);
  const dir = streamDir(server.dataDir, streamer.sid);
  await eventually(async () => (readPlaylist(dir)?.segments.length ?? 0) >= 2, 30_000, 200);
  // the job runs in the standby's very process: no Chromium was launched for the processor
  expect(composerLeaders().map((l) => l.pid)).toContain(standby!.pid);
  expect(composerLeaders().some((l) => l.label === processor.sid)).toBe(false);
  expect((await api(server, 'GET', `/v1/PlayerStreamers/${streamer.sid}`)).json.status).toBe('started');

  // a new standby follows (after the refill pause)
  const next = await eventually(async () => composerLeaders().find((l) => l.pid !== standby!.pid), 40_000, 250);
  expect(next.label).toMatch(/^standby-/);
  expect(next.label).not.toBe(standby!.label);

  // ending the processor ends its Chromium (the former standby); the new standby stays ready
  await client.media.v1.mediaProcessor(processor.sid).update({ status: 'ended' });
  await eventually(async () => !composerLeaders().some((l) => l.pid === standby!.pid), 10_000, 200);
  expect(composerLeaders().map((l) => l.label)).toEqual([next.label]);

  // stopping the server kills the standby's whole process group
  const groups = new Set(composerLeaders().map((l) => l.pgid));
  await server.stop();
  await eventually(async () => !allProcesses().some((p) => groups.has(p.pgid) || p.cmdline.includes(`onair-composer-${next.label}`)), 10_000, 200);
}, 120_000);
