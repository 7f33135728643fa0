import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StreamFileCache } from './file-cache.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-file-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** As the packager writes: a temp file renamed over the name. */
async function replace(name: string, data: string) {
  const temp = join(dir, `.${name}.tmp`);
  await writeFile(temp, data);
  await rename(temp, join(dir, name));
}

describe('StreamFileCache', () => {
  test('serves a file replaced by rename with the same size as the new content, never the old', async () => {
    const cache = new StreamFileCache();
    const path = join(dir, 'index.m3u8');
    for (let i = 0; i < 50; i++) {
      const content = `#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:${i % 10}\n`; // same length every time
      await replace('index.m3u8', content);
      expect((await cache.read(path)).toString()).toBe(content);
      expect((await cache.read(path)).toString()).toBe(content);
    }
  });

  test('a deleted file rejects with ENOENT and leaves the cache', async () => {
    const cache = new StreamFileCache();
    const path = join(dir, 'seg-1.m4s');
    await replace('seg-1.m4s', 'x'.repeat(100));
    await cache.read(path);
    expect(cache.bytes).toBe(100);
    await rm(path);
    await expect(cache.read(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(cache.bytes).toBe(0);
  });

  test('concurrent misses read the file once and all get it', async () => {
    const cache = new StreamFileCache();
    await replace('seg-2.m4s', 'y'.repeat(1000));
    const all = await Promise.all(Array.from({ length: 50 }, () => cache.read(join(dir, 'seg-2.m4s'))));
    expect(new Set(all.map((b) => b.toString())).size).toBe(1);
    expect(new Set(all).size).toBe(1); // one Buffer shared
  });

  test('keeps at most maxBytes, dropping the least recently used; bigger files are not kept', async () => {
    const cache = new StreamFileCache({ maxBytes: 250, maxEntryBytes: 200 });
    for (const n of [3, 4, 5]) await replace(`seg-${n}.m4s`, String(n).repeat(100));
    await cache.read(join(dir, 'seg-3.m4s'));
    await cache.read(join(dir, 'seg-4.m4s'));
    await cache.read(join(dir, 'seg-3.m4s')); // 3 is now the most recent
    await cache.read(join(dir, 'seg-5.m4s')); // evicts 4
    expect(cache.bytes).toBe(200);
    await replace('seg-6.m4s', 'z'.repeat(220));
    expect((await cache.read(join(dir, 'seg-6.m4s'))).length).toBe(220);
    expect(cache.bytes).toBe(200);
  });
});

describe('StreamFileCache with maxAgeMs', () => {
  test('trusts a checked entry for maxAgeMs, then sees the new file', async () => {
    const cache = new StreamFileCache();
    const path = join(dir, 'seg-9.m4s');
    await replace('seg-9.m4s', 'old!');
    expect((await cache.read(path, 200)).toString()).toBe('old!');
    await replace('seg-9.m4s', 'new!');
    expect((await cache.read(path, 60_000)).toString()).toBe('old!'); // trusted without a stat
    expect((await cache.read(path, 0)).toString()).toBe('new!');
  });
});
