import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SNAPSHOT_VERSION, type PackagerSnapshot } from '../hls/snapshot.js';
import { HttpPushStore } from './push-store.js';

const STREAMER = 'VJ' + 'c'.repeat(32);

/** A stand-in origin that takes every PUT and remembers the snapshots it got, in order. */
async function countingOrigin(): Promise<{ url: string; snapshots: number[]; server: Server }> {
  const snapshots: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.method === 'PUT' && req.url?.endsWith('/packager.json')) snapshots.push((JSON.parse(body) as PackagerSnapshot).nextPart);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, snapshots, server };
}

const snapshot = (nextPart: number): PackagerSnapshot => ({
  version: SNAPSHOT_VERSION,
  savedAt: Date.now(),
  targetDuration: 2,
  nextSequence: 1,
  nextPart,
  nextInput: 1,
  discontinuitySequence: 0,
  listed: [],
  retained: [],
  inits: ['init-0.mp4'],
  openParts: [`part-${nextPart - 1}.m4s`],
  clockEndMs: 0,
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('HttpPushStore snapshots', () => {
  it('sends a part-time snapshot at most every snapshotIntervalMs (the newest), one at a segment end at once, the pending one at close', async () => {
    const origin = await countingOrigin();
    servers.push(origin.server);
    const store = new HttpPushStore({ originUrl: origin.url, streamerSid: STREAMER, apiKeySid: 'SK' + 'a'.repeat(32), apiSecret: 's', snapshotIntervalMs: 300 });
    // five parts within 100 ms: none sent yet, then only the newest after the interval
    for (let part = 1; part <= 5; part++) {
      await store.writeState(snapshot(part), { segmentEnd: false });
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(origin.snapshots).toEqual([]);
    await store.flushed();
    expect(origin.snapshots).toEqual([5]); // flushed() sends the pending one
    await store.writeState(snapshot(6), { segmentEnd: false });
    await store.writeState(snapshot(7), { segmentEnd: false });
    await new Promise((r) => setTimeout(r, 450));
    await store.flushed();
    expect(origin.snapshots).toEqual([5, 7]);
    // a segment's end: at once, and it supersedes a pending part-time one
    await store.writeState(snapshot(8), { segmentEnd: false });
    await store.writeState(snapshot(9), { segmentEnd: true });
    await store.flushed();
    expect(origin.snapshots).toEqual([5, 7, 9]);
    await new Promise((r) => setTimeout(r, 400));
    expect(origin.snapshots).toEqual([5, 7, 9]);
    // what is pending at close is sent
    await store.writeState(snapshot(10), { segmentEnd: false });
    await store.close();
    expect(origin.snapshots).toEqual([5, 7, 9, 10]);
  });
});
