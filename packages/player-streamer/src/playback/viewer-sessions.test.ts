import { afterEach, describe, expect, test } from 'vitest';
import type { SessionClaims } from './session-token.js';
import { ViewerSessions } from './viewer-sessions.js';

const A = `VJ${'a'.repeat(32)}`;
const B = `VJ${'b'.repeat(32)}`;
let now = 1_000_000;
let sessions: ViewerSessions | undefined;
let n = 0;
const claims = (streamerSid: string, issuedAt = now): SessionClaims => ({ streamerSid, sessionId: `s${n++}`, issuedAt, origin: '*' });

function make(idleTimeoutMs = 10_000) {
  sessions = new ViewerSessions({ idleTimeoutMs, now: () => now, pruneIntervalMs: 60_000 });
  const events: unknown[] = [];
  sessions.on('viewers', (sid, count) => void events.push(['viewers', sid, count]));
  sessions.on('streamerForgotten', (sid) => void events.push(['forgotten', sid]));
  return { s: sessions, events };
}
afterEach(() => sessions?.close());

describe('ViewerSessions', () => {
  test('counts sessions per streamer and renews them on each request', () => {
    const { s, events } = make();
    const a1 = claims(A);
    const a2 = claims(A);
    s.open(a1, true);
    s.open(a2, true);
    s.open(claims(B), true);
    expect([s.count(A), s.count(B)]).toEqual([2, 1]);
    now += 8_000;
    expect(s.touch(a1)).toBe(true);
    now += 8_000; // a2 idle 16 s, a1 idle 8 s
    expect(s.touch(a1)).toBe(true);
    expect(s.touch(a2)).toBe(false);
    expect(s.count(A)).toBe(1);
    expect(events).toContainEqual(['viewers', A, 1]);
  });

  test('a lapsed session never comes back', () => {
    const { s } = make();
    const c = claims(A);
    s.open(c, true);
    now += 10_001;
    s.prune();
    expect(s.count(A)).toBe(0);
    expect(s.touch(c)).toBe(false);
  });

  test('a genuine session unknown here (after a restart) lives from max(issuedAt, start)', () => {
    const { s } = make();
    const old = claims(A, now - 3_600_000);
    expect(s.touch(old)).toBe(true); // within idle of this instance's start
    expect(s.count(A)).toBe(1);
    now += 10_001;
    expect(s.touch(claims(A, now - 20_000))).toBe(false);
  });

  test('ended streamers are not counted and their label set is dropped', () => {
    const { s, events } = make();
    s.open(claims(A), true);
    s.streamerEnded(A);
    expect(events).toEqual([['viewers', A, 1], ['forgotten', A]]);
    s.open(claims(A), false);
    expect(s.counts().has(A)).toBe(false);
    expect(events.length).toBe(2);
  });
});
