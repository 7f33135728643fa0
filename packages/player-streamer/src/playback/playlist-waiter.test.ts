import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StreamFileCache } from './file-cache.js';
import { PlaylistWaiter } from './playlist-waiter.js';
import { PlaybackRefusal } from './refusal.js';
import { partNumberOf } from './stream-files.js';

let dir: string;
let server: Server;
let base: string;
let waiter: PlaylistWaiter;
let n = 0;

/** a real HTTP server in front of the waiter, as the origin uses it (refusals as status + JSON) */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-waiter-'));
  waiter = new PlaylistWaiter(new StreamFileCache());
  server = createServer((req, res) => {
    const [path = '', query = ''] = (req.url ?? '').split('?');
    const file = join(dir, path.slice(1));
    const head = req.method === 'HEAD';
    const part = partNumberOf(basename(file));
    const serving = part === undefined ? waiter.servePlaylist(res, file, query, head) : waiter.servePart(res, file, part, head);
    serving.catch((error: unknown) => {
      const refusal = error instanceof PlaybackRefusal ? error : PlaybackRefusal.internal();
      res.statusCode = refusal.status;
      res.end(JSON.stringify(refusal.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  waiter.close();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function replace(name: string, data: string) {
  const temp = join(dir, `.${name}.${n++}.tmp`);
  await writeFile(temp, data);
  await rename(temp, join(dir, name));
}

function get(path: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { signal }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const playlist = (openParts: number, extra = '') =>
  [
    '#EXTM3U',
    '#EXT-X-VERSION:9',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.700',
    '#EXT-X-PART-INF:PART-TARGET=0.234',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-MAP:URI="init-0.mp4"',
    '#EXTINF:1.000,',
    'seg-0.m4s',
    ...Array.from({ length: openParts }, (_, i) => `#EXT-X-PART:DURATION=0.200,URI="part-${i}.m4s"`),
    `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-${openParts}.m4s"`,
    extra,
  ].join('\n');

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
};

describe('PlaylistWaiter over HTTP', () => {
  test('a held playlist and a held part are answered by the writes they wait for', async () => {
    await replace('index.m3u8', playlist(1));
    const held = get('/index.m3u8?_HLS_msn=1&_HLS_part=1');
    const part = get('/part-1.m4s');
    await until(() => waiter.held.requests === 2);
    expect(waiter.held).toEqual({ requests: 2, dirs: 1 }); // one watch for both
    await replace('part-1.m4s', 'part one');
    expect(await part).toEqual({ status: 200, body: 'part one' });
    await replace('index.m3u8', playlist(2));
    const answer = await held;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('URI="part-1.m4s"');
    expect(waiter.held).toEqual({ requests: 0, dirs: 0 });
  });

  test('a client that leaves releases its hold and the watch', async () => {
    await replace('index.m3u8', playlist(1));
    const gone = new AbortController();
    const held = get('/index.m3u8?_HLS_msn=1&_HLS_part=3', gone.signal).catch((error: Error) => error.name);
    const heldPart = get('/part-2.m4s', gone.signal).catch((error: Error) => error.name);
    await until(() => waiter.held.requests === 2);
    gone.abort();
    expect(await held).toBe('AbortError');
    expect(await heldPart).toBe('AbortError');
    await until(() => waiter.held.requests === 0);
    expect(waiter.held).toEqual({ requests: 0, dirs: 0 });
  });

  test('malformed and unreachable requests are refused with 400 without holding', async () => {
    await replace('index.m3u8', playlist(1));
    for (const query of ['_HLS_part=1', '_HLS_msn=x', '_HLS_msn=3', '_HLS_msn=1&_HLS_part=99']) {
      const res = await get(`/index.m3u8?${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ code: 20001 });
    }
    expect(waiter.held.requests).toBe(0);
  });

  test('close() ends held requests with 503 (runs last: it closes the waiter)', async () => {
    await replace('index.m3u8', playlist(1));
    const held = get('/index.m3u8?_HLS_msn=2');
    const part = get('/part-2.m4s'); // one past the hint (part-1 was written above)
    await until(() => waiter.held.requests === 2);
    waiter.close();
    for (const res of [await held, await part]) {
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({ code: 20503 });
    }
    expect(waiter.held).toEqual({ requests: 0, dirs: 0 });
    expect((await get('/index.m3u8?_HLS_msn=2')).status).toBe(503); // no new holds once closed
  });
});
