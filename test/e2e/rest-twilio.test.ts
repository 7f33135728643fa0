/**
 * The REST API through the official twilio@5.0.1 library: create, fetch, list across pages
 * and update every resource, checking the raw JSON on the wire as well.
 */
import { createRemoteJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyPlaybackGrantJwt } from '@onair/tokens';
import { SqliteStore } from '@onair/server';
import { api, eventually, startServer, type RunningServer } from './support/server.js';
import { twilio, twilioClient } from './support/twilio-client.js';
import { callbackReceiver } from './support/callback-receiver.js';
import { FIELDS, ISO, expectFields, expectTwilioError, sid } from './support/wire.js';
import { join } from 'node:path';

let server: RunningServer;
let client: ReturnType<typeof twilioClient>;
let hooks: Awaited<ReturnType<typeof callbackReceiver>>;

beforeAll(async () => {
  // the MediaProcessors test runs three at once
  server = await startServer({ env: { ONAIR_MAX_PROCESSORS: '4' } });
  client = twilioClient(server);
  hooks = await callbackReceiver();
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await hooks.close();
});

describe('Rooms', () => {
  test('create, fetch by SID and UniqueName, raw JSON', async () => {
    const room = await client.video.v1.rooms.create({
      uniqueName: 'standup',
      type: 'group',
      maxParticipants: 12,
      videoCodecs: ['VP8', 'H264'],
      statusCallback: hooks.url,
      emptyRoomTimeout: 3,
    });
    expect(room.sid).toMatch(/^RM[0-9a-f]{32}$/);
    expect(room.status).toBe('in-progress');
    expect(room.uniqueName).toBe('standup');
    expect(room.maxParticipants).toBe(12);
    expect(room.videoCodecs).toEqual(['VP8', 'H264']);
    expect(room.accountSid).toBe(server.creds.accountSid);
    expect(room.dateCreated).toBeInstanceOf(Date);

    const raw = await api(server, 'GET', `/v1/Rooms/${room.sid}`);
    expect(raw.status).toBe(200);
    expectFields(raw.json, FIELDS.room);
    expect(raw.json).toMatchObject({
      sid: room.sid,
      status: 'in-progress',
      account_sid: server.creds.accountSid,
      unique_name: 'standup',
      type: 'group',
      max_participants: 12,
      empty_room_timeout: 3,
      unused_room_timeout: 5,
      end_time: null,
      duration: null,
      status_callback: hooks.url,
      status_callback_method: 'POST',
      video_codecs: ['VP8', 'H264'],
      url: `${server.url}/v1/Rooms/${room.sid}`,
      links: { participants: `${server.url}/v1/Rooms/${room.sid}/Participants` },
    });
    expect(raw.json.date_created).toMatch(ISO);

    const byName = await client.video.v1.rooms('standup').fetch();
    expect(byName.sid).toBe(room.sid);

    // room-created callback, signed so that twilio.validateRequest accepts it
    const cb = await eventually(async () => hooks.received.find((c) => c.params.RoomSid === room.sid));
    expect(cb.params).toMatchObject({
      StatusCallbackEvent: 'room-created',
      RoomName: 'standup',
      RoomStatus: 'in-progress',
      AccountSid: server.creds.accountSid,
    });
    expect(twilio.validateRequest(server.creds.authToken, cb.signature!, cb.url, cb.params)).toBe(true);
  });

  test('UniqueName is unique among in-progress rooms (53113), reusable after completion', async () => {
    await client.video.v1.rooms.create({ uniqueName: 'dup' });
    await expect(client.video.v1.rooms.create({ uniqueName: 'dup' })).rejects.toMatchObject({ status: 400, code: 53113 });
    const done = await client.video.v1.rooms('dup').update({ status: 'completed' });
    expect(done.status).toBe('completed');
    const again = await client.video.v1.rooms.create({ uniqueName: 'dup' });
    expect(again.sid).not.toBe(done.sid);
    expect((await client.video.v1.rooms('dup').fetch()).sid).toBe(again.sid);
  });

  test('Status=completed sets end_time and duration and sends room-ended', async () => {
    const room = await client.video.v1.rooms.create({ uniqueName: 'ending', statusCallback: hooks.url });
    const done = await client.video.v1.rooms(room.sid).update({ status: 'completed' });
    expect(done.status).toBe('completed');
    expect(done.endTime).toBeInstanceOf(Date);
    expect(done.duration).toBeGreaterThanOrEqual(0);
    const raw = await api(server, 'GET', `/v1/Rooms/${room.sid}`);
    expect(raw.json.end_time).toMatch(ISO);
    expect(raw.json.duration).toEqual(expect.any(Number));
    const ended = await eventually(async () =>
      hooks.received.find((c) => c.params.RoomSid === room.sid && c.params.StatusCallbackEvent === 'room-ended'),
    );
    expect(ended.params.RoomStatus).toBe('completed');
    expect(ended.params.RoomDuration).toMatch(/^\d+$/);
    expect(twilio.validateRequest(server.creds.authToken, ended.signature!, ended.url, ended.params)).toBe(true);
  });

  test('list pages through next_page_url and filters by status', async () => {
    for (let i = 0; i < 3; i++) await client.video.v1.rooms.create({ uniqueName: `paged-${i}` });
    const first = await client.video.v1.rooms.page({ pageSize: 2, status: 'in-progress' });
    expect(first.instances).toHaveLength(2);
    const second = await first.nextPage();
    expect(second).toBeDefined();
    const seen = new Set([...first.instances, ...second!.instances].map((r) => r.sid));
    expect(seen.size).toBe(first.instances.length + second!.instances.length);
    const all = await client.video.v1.rooms.list({ status: 'in-progress', pageSize: 2 });
    const names = all.map((r) => r.uniqueName);
    expect(names).toEqual(expect.arrayContaining(['paged-0', 'paged-1', 'paged-2']));
    expect(all.every((r) => r.status === 'in-progress')).toBe(true);
    expect(new Set(all.map((r) => r.sid)).size).toBe(all.length);

    const raw = await api(server, 'GET', '/v1/Rooms?PageSize=2&Status=in-progress');
    expect(raw.json.meta).toMatchObject({ key: 'rooms', page: 0, page_size: 2, previous_page_url: null });
    expect(raw.json.meta.next_page_url).toContain('Page=1');
    const next = await api(server, 'GET', new URL(raw.json.meta.next_page_url).pathname + new URL(raw.json.meta.next_page_url).search);
    expect(next.json.meta.page).toBe(1);
    expect(next.json.meta.previous_page_url).not.toBeNull();
    const back = new URL(next.json.meta.previous_page_url);
    const prev = await api(server, 'GET', back.pathname + back.search);
    expect(prev.json.rooms.map((r: any) => r.sid)).toEqual(raw.json.rooms.map((r: any) => r.sid));
  });

  test('the Account SID and auth token authenticate too', async () => {
    const asAccount = twilioClient(server, 'account');
    const room = await asAccount.video.v1.rooms.create({});
    expect(room.uniqueName).toBe(room.sid);
  });
});

