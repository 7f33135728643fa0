/**
 * The origin's push endpoint on a real node:http server (127.0.0.1), with raw requests: the
 * path goes on the wire as written (fetch would normalise `../`).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { API_KEY, API_SECRET, startOriginHarness, type OriginHarness } from '../test-support/origin-harness.js';

const VJ = `VJ${'a'.repeat(32)}`;
const KV = `KV${'b'.repeat(32)}`;
const AUTH = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`;

let root: string;
let origin: OriginHarness;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'onair-ingest-'));
  origin = await startOriginHarness(root, { maxFileBytes: 64 * 1024, maxConcurrentPushes: 2, idleTimeoutMs: 300 });
});
afterAll(async () => {
  await origin.close();
  await rm(root, { recursive: true, force: true });
});
afterEach(async () => {
  await rm(join(root, 'streams'), { recursive: true, force: true });
});

interface Raw {
  headers?: Record<string, string>;
  /** body pieces, sent `gapMs` apart (chunked unless a Content-Length header is given) */
  chunks?: Buffer[];
  gapMs?: number;
  /** destroy the connection after the pieces, without ending the body */
  cut?: boolean;
  /** never end the body (and do not wait for an answer beyond this, ms) */
  stall?: boolean;
}
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(method: string, path: string, options: Raw = {}): Promise<Answer | 'cut'> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: origin.port, method, path, headers: { Authorization: AUTH, ...options.headers } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', (error) => (options.cut || options.stall ? resolve('cut') : reject(error)));
    void (async () => {
      for (const chunk of options.chunks ?? []) {
        if (req.destroyed) return;
        req.write(chunk);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
      if (options.cut) {
        await new Promise((r) => setTimeout(r, 50));
        req.destroy();
        resolve('cut');
      } else if (!options.stall) req.end();
    })();
  });
}

const answer = async (p: Promise<Answer | 'cut'>): Promise<Answer> => {
  const a = await p;
  if (a === 'cut') throw new Error('no answer');
  return a;
};
const json = (a: Answer) => JSON.parse(a.body) as { code: number; message: string; more_info: string; status: number };
const streamDir = join('streams', VJ);
const filesIn = async (dir: string) => (existsSync(join(root, dir)) ? (await readdir(join(root, dir))).sort() : []);

