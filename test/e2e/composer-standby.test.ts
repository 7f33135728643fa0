/**
 * The standby Chromium (ONAIR_COMPOSER_STANDBY, 1 by default in the CLI): launched at start
 * with the composer page preloaded, for the SID the next MediaProcessor gets. A processor
 * takes it (same SID, same Chromium process), streams from it, and another standby follows;
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

const sidOf = (p: ProcInfo) => /onair-composer-(ZX[0-9a-f]{32})-/.exec(p.cmdline)?.[1];

/** The leaders (main process) of the server's composer Chromium, with the SID each was launched for. */
function composerLeaders(): { pid: number; pgid: number; sid: string }[] {
  return descendants(server.proc.pid!)
    .filter((p) => p.pid === p.pgid && sidOf(p))
    .map((p) => ({ pid: p.pid, pgid: p.pgid, sid: sidOf(p)! }));
}

const processorStatus = async (sid: string) => (await api(server, 'GET', `/v1/MediaProcessors/${sid}`)).status;

test('a processor takes the standby Chromium (its SID, its process), another is warmed, and server stop leaves none', async () => {
  // one standby, for a SID no processor has yet
  const [standby] = await eventually(async () => {
    const leaders = composerLeaders();
    return leaders.length === 1 ? leaders : undefined;
  }, 30_000, 200);
  expect(await processorStatus(standby!.sid)).toBe(404);

  const client = twilioClient(server);
  const streamer = await client.media.v1.playerStreamer.create();
  const processor = await client.media.v1.mediaProcessor.create({
    extension: 'video-composer-v1',
    extensionContext: JSON.stringify({ room: { name: 'standby-room' }, outputs: [streamer.sid], resolution: '640x360' }),
  });
  // the processor got the standby's SID, and its job runs in that very Chromium
  expect(processor.sid).toBe(standby!.sid);
  const dir = streamDir(server.dataDir, streamer.sid);
  await eventually(async () => (readPlaylist(dir)?.segments.length ?? 0) >= 2, 30_000, 200);
  expect(composerLeaders().find((l) => l.sid === processor.sid)?.pid).toBe(standby!.pid);
  expect((await api(server, 'GET', `/v1/PlayerStreamers/${streamer.sid}`)).json.status).toBe('started');

  // a new standby follows (after the refill pause), for another SID no processor has
  const next = await eventually(async () => composerLeaders().find((l) => l.sid !== processor.sid), 40_000, 250);
  expect(await processorStatus(next.sid)).toBe(404);

  // ending the processor ends its Chromium; the standby stays ready
  await client.media.v1.mediaProcessor(processor.sid).update({ status: 'ended' });
  await eventually(async () => !composerLeaders().some((l) => l.sid === processor.sid), 10_000, 200);
  expect(composerLeaders().map((l) => l.sid)).toEqual([next.sid]);

  // stopping the server kills the standby's whole process group
  const groups = new Set(composerLeaders().map((l) => l.pgid));
  await server.stop();
  await eventually(async () => !allProcesses().some((p) => groups.has(p.pgid) || p.cmdline.includes(`onair-composer-${next.sid}`)), 10_000, 200);
}, 120_000);