describe('Participants', () => {
  test('fetch, list across pages and disconnect participants', async () => {
    const room = await client.video.v1.rooms.create({ uniqueName: 'with-people', statusCallback: hooks.url });
    // Participants are created by joining (signaling); seed them in the same SQLite file.
    const store = SqliteStore.open(join(server.dataDir, 'onair.sqlite'));
    const t0 = Date.now() - 10_000;
    for (let i = 0; i < 3; i++) {
      await store.participants.insert({
        sid: `PA${String(i).padStart(32, 'a')}`,
        accountSid: server.creds.accountSid,
        roomSid: room.sid,
        identity: `speaker-${i}`,
        status: 'connected',
        dateCreated: t0 + i,
        dateUpdated: t0 + i,
        startTime: t0 + i,
        endTime: null,
      });
    }
    await store.close();

    const participants = client.video.v1.rooms(room.sid).participants;
    const page = await participants.page({ pageSize: 2 });
    expect(page.instances).toHaveLength(2);
    const rest = await page.nextPage();
    expect(rest!.instances).toHaveLength(1);
    const listed = await participants.list({ pageSize: 2 });
    expect(listed.map((p) => p.identity).sort()).toEqual(['speaker-0', 'speaker-1', 'speaker-2']);
    expect((await participants.list({ identity: 'speaker-1' })).map((p) => p.identity)).toEqual(['speaker-1']);

    const sidA = `PA${'0'.padStart(32, 'a')}`;
    const fetched = await participants(sidA).fetch();
    expect(fetched.identity).toBe('speaker-0');
    expect(fetched.status).toBe('connected');
    const raw = await api(server, 'GET', `/v1/Rooms/${room.sid}/Participants/${sidA}`);
    expectFields(raw.json, FIELDS.participant);
    expect(raw.json).toMatchObject({ sid: sidA, room_sid: room.sid, status: 'connected', end_time: null, duration: null });
    expect(raw.json.start_time).toMatch(ISO);

    const kicked = await participants(sidA).update({ status: 'disconnected' });
    expect(kicked.status).toBe('disconnected');
    expect(kicked.endTime).toBeInstanceOf(Date);
    expect(kicked.duration).toBeGreaterThanOrEqual(10);
    expect((await participants.list({ status: 'connected' })).length).toBe(2);
    const cb = await eventually(async () =>
      hooks.received.find((c) => c.params.ParticipantSid === sidA && c.params.StatusCallbackEvent === 'participant-disconnected'),
    );
    expect(cb.params.ParticipantIdentity).toBe('speaker-0');

    // completing the room disconnects everyone left
    await client.video.v1.rooms(room.sid).update({ status: 'completed' });
    expect((await participants.list({ status: 'connected' })).length).toBe(0);

    // the participant of another room is not found under this one
    const other = await client.video.v1.rooms.create({});
    await expect(client.video.v1.rooms(other.sid).participants(sidA).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });
});

describe('PlayerStreamers and PlaybackGrants', () => {
  test('create, fetch, list pages, end via API', async () => {
    const created = await client.media.v1.playerStreamer.create({ video: true, maxDuration: 600, statusCallback: hooks.url });
    expect(created.sid).toMatch(/^VJ[0-9a-f]{32}$/);
    expect(created.status).toBe('created');
    expect(created.maxDuration).toBe(600);
    expect(created.endedReason).toBeNull();

    const raw = await api(server, 'GET', `/v1/PlayerStreamers/${created.sid}`);
    expectFields(raw.json, FIELDS.playerStreamer);
    expect(raw.json).toMatchObject({
      sid: created.sid,
      status: 'created',
      video: true,
      ended_reason: null,
      max_duration: 600,
      latency_mode: 'low',
      url: `${server.url}/v1/PlayerStreamers/${created.sid}`,
      links: { playback_grant: `${server.url}/v1/PlayerStreamers/${created.sid}/PlaybackGrant` },
    });

    const defaults = await client.media.v1.playerStreamer.create();
    expect(defaults.maxDuration).toBe(300);
    await client.media.v1.playerStreamer.create();
    const page = await client.media.v1.playerStreamer.page({ pageSize: 2, order: 'asc' });
    const next = await page.nextPage();
    expect(page.instances).toHaveLength(2);
    expect(next!.instances.length).toBeGreaterThanOrEqual(1);
    const asc = await client.media.v1.playerStreamer.list({ order: 'asc', pageSize: 2 });
    const desc = await client.media.v1.playerStreamer.list({ order: 'desc', pageSize: 2 });
    expect(asc.map((s) => s.sid)).toEqual(desc.map((s) => s.sid).reverse());

    const fetched = await client.media.v1.playerStreamer(created.sid).fetch();
    expect(fetched.sid).toBe(created.sid);
    const ended = await client.media.v1.playerStreamer(created.sid).update({ status: 'ended' });
    expect(ended.status).toBe('ended');
    expect(ended.endedReason).toBe('ended-via-api');
    expect((await client.media.v1.playerStreamer.list({ status: 'ended' })).map((s) => s.sid)).toContain(created.sid);
    const cb = await eventually(async () =>
      hooks.received.find((c) => c.params.PlayerStreamerSid === created.sid && c.params.StatusCallbackEvent === 'player-streamer-ended'),
    );
    expect(cb.params.EndedReason).toBe('ended-via-api');
    expect(cb.params.LatencyMode).toBe('low'); // onair extension: the streamer's latency mode
  });

  test('LatencyMode (onair extension, raw HTTP): every serialization carries latency_mode; twilio-node still parses it', async () => {
    // twilio-node cannot send LatencyMode: what it creates is low
    const viaLibrary = await client.media.v1.playerStreamer.create();
    expect((await api(server, 'GET', `/v1/PlayerStreamers/${viaLibrary.sid}`)).json.latency_mode).toBe('low');
    const explicitLow = await api(server, 'POST', '/v1/PlayerStreamers', { LatencyMode: 'low' });
    expect(explicitLow.status).toBe(201);
    expect(explicitLow.json.latency_mode).toBe('low');
    const refused = await api(server, 'POST', '/v1/PlayerStreamers', { LatencyMode: 'STANDARD' });
    expectTwilioError(refused, 400, 20001);
    expect(refused.json.message).toBe("Invalid parameter LatencyMode: must be one of: low, standard (got 'STANDARD')");

    const created = await api(server, 'POST', '/v1/PlayerStreamers', { LatencyMode: 'standard', MaxDuration: '900' });
    expect(created.status).toBe(201);
    expectFields(created.json, FIELDS.playerStreamer);
    expect(created.json).toMatchObject({ latency_mode: 'standard', max_duration: 900, status: 'created' });
    const sid = created.json.sid as string;
    expect((await api(server, 'GET', `/v1/PlayerStreamers/${sid}`)).json.latency_mode).toBe('standard');

    const fetched = await client.media.v1.playerStreamer(sid).fetch();
    expect(fetched).toMatchObject({ sid, status: 'created', maxDuration: 900, endedReason: null });
    expect(fetched.dateCreated.toISOString().replace('.000', '')).toBe(created.json.date_created);

    const list = await api(server, 'GET', '/v1/PlayerStreamers?PageSize=1000');
    const modes = new Map(list.json.player_streamers.map((s: any) => [s.sid, s.latency_mode]));
    expect([modes.get(viaLibrary.sid), modes.get(explicitLow.json.sid), modes.get(sid)]).toEqual(['low', 'low', 'standard']);
    for (const s of list.json.player_streamers) expectFields(s, FIELDS.playerStreamer);
    expect((await client.media.v1.playerStreamer.list({ pageSize: 1000 })).map((s) => s.sid)).toContain(sid);

    const ended = await client.media.v1.playerStreamer(sid).update({ status: 'ended' });
    expect(ended.status).toBe('ended');
    const endedRaw = await api(server, 'POST', `/v1/PlayerStreamers/${sid}`, { Status: 'ended' });
    expect(endedRaw.json).toMatchObject({ status: 'ended', ended_reason: 'ended-via-api', latency_mode: 'standard' });
    await client.media.v1.playerStreamer(viaLibrary.sid).update({ status: 'ended' });
    await client.media.v1.playerStreamer(explicitLow.json.sid).update({ status: 'ended' });
  });

  test('PlaybackGrant: ES256 JWT with kid, verifiable with JWKS, TTL bounds, refused when ended', async () => {
    const streamer = await client.media.v1.playerStreamer.create();
    const grant = await client.media.v1.playerStreamer(streamer.sid).playbackGrant().create({
      ttl: 60,
      accessControlAllowOrigin: 'https://app.example.com',
    });
    expect(grant.sid).toBe(streamer.sid);
    expect(grant.grant).toMatchObject({ playerStreamerSid: streamer.sid, requestCredentials: null });
    const playbackUrl = new URL((grant.grant as any).playbackUrl);
    const jwt = playbackUrl.searchParams.get('token')!;
    const header = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'ES256', kid: expect.any(String) });

    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const claims = await verifyPlaybackGrantJwt(jwt, { keys: jwks, streamerSid: streamer.sid });
    expect(claims.sub).toBe(streamer.sid);
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.origins).toEqual(['https://app.example.com']);

    const raw = await api(server, 'GET', `/v1/PlayerStreamers/${streamer.sid}/PlaybackGrant`);
    expect(raw.status).toBe(200);
    expectFields(raw.json, FIELDS.playbackGrant);
    expect(raw.json.grant.playbackUrl).toBe((grant.grant as any).playbackUrl);
    const fetched = await client.media.v1.playerStreamer(streamer.sid).playbackGrant().fetch();
    expect(fetched.grant).toEqual(grant.grant);

    const short = await api(server, 'POST', `/v1/PlayerStreamers/${streamer.sid}/PlaybackGrant`, {});
    const shortJwt = new URL(short.json.grant.playbackUrl).searchParams.get('token')!;
    const shortClaims = JSON.parse(Buffer.from(shortJwt.split('.')[1]!, 'base64url').toString());
    expect(shortClaims.exp - shortClaims.iat).toBe(15);

    for (const ttl of ['0', '61', '-1', 'abc', '1.5']) {
      expectTwilioError(await api(server, 'POST', `/v1/PlayerStreamers/${streamer.sid}/PlaybackGrant`, { Ttl: ttl }), 400, 20001);
    }
    await client.media.v1.playerStreamer(streamer.sid).update({ status: 'ended' });
    await expect(client.media.v1.playerStreamer(streamer.sid).playbackGrant().create({ ttl: 10 })).rejects.toMatchObject({
      status: 409,
    });
  });

  test('MaxDuration ends a streamer with max-duration-exceeded', async () => {
    const s = await client.media.v1.playerStreamer.create({ maxDuration: 1 });
    const ended = await eventually(async () => {
      const f = await client.media.v1.playerStreamer(s.sid).fetch();
      return f.status === 'ended' ? f : undefined;
    }, 10_000);
    expect(ended.endedReason).toBe('max-duration-exceeded');
  });
});

