/**
 * Killing the server and starting it again on the same data dir returns the same
 * resources, credentials and signing keys; overdue MaxDurations are enforced on restart.
 */
import { describe, expect, test } from 'vitest';
import { composerProcessesOf } from './support/processes.js';
import { api, eventually, newDataDir, startServer } from './support/server.js';
import { twilioClient } from './support/twilio-client.js';

describe('restart on the same data dir', () => {
  test('SIGKILL then restart: every resource, credentials and JWKS survive', async () => {
    const dataDir = newDataDir();
    const first = await startServer({ dataDir });
    const client = twilioClient(first);
    const room = await client.video.v1.rooms.create({ uniqueName: 'persist-me', maxParticipants: 7 });
    const completed = await client.video.v1.rooms.create({ uniqueName: 'persist-done' });
    await client.video.v1.rooms(completed.sid).update({ status: 'completed' });
    const streamer = await client.media.v1.playerStreamer.create({ maxDuration: 3000 });
    const ended = await client.media.v1.playerStreamer.create();
    await client.media.v1.playerStreamer(ended.sid).update({ status: 'ended' });
    const grant = await client.media.v1.playerStreamer(streamer.sid).playbackGrant().create({ ttl: 30 });
    const processor = await client.media.v1.mediaProcessor.create({
      extension: 'video-composer-v1',
      extensionContext: JSON.stringify({ room: { name: 'persist-me' }, outputs: [streamer.sid] }),
      maxDuration: 3000,
    });

    // what a crash does not change (the running processor and its output are checked below)
    const paths = [
      `/v1/Rooms/${room.sid}`,
      `/v1/Rooms/${completed.sid}`,
      `/v1/Rooms?PageSize=50`,
      `/v1/PlayerStreamers/${ended.sid}`,
      `/v1/PlayerStreamers/${streamer.sid}/PlaybackGrant`,
    ];
    const processorBefore = (await api(first, 'GET', `/v1/MediaProcessors/${processor.sid}`)).json;
    expect(processorBefore.status).toBe('started');
    const before = await Promise.all(paths.map((p) => api(first, 'GET', p)));
    const jwksBefore = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
    await first.kill();
    // the job's Chromium and ffmpeg do not outlive the server that ran them
    await eventually(async () => composerProcessesOf(processor.sid).length === 0, 10_000);

    const second = await startServer({ dataDir });
    expect(second.creds).toEqual(first.creds);
    const rebase = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll(first.url, second.url));
    const after = await Promise.all(paths.map((p) => api(second, 'GET', p)));
    for (const [i, res] of after.entries()) {
      expect(res.status, paths[i]).toBe(200);
      // an issued grant is returned as issued (its URL and JWT name the issuer of the time)
      const expected = rebase(before[i]!.json);
      if (expected.grant) expected.grant = before[i]!.json.grant;
      expect(res.json, paths[i]).toEqual(expected);
    }
    expect(after[0]!.json).toMatchObject({ unique_name: 'persist-me', max_participants: 7, status: 'in-progress' });
    expect(after[1]!.json.status).toBe('completed');
    expect(after[3]!.json.ended_reason).toBe('ended-via-api');
    expect(after[4]!.json.grant).toEqual(grant.grant);

    // a job does not survive the process that ran it: the processor is ended as a service
    // error, everything else about it kept; its output ended as disconnected by source
    const processorAfter = (await api(second, 'GET', `/v1/MediaProcessors/${processor.sid}`)).json;
    expect(processorAfter).toMatchObject({ status: 'ended', ended_reason: 'internal-service-error' });
    const { status: _s, ended_reason: _r, date_updated: _d, ...kept } = rebase(processorBefore);
    expect(processorAfter).toMatchObject(kept);
    expect((await api(second, 'GET', `/v1/PlayerStreamers/${streamer.sid}`)).json).toMatchObject({
      status: 'ended',
      ended_reason: 'stream-disconnected-by-source',
    });
    expect(await (await fetch(`${second.url}/.well-known/jwks.json`)).json()).toEqual(jwksBefore);

    // the unique name is still taken by the in-progress room after the restart
    const dup = await api(second, 'POST', '/v1/Rooms', { UniqueName: 'persist-me' });
    expect(dup.json.code).toBe(53113);
    expect(await second.stop()).toBe(0);
  });

  test('a MaxDuration that ran out while the server was down is enforced at start', async () => {
    const dataDir = newDataDir();
    const first = await startServer({ dataDir });
    const s = await twilioClient(first).media.v1.playerStreamer.create({ maxDuration: 2 });
    await first.kill();
    await new Promise((r) => setTimeout(r, 2_500));
    const second = await startServer({ dataDir });
    let res = await api(second, 'GET', `/v1/PlayerStreamers/${s.sid}`);
    for (let i = 0; i < 50 && res.json.status !== 'ended'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await api(second, 'GET', `/v1/PlayerStreamers/${s.sid}`);
    }
    expect(res.json).toMatchObject({ status: 'ended', ended_reason: 'max-duration-exceeded' });
    expect(await second.stop()).toBe(0);
  });
});
