/**
 * The signaling server over a real WebSocket: joins, refusals with codes, relay, duplicate
 * identity, REST kicks and participants' records. Media is covered in the browser tests.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, eventually, startServer, type RunningServer } from './support/server.js';
import { hiddenToken, SignalingClient, videoToken } from './support/signaling.js';
import { callbackReceiver } from './support/callback-receiver.js';

let server: RunningServer;
let hooks: Awaited<ReturnType<typeof callbackReceiver>>;
beforeAll(async () => {
  server = await startServer();
  hooks = await callbackReceiver();
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await hooks.close();
});

const participantsOf = async (room: string, status?: string) =>
  (await api(server, 'GET', `/v1/Rooms/${room}/Participants${status ? `?Status=${status}` : ''}`)).json.participants as any[];

describe('join', () => {
  test('joining an unknown name creates an ad-hoc room; a REST room is joined by name', async () => {
    const a = await SignalingClient.open(server);
    const joined = await a.join(videoToken(server, 'alice', 'adhoc-1'));
    expect(joined.room.name).toBe('adhoc-1');
    expect(joined.participant).toMatchObject({ identity: 'alice', sid: expect.stringMatching(/^PA[0-9a-f]{32}$/) });
    expect(joined.participants).toEqual([]);
    expect(joined.resumed).toBe(false);
    const room = await api(server, 'GET', '/v1/Rooms/adhoc-1');
    expect(room.json).toMatchObject({ sid: joined.room.sid, status: 'in-progress', type: 'group' });

    const rest = await api(server, 'POST', '/v1/Rooms', { UniqueName: 'rest-made', StatusCallback: hooks.url });
    const b = await SignalingClient.open(server);
    const jb = await b.join(videoToken(server, 'bob'), { room: 'rest-made' });
    expect(jb.room.sid).toBe(rest.json.sid);
    a.ws.close();
    b.ws.close();
  });

  test.each([
    ['expired token', () => videoToken(server, 'x', 'r1', { ttl: -60 }), 20104],
    ['bad signature', () => videoToken(server, 'x', 'r1', { secret: 'not-the-secret-at-all' }), 20107],
    ['garbage', () => 'not.a.token', 20101],
  ])('%s is refused with a clear code', async (_name, token, code) => {
    const c = await SignalingClient.open(server);
    c.send({ type: 'join', token: token() });
    const err = await c.next('error');
    expect(err).toMatchObject({ code, fatal: true });
    expect(err.message.length).toBeGreaterThan(5);
    expect(await c.closed).toBe(4000);
  });

  test('a token living longer than 24 h is refused at join (20104), though its signature is good', async () => {
    const c = await SignalingClient.open(server);
    c.send({ type: 'join', token: videoToken(server, 'long-lived', 'r1', { ttl: 90_000 }) });
    const err = await c.next('error');
    expect(err).toMatchObject({ code: 20104, fatal: true });
    expect(err.message).toMatch(/24 h/);
    expect(await c.closed).toBe(4000);
  });

  test('a token for another room is refused (20106)', async () => {
    const c = await SignalingClient.open(server);
    c.send({ type: 'join', token: videoToken(server, 'mallory', 'room-a'), room: 'room-b' });
    expect(await c.next('error')).toMatchObject({ code: 20106, fatal: true });
  });

  test('a token without room needs a room name', async () => {
    const c = await SignalingClient.open(server);
    c.send({ type: 'join', token: videoToken(server, 'nobody') });
    expect(await c.next('error')).toMatchObject({ code: 20106 });
  });

  test('malformed frames are refused before join', async () => {
    const c = await SignalingClient.open(server);
    c.ws.send('{not json');
    expect(await c.next('error')).toMatchObject({ code: 53000, fatal: true });
  });

  test('a full room refuses with 53105', async () => {
    await api(server, 'POST', '/v1/Rooms', { UniqueName: 'tiny', Type: 'go' });
    const clients = [];
    for (const id of ['p1', 'p2']) {
      const c = await SignalingClient.open(server);
      await c.join(videoToken(server, id, 'tiny'));
      clients.push(c);
    }
    const third = await SignalingClient.open(server);
    third.send({ type: 'join', token: videoToken(server, 'p3', 'tiny') });
    expect(await third.next('error')).toMatchObject({ code: 53105 });
    for (const c of clients) c.ws.close();
  });

  test('a completed room refuses joins by SID (53118) and disconnects everyone', async () => {
    const created = await api(server, 'POST', '/v1/Rooms', { UniqueName: 'closing' });
    const a = await SignalingClient.open(server);
    await a.join(videoToken(server, 'a', 'closing'));
    await api(server, 'POST', `/v1/Rooms/${created.json.sid}`, { Status: 'completed' });
    expect(await a.next('error')).toMatchObject({ code: 53118, fatal: true });
    expect(await a.closed).toBe(4000);
    const late = await SignalingClient.open(server);
    late.send({ type: 'join', token: videoToken(server, 'b', created.json.sid) });
    expect(await late.next('error')).toMatchObject({ code: 53118 });
  });
});

describe('in a room', () => {
  test('participants see each other, relay works, leave marks disconnected with end_time and duration', async () => {
    const roomName = 'meet-1';
    await api(server, 'POST', '/v1/Rooms', { UniqueName: roomName, StatusCallback: hooks.url });
    const a = await SignalingClient.open(server);
    const ja = await a.join(videoToken(server, 'alice', roomName), {
      tracks: [{ name: 'cam', kind: 'video', enabled: true, streamId: 'stream-a' }],
    });
    const b = await SignalingClient.open(server);
    const jb = await b.join(videoToken(server, 'bob', roomName));
    expect(jb.participants).toEqual([
      { sid: ja.participant.sid, identity: 'alice', tracks: [expect.objectContaining({ name: 'cam', kind: 'video', streamId: 'stream-a' })] },
    ]);
    const joinedNote = await a.next('participant-joined');
    expect(joinedNote.participant).toMatchObject({ sid: jb.participant.sid, identity: 'bob' });

    b.send({ type: 'offer', to: ja.participant.sid, sdp: 'v=0 fake-offer' });
    expect(await a.next('offer')).toEqual({ type: 'offer', from: jb.participant.sid, sdp: 'v=0 fake-offer' });
    a.send({ type: 'ice', to: jb.participant.sid, candidate: { candidate: 'candidate:1', sdpMid: '0' } });
    expect(await b.next('ice')).toMatchObject({ from: ja.participant.sid, candidate: { candidate: 'candidate:1' } });

    b.send({ type: 'publish', requestId: 'r1', track: { name: 'mic', kind: 'audio', enabled: true, streamId: 's-mic' } });
    const published = await b.next('published');
    expect(published.track.sid).toMatch(/^MT[0-9a-f]{32}$/);
    expect(await a.next('track-published')).toMatchObject({ participantSid: jb.participant.sid, track: { sid: published.track.sid } });
    b.send({ type: 'track-state', trackSid: published.track.sid, enabled: false });
    expect(await a.next('track-state')).toMatchObject({ trackSid: published.track.sid, enabled: false });

    const connected = await participantsOf(roomName, 'connected');
    expect(connected.map((p) => p.identity).sort()).toEqual(['alice', 'bob']);

    b.send({ type: 'leave' });
    expect(await a.next('participant-left')).toEqual({ type: 'participant-left', participantSid: jb.participant.sid });
    const bob = await eventually(async () => {
      const r = await api(server, 'GET', `/v1/Rooms/${roomName}/Participants/${jb.participant.sid}`);
      return r.json.status === 'disconnected' ? r.json : undefined;
    });
    expect(bob.end_time).toMatch(/Z$/);
    expect(bob.duration).toEqual(expect.any(Number));

    const events = await eventually(async () => {
      const mine = hooks.received.filter((c) => c.params.RoomName === roomName).map((c) => c.params.StatusCallbackEvent);
      return mine.includes('participant-disconnected') && mine.includes('track-removed') ? mine : undefined;
    });
    expect(events).toEqual(expect.arrayContaining(['room-created', 'participant-connected', 'track-added', 'track-removed', 'participant-disconnected']));
    a.ws.close();
  });

  test('a second connection with the same identity disconnects the first (53205)', async () => {
    const first = await SignalingClient.open(server);
    const j1 = await first.join(videoToken(server, 'twin', 'dup-room'));
    const second = await SignalingClient.open(server);
    const j2 = await second.join(videoToken(server, 'twin', 'dup-room'));
    expect(await first.next('error')).toMatchObject({ code: 53205, fatal: true });
    expect(j2.participant.sid).not.toBe(j1.participant.sid);
    const p1 = await api(server, 'GET', `/v1/Rooms/dup-room/Participants/${j1.participant.sid}`);
    expect(p1.json.status).toBe('disconnected');
    second.ws.close();
  });

  test('REST Status=disconnected kicks the participant (53216)', async () => {
    const c = await SignalingClient.open(server);
    const j = await c.join(videoToken(server, 'kickme', 'kick-room'));
    const res = await api(server, 'POST', `/v1/Rooms/kick-room/Participants/${j.participant.sid}`, { Status: 'disconnected' });
    expect(res.json.status).toBe('disconnected');
    expect(await c.next('error')).toMatchObject({ code: 53216, fatal: true });
    expect(await c.closed).toBe(4000);
  });

  test('a hidden participant is invisible to others but can reach them', async () => {
    const a = await SignalingClient.open(server);
    const ja = await a.join(videoToken(server, 'speaker', 'hidden-room'));
    // an ordinary token may not hide
    const sneaky = await SignalingClient.open(server);
    sneaky.send({ type: 'join', token: videoToken(server, 'lurker', 'hidden-room'), hidden: true });
    expect(await sneaky.next('error')).toMatchObject({ code: 20106, fatal: true, message: expect.stringMatching(/hidden: true/) });
    expect(await sneaky.closed).toBe(4000);

    const h = await SignalingClient.open(server);
    const jh = await h.join(await hiddenToken(server, 'video-composer-v1', 'hidden-room'), { hidden: true });
    expect(jh.participants.map((p) => p.identity)).toEqual(['speaker']);
    h.send({ type: 'offer', to: ja.participant.sid, sdp: 'v=0 hidden' });
    expect(await a.next('offer')).toEqual({ type: 'offer', from: jh.participant.sid, hidden: true, sdp: 'v=0 hidden' });
    const b = await SignalingClient.open(server);
    const jb = await b.join(videoToken(server, 'late', 'hidden-room'));
    expect(jb.participants.map((p) => p.identity)).toEqual(['speaker']);
    // the hidden one hears about the newcomer; the speaker never heard about the hidden one
    await h.next('participant-joined', (m) => m.participant.identity === 'late');
    expect(a.messages.some((m) => m.type === 'participant-joined' && m.participant.identity === 'video-composer-v1')).toBe(false);
    // a second composer with the same identity (two streams of one room) does not push the first out
    const h2 = await SignalingClient.open(server);
    const jh2 = await h2.join(await hiddenToken(server, 'video-composer-v1', 'hidden-room'), { hidden: true });
    expect(jh2.participant.sid).not.toBe(jh.participant.sid);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.closeCode).toBeUndefined();
    expect(h.messages.some((m) => m.type === 'error')).toBe(false);
    h2.send({ type: 'leave' });
    // when it leaves, peers learn its SID so they can close their connection to it
    h.send({ type: 'leave' });
    await a.next('participant-left', (m) => m.participantSid === jh.participant.sid);
    await b.next('participant-left', (m) => m.participantSid === jh.participant.sid);
    for (const c of [a, b]) c.ws.close();
  });

  test('a dropped socket can resume the same participant within the grace period', async () => {
    const a = await SignalingClient.open(server);
    const token = videoToken(server, 'flaky', 'resume-room');
    const ja = await a.join(token);
    const other = await SignalingClient.open(server);
    await other.join(videoToken(server, 'steady', 'resume-room'));
    a.ws.terminate();
    const again = await SignalingClient.open(server);
    const resumed = await again.join(token, { resume: ja.participant.sid });
    expect(resumed).toMatchObject({ resumed: true, participant: { sid: ja.participant.sid } });
    await new Promise((r) => setTimeout(r, 300));
    expect(other.messages.some((m) => m.type === 'participant-left')).toBe(false);
    const p = await api(server, 'GET', `/v1/Rooms/resume-room/Participants/${ja.participant.sid}`);
    expect(p.json.status).toBe('connected');
    again.ws.close();
    // without resume, the participant is disconnected after the grace period
    await other.next('participant-left', (m) => m.participantSid === ja.participant.sid, 10_000);
    other.ws.close();
  });
});
