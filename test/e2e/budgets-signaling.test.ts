/**
 * Signaling budgets against a real `onair serve` with its default settings: a socket that
 * floods (messages or bytes) gets an `error` frame (20429) and then a close with 1008, and
 * its participant leaves at once; normal use (offers, dozens of ICE candidates, publishes,
 * track updates) never comes near. MaxConcurrentPublishedTracks is enforced with 53203, at
 * join and on later publishes.
 */
import type { ServerMessage } from '@onair/protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SignalingClient, videoToken } from './support/signaling.js';
import { api, eventually, startServer, type RunningServer } from './support/server.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

const track = (i: number, kind: 'audio' | 'video' | 'data' = 'video') => ({ name: `t${i}`, kind, enabled: true, streamId: `s${i}` });

/** The budget counter in /metrics for one budget (0 when absent). */
async function refusals(budget: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = new RegExp(`^onair_budget_refusals_total\\{budget="${budget}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** Sends `frames` as fast as it can (in bursts of 500, letting answers in between), until the socket closes. */
async function flood(client: SignalingClient, frame: string, frames: number): Promise<void> {
  for (let i = 0; i < frames && client.closeCode === undefined && client.ws.readyState === client.ws.OPEN; i++) {
    client.ws.send(frame);
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
  }
}

/** Asserts the refusal: an error frame with 20429 (fatal) came, then the socket closed with 1008. */
async function expectBudgetClose(client: SignalingClient, what: RegExp): Promise<void> {
  expect(await client.closed).toBe(1008);
  const errors = client.messages.filter((m): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ code: 20429, fatal: true });
  expect(errors[0]!.message).toMatch(what);
  // nothing came after the error frame
  expect(client.messages.at(-1)).toBe(errors[0]);
}

describe('signaling budget per socket (defaults)', () => {
  test('a message flood: error 20429, then close 1008; the participant is disconnected at once', async () => {
    const before = await refusals('signaling_messages');
    const a = await SignalingClient.open(server);
    const joined = await a.join(videoToken(server, 'flooder', 'budget-room'));
    await flood(a, JSON.stringify({ type: 'ice', to: 'PA00000000000000000000000000000000', candidate: null }), 20_000);
    await expectBudgetClose(a, /messages/);
    const roomSid = joined.room.sid;
    await eventually(async () => {
      const p = await api(server, 'GET', `/v1/Rooms/${roomSid}/Participants/${joined.participant.sid}`);
      return p.json.status === 'disconnected';
    }, 3_000);
    expect(await refusals('signaling_messages')).toBe(before + 1);
  });

  test('a byte flood (large frames): error 20429, then close 1008', async () => {
    const before = await refusals('signaling_bytes');
    const a = await SignalingClient.open(server);
    await a.join(videoToken(server, 'big-sender', 'budget-room-bytes'));
    const sdp = 'v=0\r\n' + 'a=x'.repeat(60_000); // ~180 kB, under the 256 kB frame limit
    await flood(a, JSON.stringify({ type: 'offer', to: 'PA00000000000000000000000000000000', sdp }), 200);
    await expectBudgetClose(a, /bytes/);
    expect(await refusals('signaling_bytes')).toBe(before + 1);
  });

  test('normal use stays within it: offers, 80 ICE candidates, publishes and track updates', async () => {
    const a = await SignalingClient.open(server);
    const b = await SignalingClient.open(server);
    await a.join(videoToken(server, 'alice', 'normal-room'), { tracks: [track(0, 'audio'), track(1)] });
    const bj = await b.join(videoToken(server, 'bob', 'normal-room'));
    const alice = bj.participants[0]!.sid;
    const bob = bj.participant.sid;
    const sdp = 'v=0\r\n' + 'a=candidate-ish\r\n'.repeat(600); // ~10 kB, a large real offer
    for (let round = 0; round < 4; round++) {
      b.send({ type: 'offer', to: alice, sdp });
      a.send({ type: 'answer', to: bob, sdp });
      for (let i = 0; i < 20; i++) {
        const candidate = { candidate: `candidate:${i} 1 udp 2122260223 10.0.0.${i} ${50000 + i} typ host`, sdpMid: '0', sdpMLineIndex: 0 };
        a.send({ type: 'ice', to: bob, candidate });
        b.send({ type: 'ice', to: alice, candidate });
      }
    }
    for (let i = 0; i < 6; i++) a.send({ type: 'publish', requestId: `r${i}`, track: track(10 + i, 'data') });
    const published = await a.next('published', (m) => m.requestId === 'r5');
    for (let i = 0; i < 20; i++) a.send({ type: 'track-state', trackSid: published.track.sid, enabled: i % 2 === 1 });
    await b.next('track-state', (m) => m.trackSid === published.track.sid && m.enabled === true);
    await eventually(async () => b.messages.filter((m) => m.type === 'ice').length === 80, 5_000, 50);
    expect(a.closeCode).toBeUndefined();
    expect(b.closeCode).toBeUndefined();
    expect([...a.messages, ...b.messages].filter((m) => m.type === 'error')).toEqual([]);
    a.send({ type: 'leave' });
    b.send({ type: 'leave' });
  });
});

describe('MaxConcurrentPublishedTracks (53203)', () => {
  test('enforced at join with tracks and on later publishes, over all participants', async () => {
    const room = await api(server, 'POST', '/v1/Rooms', { Type: 'group-small', UniqueName: 'small-tracks' });
    expect(room.json.max_concurrent_published_tracks).toBe(16);
    const before = await refusals('room_published_tracks');

    const a = await SignalingClient.open(server);
    await a.join(videoToken(server, 'a', 'small-tracks'), { tracks: Array.from({ length: 10 }, (_, i) => track(i)) });

    // 10 + 7 > 16: the join is refused
    const b = await SignalingClient.open(server);
    b.send({ type: 'join', token: videoToken(server, 'b', 'small-tracks'), tracks: Array.from({ length: 7 }, (_, i) => track(i)) });
    const refused = await b.next('error');
    expect(refused).toMatchObject({ code: 53203, fatal: true });
    expect(refused.message).toMatch(/Publishing would exceed the Room's maximum simultaneously published tracks/);
    expect(await b.closed).toBe(4000);

    // 10 + 6 = 16: allowed
    const c = await SignalingClient.open(server);
    await c.join(videoToken(server, 'c', 'small-tracks'), { tracks: Array.from({ length: 6 }, (_, i) => track(i, 'audio')) });

    // one more: refused for that request only; the socket stays
    a.send({ type: 'publish', requestId: 'one-more', track: track(99) });
    const error = await a.next('error', (m) => (m as { requestId?: string }).requestId === 'one-more');
    expect(error).toMatchObject({ code: 53203, fatal: false });
    expect(a.messages.find((m) => m.type === 'published' && m.requestId === 'one-more')).toBeUndefined();
    expect(a.closeCode).toBeUndefined();

    // after an unpublish there is room again
    const joinedC = c.messages.find((m) => m.type === 'joined') as Extract<ServerMessage, { type: 'joined' }>;
    c.send({ type: 'unpublish', trackSid: joinedC.participant.tracks[0]!.sid });
    await a.next('track-unpublished');
    a.send({ type: 'publish', requestId: 'fits-now', track: track(98) });
    await a.next('published', (m) => m.requestId === 'fits-now');
    expect(await refusals('room_published_tracks')).toBe(before + 2);
    a.send({ type: 'leave' });
    c.send({ type: 'leave' });
  });
});
