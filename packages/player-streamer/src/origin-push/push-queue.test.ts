import { describe, expect, it } from 'vitest';
import { PushQueue } from './push-queue.js';

const b = (n: number) => [Buffer.alloc(n)];
const names = (q: PushQueue) => {
  const seen: string[] = [];
  for (let op = q.next(); op; op = q.next()) {
    seen.push(`${op.kind === 'delete' ? '-' : ''}${op.name}`);
    q.done();
  }
  return seen;
};

describe('PushQueue', () => {
  it('keeps the packager order; a newer playlist or snapshot replaces a queued one and goes last', () => {
    const q = new PushQueue(1_000_000);
    q.put('part-0.m4s', b(10));
    q.put('packager.json', b(5));
    q.put('index.m3u8', b(5));
    q.put('part-1.m4s', b(10));
    q.put('packager.json', b(6));
    q.put('index.m3u8', b(6));
    expect(q.bytes).toBe(32);
    expect(names(q)).toEqual(['part-0.m4s', 'part-1.m4s', 'packager.json', 'index.m3u8']);
    expect(q.bytes).toBe(0);
  });

  it('a deletion cancels a queued write of the same file', () => {
    const q = new PushQueue(1_000_000);
    q.put('seg-1.m4s', b(100));
    q.put('index.m3u8', b(5));
    q.delete('seg-1.m4s');
    expect(q.bytes).toBe(5);
    expect(names(q)).toEqual(['index.m3u8', '-seg-1.m4s']);
  });

  it('past its bound it drops the oldest parts, never segments, init files, the playlist or the snapshot', () => {
    const q = new PushQueue(250);
    q.put('init-0.mp4', b(50));
    q.put('part-0.m4s', b(50));
    q.put('part-1.m4s', b(50));
    q.put('seg-0.m4s', b(100));
    expect(q.put('index.m3u8', b(10))).toEqual(['part-0.m4s']);
    expect(q.put('seg-1.m4s', b(100))).toEqual(['part-1.m4s']);
    expect(q.put('packager.json', b(100))).toEqual([]); // nothing left that may be dropped: over the bound
    expect(q.bytes).toBe(360);
    expect(names(q)).toEqual(['init-0.mp4', 'seg-0.m4s', 'index.m3u8', 'seg-1.m4s', 'packager.json']);
  });

  it('never touches the op in flight; after a reconnect, files go first unless a newer one is queued', () => {
    const q = new PushQueue(60);
    q.put('part-0.m4s', b(50));
    expect(q.next()?.name).toBe('part-0.m4s');
    q.put('index.m3u8', b(5));
    expect(q.put('part-1.m4s', b(50))).toEqual(['part-1.m4s']); // the part in flight stays
    q.put('index.m3u8', b(6)); // the queued playlist is replaced; the one in flight would not be
    q.release(); // the send failed: it stays at the head
    q.requeueFirst('init-0.mp4', b(3));
    q.requeueFirst('index.m3u8', b(4)); // a newer one is queued: not again
    expect(names(q)).toEqual(['init-0.mp4', 'part-0.m4s', 'index.m3u8']);
  });
});