describe('origin push endpoint', () => {
  test('stores a chunked body atomically, deletes, and serves only the snapshot back', async () => {
    const pieces = [Buffer.from('moof…'), Buffer.from('mdat…'), Buffer.from('more')];
    const put = await answer(raw('PUT', `/origin/streams/${VJ}/part-7.m4s`, { chunks: pieces, gapMs: 30 }));
    expect(put.status).toBe(204);
    expect(await readFile(join(root, streamDir, 'part-7.m4s'))).toEqual(Buffer.concat(pieces));
    expect(await filesIn(streamDir)).toEqual(['part-7.m4s']); // no temp file left

    expect((await answer(raw('GET', `/origin/streams/${VJ}/packager.json`))).status).toBe(404);
    await answer(raw('PUT', `/origin/streams/${VJ}/packager.json`, { chunks: [Buffer.from('{"version":1}')] }));
    const got = await answer(raw('GET', `/origin/streams/${VJ}/packager.json`));
    expect([got.status, got.body, got.headers['content-type']]).toEqual([200, '{"version":1}', 'application/json; charset=utf-8']);
    const get = await answer(raw('GET', `/origin/streams/${VJ}/part-7.m4s`));
    expect([get.status, json(get).code, get.headers['allow']]).toEqual([405, 20004, 'PUT, DELETE']);

    expect((await answer(raw('DELETE', `/origin/streams/${VJ}/part-7.m4s`))).status).toBe(204);
    expect((await answer(raw('DELETE', `/origin/streams/${VJ}/part-7.m4s`))).status).toBe(204);
    expect(await filesIn(streamDir)).toEqual(['packager.json']);
  });

  test('with Content-Length too', async () => {
    const body = Buffer.alloc(5000, 7);
    const put = await answer(raw('PUT', `/origin/streams/${VJ}/seg-3.m4s`, { headers: { 'Content-Length': '5000' }, chunks: [body] }));
    expect(put.status).toBe(204);
    expect(await readFile(join(root, streamDir, 'seg-3.m4s'))).toEqual(body);
  });

  test.each([
    ['no credentials', {}],
    ['a wrong secret', { Authorization: `Basic ${Buffer.from(`${API_KEY}:wrong-secret-0123456789abcdefgh`).toString('base64')}` }],
    ['another scheme', { Authorization: 'Bearer x' }],
  ])('refuses %s with 401 20003 and stores nothing', async (_what, headers) => {
    const a = await answer(raw('PUT', `/origin/streams/${VJ}/index.m3u8`, { headers: { Authorization: '', ...headers }, chunks: [Buffer.from('#EXTM3U\n')] }));
    expect([a.status, json(a), a.headers['www-authenticate']]).toEqual([
      401,
      { code: 20003, message: expect.any(String), more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 },
      'Basic realm="onair origin"',
    ]);
    expect(await filesIn(streamDir)).toEqual([]);
  });

  test.each([
    [`/origin/streams/${VJ}/../index.m3u8`, 404],
    [`/origin/streams/${VJ}/..%2Findex.m3u8`, 400],
    [`/origin/streams/${VJ}/%2e%2e%2fpackager.json`, 400],
    [`/origin/streams/${VJ}/seg-01.m4s`, 400],
    [`/origin/streams/${VJ}/seg-${'9'.repeat(400)}.m4s`, 400],
    [`/origin/streams/${VJ}/.index.m3u8.1.1.tmp`, 400],
    [`/origin/streams/${VJ}/index.m3u8%00`, 400],
    [`/origin/streams/${VJ}/INDEX.M3U8`, 400],
    [`/origin/streams/VJ${'A'.repeat(32)}/index.m3u8`, 400],
    [`/origin/streams/..%2F..%2Fetc/index.m3u8`, 400],
    [`/origin/streams/${VJ}/index.m3u8/x`, 404],
    [`/origin/streams/${VJ}`, 404],
    [`/origin/other/${VJ}/index.m3u8`, 404],
    [`/origin/recordings/${KV}/../../x.mp4`, 404],
    [`/origin/recordings/${KV}/x.mp4`, 400],
    [`/origin/recordings/${VJ}/media.mp4`, 400],
  ])('refuses %s (%i), JSON, nothing written', async (path, status) => {
    const a = await answer(raw('PUT', path, { chunks: [Buffer.from('x')] }));
    expect(a.status).toBe(status);
    expect(json(a)).toMatchObject({ status, code: status === 404 ? 20404 : 20001 });
    expect(await filesIn('streams')).toEqual([]);
    expect(await filesIn('recordings')).toEqual([]);
  });

  test('refuses a body over the cap: by Content-Length at once, chunked as soon as it passes; the old file stays', async () => {
    await answer(raw('PUT', `/origin/streams/${VJ}/seg-1.m4s`, { chunks: [Buffer.from('old')] }));
    const declared = await answer(raw('PUT', `/origin/streams/${VJ}/seg-1.m4s`, { headers: { 'Content-Length': String(65 * 1024) }, chunks: [Buffer.alloc(1024)] , stall: true}));
    expect([declared.status, json(declared).code]).toEqual([413, 20413]);
    const chunked = await answer(raw('PUT', `/origin/streams/${VJ}/seg-1.m4s`, { chunks: Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024)), gapMs: 5 }));
    expect([chunked.status, json(chunked).code]).toEqual([413, 20413]);
    await new Promise((r) => setTimeout(r, 50));
    expect(await filesIn(streamDir)).toEqual(['seg-1.m4s']);
    expect(await readFile(join(root, streamDir, 'seg-1.m4s'), 'utf8')).toBe('old');
  });

  test('a body cut mid-way, or stalled past the idle timeout, leaves no file and no temp file', async () => {
    await answer(raw('PUT', `/origin/streams/${VJ}/index.m3u8`, { chunks: [Buffer.from('#EXTM3U\n#old\n')] }));
    expect(await raw('PUT', `/origin/streams/${VJ}/part-1.m4s`, { chunks: [Buffer.alloc(4000), Buffer.alloc(4000)], gapMs: 20, cut: true })).toBe('cut');
    expect(await raw('PUT', `/origin/streams/${VJ}/index.m3u8`, { chunks: [Buffer.from('#EXTM3U\n#new')], cut: true })).toBe('cut');
    const stalled = await raw('PUT', `/origin/streams/${VJ}/part-2.m4s`, { chunks: [Buffer.alloc(100)], stall: true });
    expect(stalled === 'cut' || stalled.status === 400).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(await filesIn(streamDir)).toEqual(['index.m3u8']);
    expect(await readFile(join(root, streamDir, 'index.m3u8'), 'utf8')).toBe('#EXTM3U\n#old\n');
    expect(origin.ingest.active).toBe(0);
  });

  test('at most maxConcurrentPushes bodies at once: 429 20429 with Retry-After beyond', async () => {
    const slow = [1, 2].map((n) => raw('PUT', `/origin/streams/${VJ}/part-${n}.m4s`, { chunks: [Buffer.alloc(10), Buffer.alloc(10), Buffer.alloc(10)], gapMs: 120 }));
    await new Promise((r) => setTimeout(r, 60));
    expect(origin.ingest.active).toBe(2);
    const third = await answer(raw('PUT', `/origin/streams/${VJ}/part-3.m4s`, { chunks: [Buffer.alloc(10)] }));
    expect([third.status, json(third).code, third.headers['retry-after']]).toEqual([429, 20429, '1']);
    expect((await Promise.all(slow.map(answer))).map((a) => a.status)).toEqual([204, 204]);
    expect(await filesIn(streamDir)).toEqual(['part-1.m4s', 'part-2.m4s']);
  });

  test('takes a recording file (PUT only)', async () => {
    const put = await answer(raw('PUT', `/origin/recordings/${KV}/media.mp4`, { chunks: [Buffer.from('ftyp'), Buffer.from('moov')] }));
    expect(put.status).toBe(204);
    expect(await readFile(join(root, 'recordings', KV, 'media.mp4'), 'utf8')).toBe('ftypmoov');
    expect((await answer(raw('DELETE', `/origin/recordings/${KV}/media.mp4`))).status).toBe(405);
    await rm(join(root, 'recordings'), { recursive: true });
  });
});
