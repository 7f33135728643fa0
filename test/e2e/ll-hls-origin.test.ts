/**
 * The playback origin's Low-Latency HLS behaviour against a real `onair serve` (a child
 * process). The test process plays the packager: it writes LL playlists and part files by
 * hand into `<dataDir>/streams/<VJ…>/`, atomically (temp file + rename, parts before the
 * playlist that lists them), and checks blocking playlist reload (`_HLS_msn`/`_HLS_part`,
 * RFC 8216bis §6.2.5.2), held preload-hint parts (§6.2.6), the 400/404/503 answers, and that
 * sessions and path checks apply to all of it. Order is asserted, never timings: a held
 * answer must carry what was written after the request was made, and must not have come before.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createStreamer, playbackGrant, viewerToken } from './support/playback.js';
import { expectRefused, openSession, raw, type Raw } from './support/playback-http.js';
import { startServer, type RunningServer } from './support/server.js';

const PARTS_PER_SEGMENT = 5;

interface LlState {
  /** EXT-X-MEDIA-SEQUENCE */
  first: number;
  /** complete segments listed */
  complete: number;
  /** parts of the open segment written and listed */
  openParts: number;
  ended?: boolean;
  targetDuration?: number;
}

/**
 * The playlist the packager writes in low-latency mode. Segment s has the parts
 * PARTS_PER_SEGMENT × s … (one global part counter), listed for the last two segments.
 */
function llPlaylist(s: LlState): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:9',
    `#EXT-X-TARGETDURATION:${s.targetDuration ?? 2}`,
    '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.700',
    '#EXT-X-PART-INF:PART-TARGET=0.234',
    `#EXT-X-MEDIA-SEQUENCE:${s.first}`,
    '#EXT-X-DISCONTINUITY-SEQUENCE:0',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-MAP:URI="init-0.mp4"',
  ];
  const pdt = (msn: number) => `#EXT-X-PROGRAM-DATE-TIME:${new Date(Date.UTC(2026, 11, 3, 10, 0, msn)).toISOString()}`;
  const parts = (msn: number, count: number) => {
    for (let i = 0; i < count; i++) {
      lines.push(`#EXT-X-PART:DURATION=0.200,URI="part-${msn * PARTS_PER_SEGMENT + i}.m4s"${i === 0 ? ',INDEPENDENT=YES' : ''}`);
    }
  };
  const open = s.first + s.complete;
  for (let msn = s.first; msn < open; msn++) {
    lines.push(pdt(msn));
    if (msn >= open - 2) parts(msn, PARTS_PER_SEGMENT);
    lines.push('#EXTINF:1.000,', `seg-${msn}.m4s`);
  }
  if (s.ended) lines.push('#EXT-X-ENDLIST');
  else {
    if (s.openParts > 0) lines.push(pdt(open));
    parts(open, s.openParts);
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-${open * PARTS_PER_SEGMENT + s.openParts}.m4s"`);
  }
  return `${lines.join('\n')}\n`;
}

const STANDARD_PLAYLIST = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-TARGETDURATION:1',
  '#EXT-X-MEDIA-SEQUENCE:3',
  '#EXT-X-DISCONTINUITY-SEQUENCE:0',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-MAP:URI="init-0.mp4"',
  '#EXT-X-PROGRAM-DATE-TIME:2026-12-03T10:00:03.000Z',
  '#EXTINF:1.000,',
  'seg-3.m4s',
  '',
].join('\n');

/** Bytes that stand for part G (a moof + mdat would do no better here). */
const partBytes = (g: number) => Buffer.from(`moof+mdat of part ${g} `.repeat(40));

/** A request that is still running; `answered` turns true when its answer is complete. */
function pending(url: string, signal?: AbortSignal): { answer: Promise<Raw>; readonly answered: boolean } {
  const state = { answered: false };
  const answer = raw('GET', url, {}, signal).then((res) => {
    state.answered = true;
    return res;
  });
  return {
    answer,
    get answered() {
      return state.answered;
    },
  };
}