describe('MediaProcessors', () => {
  test('create, fetch, list pages, end via API; outputs end as disconnected by source', async () => {
    const outputs = await Promise.all([0, 1, 2].map(() => client.media.v1.playerStreamer.create()));
    const processors = [];
    for (const out of outputs) {
      processors.push(
        await client.media.v1.mediaProcessor.create({
          extension: 'video-composer-v1',
          extensionContext: JSON.stringify({ room: { name: 'standup' }, outputs: [out.sid], resolution: '320x180' }),
          extensionEnvironment: JSON.stringify({ hideParticipantIdentities: true }),
          statusCallback: hooks.url,
          maxDuration: 900,
        }),
      );
    }
    const p = processors[0]!;
    expect(p.sid).toMatch(/^ZX[0-9a-f]{32}$/);
    expect(p.status).toBe('started');
    expect(p.extension).toBe('video-composer-v1');
    expect(JSON.parse(p.extensionContext)).toEqual({ room: { name: 'standup' }, outputs: [outputs[0]!.sid], resolution: '320x180' });

    const raw = await api(server, 'GET', `/v1/MediaProcessors/${p.sid}`);
    expectFields(raw.json, FIELDS.mediaProcessor);
    expect(raw.json).toMatchObject({ sid: p.sid, status: 'started', ended_reason: null, max_duration: 900 });
    expect(typeof raw.json.extension_context).toBe('string');

    const page = await client.media.v1.mediaProcessor.page({ pageSize: 2, status: 'started' });
    expect(page.instances).toHaveLength(2);
    expect((await page.nextPage())!.instances.length).toBeGreaterThanOrEqual(1);

    // an output already fed by a running processor is refused
    await expect(
      client.media.v1.mediaProcessor.create({
        extension: 'video-composer-v1',
        extensionContext: JSON.stringify({ room: { name: 'x' }, outputs: [outputs[0]!.sid] }),
      }),
    ).rejects.toMatchObject({ status: 400, code: 20001 });

    const ended = await client.media.v1.mediaProcessor(p.sid).update({ status: 'ended' });
    expect(ended.status).toBe('ended');
    expect(ended.endedReason).toBe('ended-via-api');
    const out = await client.media.v1.playerStreamer(outputs[0]!.sid).fetch();
    expect(out.status).toBe('ended');
    expect(out.endedReason).toBe('stream-disconnected-by-source');
    const cb = await eventually(async () =>
      hooks.received.find((c) => c.params.MediaProcessorSid === p.sid && c.params.StatusCallbackEvent === 'media-processor-ended'),
    );
    expect(cb.params.EndedReason).toBe('ended-via-api');
    expect(twilio.validateRequest(server.creds.authToken, cb.signature!, cb.url, cb.params)).toBe(true);
  });
});