/** Long enough for a request to reach the server and be held; nothing is asserted about it. */
const settle = () => new Promise((r) => setTimeout(r, 400));

describe('Low-Latency HLS in the playback origin', () => {
  let server: RunningServer;
  /** the onair_playback_held_requests gauge */
  const heldRequests = async (): Promise<number> => {
    const m = /^onair_playback_held_requests (\d+)/m.exec(await (await fetch(`${server.url}/metrics`)).text());
    if (!m) throw new Error('no onair_playback_held_requests in /metrics');
    return Number(m[1]);
  };
  let n = 0;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  /** A streamer over REST, a viewer session on it, and its directory to write into as the packager. */
  async function stream() {
    const sid = await createStreamer(server);
    const grant = await playbackGrant(server, sid);
    const opened = await openSession(server, grant.playbackUrl, viewerToken(server, grant));
    expect(opened.status, opened.body.toString()).toBe(200);
    const playlistUrl: string = opened.json.playlistUrl;
    const dir = join(server.dataDir, 'streams', sid);
    mkdirSync(dir, { recursive: true });
    const write = (name: string, data: string | Buffer) => {
      const temp = join(dir, `.${name}.${process.pid}.${n++}.tmp`);
      writeFileSync(temp, data);
      renameSync(temp, join(dir, name));
    };
    /** as the packager: the new parts first, then the playlist that lists them */
    const publish = (s: LlState) => {
      const open = s.first + s.complete;
      for (let g = (open - 2) * PARTS_PER_SEGMENT; g < open * PARTS_PER_SEGMENT + s.openParts; g++) write(`part-${g}.m4s`, partBytes(g));
      write('index.m3u8', llPlaylist(s));
    };
    return { sid, dir, playlistUrl, base: playlistUrl.replace(/index\.m3u8$/, ''), write, publish };
  }

  test('parts are served from the session: video/mp4, immutable, HEAD without a body', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 2, openParts: 2 });
    const got = await raw('GET', `${s.base}part-36.m4s`);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('video/mp4');
    expect(got.headers['cache-control']).toBe('max-age=31536000, immutable');
    expect(got.headers['access-control-allow-origin']).toBe('*');
    expect(got.body.equals(partBytes(36))).toBe(true);
    const again = await raw('GET', `${s.base}part-36.m4s`); // from memory now; the same bytes
    expect(again.body.equals(partBytes(36))).toBe(true);
    const head = await raw('HEAD', `${s.base}part-30.m4s`);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(partBytes(30).length);
    // a plain playlist request is answered as before
    const playlist = await raw('GET', s.playlistUrl);
    expect(playlist.status).toBe(200);
    expect(playlist.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(playlist.body.toString()).toBe(llPlaylist({ first: 5, complete: 2, openParts: 2 }));
  });

  test('a blocking reload is held until the playlist has the part (or the segment) asked for', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 2, openParts: 2 }); // open segment 7: parts 35, 36; hint 37

    // already there: answered at once
    for (const query of ['_HLS_msn=6', '_HLS_msn=7&_HLS_part=1', '_HLS_msn=6&_HLS_part=4', '_HLS_msn=2']) {
      const now = await raw('GET', `${s.playlistUrl}?${query}`);
      expect(now.status, query).toBe(200);
      expect(now.body.toString()).toContain('URI="part-36.m4s"');
    }

    const nextPart = pending(`${s.playlistUrl}?_HLS_msn=7&_HLS_part=2`);
    const nextSegment = pending(`${s.playlistUrl}?_HLS_msn=7`);
    await settle();
    expect([nextPart.answered, nextSegment.answered]).toEqual([false, false]);

    s.publish({ first: 5, complete: 2, openParts: 3 }); // part 37 arrives
    const partAnswer = await nextPart.answer;
    expect(partAnswer.status, partAnswer.body.toString()).toBe(200);
    expect(partAnswer.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(partAnswer.headers['cache-control']).toBe('no-cache');
    expect(partAnswer.body.toString()).toContain('#EXT-X-PART:DURATION=0.200,URI="part-37.m4s"');
    expect(partAnswer.body.toString()).toContain('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-38.m4s"');
    expect(nextSegment.answered).toBe(false); // segment 7 is not complete yet

    s.publish({ first: 5, complete: 3, openParts: 0 }); // segment 7 completes
    const segmentAnswer = await nextSegment.answer;
    expect(segmentAnswer.status).toBe(200);
    expect(segmentAnswer.body.toString()).toContain('\nseg-7.m4s\n');

    // past the final part of segment 7 = part 0 of segment 8: held until it is listed
    const pastFinal = pending(`${s.playlistUrl}?_HLS_msn=7&_HLS_part=5`);
    await settle();
    expect(pastFinal.answered).toBe(false);
    s.publish({ first: 5, complete: 3, openParts: 1 });
    expect((await pastFinal.answer).body.toString()).toContain('URI="part-40.m4s"');
  });

  test('a request for the hinted part is held until the part is written', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 2, openParts: 2 }); // hint: part-37
    const hinted = pending(`${s.base}part-37.m4s`);
    const beyond = pending(`${s.base}part-38.m4s`); // one past the hint: a client running a little ahead
    await settle();
    expect([hinted.answered, beyond.answered]).toEqual([false, false]);
    const heldBefore = await heldRequests();
    expect(heldBefore).toBeGreaterThanOrEqual(2); // the two of them, in the onair_playback_held_requests gauge
    s.write('part-37.m4s', partBytes(37)); // the part alone, before any playlist lists it
    const got = await hinted.answer;
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('video/mp4');
    expect(got.body.equals(partBytes(37))).toBe(true);
    expect(beyond.answered).toBe(false);
    s.publish({ first: 5, complete: 2, openParts: 4 });
    expect((await beyond.answer).body.equals(partBytes(38))).toBe(true);
    expect(await heldRequests()).toBeLessThanOrEqual(heldBefore - 2);

    // far ahead of the hint, or long gone: 404 at once, as for segments
    expectRefused(await raw('GET', `${s.base}part-90.m4s`), 404, 20404);
    expectRefused(await raw('GET', `${s.base}part-3.m4s`), 404, 20404);
  });

  test('unreachable requests answer 400 (20001) at once', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 2, openParts: 2 }); // last segment 6, open 7
    for (const query of ['_HLS_msn=9', '_HLS_msn=1000', '_HLS_msn=7&_HLS_part=40', '_HLS_msn=8&_HLS_part=20']) {
      expectRefused(await raw('GET', `${s.playlistUrl}?${query}`), 400, 20001);
    }
    // two segments beyond the last is still within reach: held (then given up by the client)
    const gone = new AbortController();
    const reachable = pending(`${s.playlistUrl}?_HLS_msn=8`, gone.signal);
    await settle();
    expect(reachable.answered).toBe(false);
    gone.abort();
    await expect(reachable.answer).rejects.toThrow();
  });

  test('malformed directives answer 400 (20001)', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 2, openParts: 2 });
    const bad = ['_HLS_part=2', '_HLS_msn=', '_HLS_msn=-1', '_HLS_msn=1.5', '_HLS_msn=abc', '_HLS_msn=0x7', '_HLS_msn=7&_HLS_part=-1', '_HLS_msn=7&_HLS_part=one', '_HLS_msn=6&_HLS_msn=7'];
    for (const query of bad) {
      const res = await raw('GET', `${s.playlistUrl}?${query}`);
      expectRefused(res, 400, 20001);
      expect(res.headers['access-control-allow-origin']).toBe('*');
    }
  });

  test('a standard-latency playlist ignores the directives', async () => {
    const s = await stream();
    s.write('index.m3u8', STANDARD_PLAYLIST);
    for (const query of ['_HLS_msn=999', '_HLS_msn=999&_HLS_part=3', '_HLS_part=x']) {
      const res = await raw('GET', `${s.playlistUrl}?${query}`);
      expect(res.status, query).toBe(200);
      expect(res.body.toString()).toBe(STANDARD_PLAYLIST);
    }
  });

  test('an ended playlist answers at once (the directives are ignored); its missing parts are 404', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 3, openParts: 0, ended: true });
    for (const query of ['_HLS_msn=8', '_HLS_msn=999&_HLS_part=3', '_HLS_part=1']) {
      const res = await raw('GET', `${s.playlistUrl}?${query}`);
      expect(res.status, query).toBe(200);
      expect(res.body.toString()).toMatch(/#EXT-X-ENDLIST\n$/);
    }
    expectRefused(await raw('GET', `${s.base}part-40.m4s`), 404, 20404);
  });

  test('a held playlist ends with 503 (20503) after three target durations; a held part too', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 2, openParts: 2, targetDuration: 1 });
    const [playlist, part] = await Promise.all([raw('GET', `${s.playlistUrl}?_HLS_msn=8`), raw('GET', `${s.base}part-37.m4s`)]);
    expectRefused(playlist, 503, 20503);
    expectRefused(part, 503, 20503);
  });

  test('an ENDLIST written while a request is held answers it', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 2, openParts: 2 });
    const held = pending(`${s.playlistUrl}?_HLS_msn=8`);
    const part = pending(`${s.base}part-37.m4s`);
    await settle();
    expect([held.answered, part.answered]).toEqual([false, false]);
    // the source stopped: the open segment's parts are dropped, part-37 never comes
    s.write('index.m3u8', llPlaylist({ first: 5, complete: 2, openParts: 0, ended: true }));
    const res = await held.answer;
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('#EXT-X-ENDLIST');
    expectRefused(await part.answer, 404, 20404); // the hint will never be written
  });

  test('no session, no LL: 403 (20403) before anything is held', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 2, openParts: 2 });
    const session = /\/s\/([^/]+)\//.exec(s.playlistUrl)![1]!;
    // one character of the signature changed: not the last, whose low bits base64url does not
    // decode (A and B there are the same bytes, and the session would still be valid)
    const at = session.length - 3;
    const tampered = session.slice(0, at) + (session[at] === 'A' ? 'B' : 'A') + session.slice(at + 1);
    const other = await stream();
    const cases = [
      `${server.url}/playback/${s.sid}/index.m3u8?_HLS_msn=7&_HLS_part=2`,
      `${server.url}/playback/${s.sid}/part-37.m4s`,
      `${s.playlistUrl.replace(session, 'x')}?_HLS_msn=7&_HLS_part=2`,
      `${s.base.replace(session, tampered)}part-37.m4s`,
      `${other.playlistUrl.replace(other.sid, s.sid)}?_HLS_msn=7&_HLS_part=2`, // another streamer's session
      `${other.base.replace(other.sid, s.sid)}part-37.m4s`,
    ];
    for (const url of cases) expectRefused(await raw('GET', url), 403, 20403);
  });

  test('path escapes through part names are refused (20403)', async () => {
    const s = await stream();
    s.publish({ first: 5, complete: 2, openParts: 2 });
    writeFileSync(join(s.dir, 'secret.txt'), 'not for viewers');
    const attempts = [
      'part-../../credentials.json',
      'part-1.m4s/../../../credentials.json',
      '..%2Fpart-36.m4s',
      'part-36.m4s%00',
      'part-036.m4s',
      'part--1.m4s',
      'part-36.mp4',
      'part-36.m4s.tmp',
      `.part-36.m4s.${process.pid}.1.tmp`,
      'part-%33%36.m4s',
      'part-99999999999999999.m4s',
      'part-36.m4s\\..\\secret.txt',
    ];
    for (const name of attempts) {
      const res = await raw('GET', `${s.base}${name}`);
      expectRefused(res, 403, 20403);
      expect(res.body.toString()).not.toMatch(/apiSecret|not for viewers/);
    }
  });
});