describe('MediaRecordings', () => {
  test('fetch, list across pages, filter and delete', async () => {
    const store = SqliteStore.open(join(server.dataDir, 'onair.sqlite'));
    const t0 = Date.now();
    const sids = [0, 1, 2].map((i) => `KV${String(i).padStart(32, 'b')}`);
    for (const [i, s] of sids.entries()) {
      await store.mediaRecordings.insert({
        sid: s,
        accountSid: server.creds.accountSid,
        processorSid: `ZX${'c'.repeat(32)}`,
        sourceSid: `VJ${'d'.repeat(32)}`,
        status: i === 2 ? 'processing' : 'completed',
        format: 'mp4',
        resolution: '1280x720',
        duration: 60 + i,
        mediaSize: 1000 * (i + 1),
        statusCallback: null,
        statusCallbackMethod: 'POST',
        dateCreated: t0 + i,
        dateUpdated: t0 + i,
      });
    }
    await store.close();

    const rec = await client.media.v1.mediaRecording(sids[0]!).fetch();
    expect(rec).toMatchObject({ sid: sids[0], format: 'mp4', resolution: '1280x720', duration: 60, status: 'completed' });
    const raw = await api(server, 'GET', `/v1/MediaRecordings/${sids[0]}`);
    expectFields(raw.json, FIELDS.mediaRecording);
    expect(raw.json).toMatchObject({ media_size: 1000, processor_sid: `ZX${'c'.repeat(32)}`, source_sid: `VJ${'d'.repeat(32)}` });

    const page = await client.media.v1.mediaRecording.page({ pageSize: 2 });
    expect(page.instances).toHaveLength(2);
    expect((await page.nextPage())!.instances).toHaveLength(1);
    expect((await client.media.v1.mediaRecording.list({ status: 'completed' })).map((r) => r.sid).sort()).toEqual(sids.slice(0, 2));
    expect(await client.media.v1.mediaRecording.list({ processorSid: `ZX${'e'.repeat(32)}` })).toEqual([]);

    expect(await client.media.v1.mediaRecording(sids[1]!).remove()).toBe(true);
    await expect(client.media.v1.mediaRecording(sids[1]!).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });
});

test('wrong credentials are refused with 20003', async () => {
  const bad = twilioClient({ url: server.url, creds: { ...server.creds, apiSecret: 'nope' } });
  await expect(bad.video.v1.rooms.list()).rejects.toMatchObject({ status: 401, code: 20003 });
});

test('sid() helper matches only well-formed SIDs', () => {
  expect('RM' + 'a'.repeat(32)).toEqual(sid('RM'));
  expect('RM' + 'a'.repeat(31)).not.toEqual(sid('RM'));
});
