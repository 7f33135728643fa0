import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { holdUntil, type HoldOptions } from './hold.js';
import { PlaybackRefusal } from './refusal.js';
import { StreamWatch } from './stream-watch.js';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'onair-hold-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const newDir = async () => {
  const dir = join(root, `d${n++}`);
  await mkdir(dir);
  return dir;
};

/** As the packager writes: a temp file renamed over the name. */
async function replace(dir: string, name: string, data: string) {
  const temp = join(dir, `.${name}.${n++}.tmp`);
  await writeFile(temp, data);
  await rename(temp, join(dir, name));
}

const fileCheck = (path: string) => async () => (existsSync(path) ? (await readFile(path, 'utf8')) : undefined);

function options(watch: StreamWatch, dir: string, over: Partial<HoldOptions> = {}): HoldOptions {
  return { watch, dir, relevant: () => true, timeoutMs: 20_000, timeoutMessage: 'too late', signal: new AbortController().signal, ...over };
}

describe('holdUntil + StreamWatch', () => {
  test('is answered when the file is renamed into place, and releases its watch', async () => {
    const watch = new StreamWatch({ recheckMs: 60_000 }); // only the fs watch can wake it
    const dir = await newDir();
    const held = holdUntil(fileCheck(join(dir, 'index.m3u8')), options(watch, dir));
    expect(watch.size).toBe(1);
    let answered = false;
    void held.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    await replace(dir, 'index.m3u8', 'v2');
    expect(await held).toBe('v2');
    expect(watch.size).toBe(0);
    watch.close();
  });

  test('one watch per directory, shared by every waiter, closed when the last leaves', async () => {
    const watch = new StreamWatch();
    const [a, b] = [await newDir(), await newDir()];
    const gone = new AbortController();
    const holds = [
      holdUntil(fileCheck(join(a, 'part-1.m4s')), options(watch, a)),
      holdUntil(fileCheck(join(a, 'part-2.m4s')), options(watch, a)),
      holdUntil(fileCheck(join(a, 'index.m3u8')), options(watch, a, { signal: gone.signal })),
      holdUntil(fileCheck(join(b, 'part-1.m4s')), options(watch, b)),
    ];
    expect({ dirs: watch.size, listeners: watch.listeners }).toEqual({ dirs: 2, listeners: 4 });
    gone.abort(); // the client left
    expect(await holds[2]).toBeUndefined();
    expect({ dirs: watch.size, listeners: watch.listeners }).toEqual({ dirs: 2, listeners: 3 });
    await replace(a, 'part-1.m4s', 'p1');
    await replace(a, 'part-2.m4s', 'p2');
    expect(await holds[0]).toBe('p1');
    expect(await holds[1]).toBe('p2');
    expect(watch.size).toBe(1);
    await replace(b, 'part-1.m4s', 'b1');
    expect(await holds[3]).toBe('b1');
    expect(watch.size).toBe(0);
    watch.close();
  });

  test('the periodic re-check finds what the watch cannot see (a directory created later)', async () => {
    const watch = new StreamWatch({ recheckMs: 20 });
    const dir = join(root, `later-${n++}`);
    const held = holdUntil(fileCheck(join(dir, 'index.m3u8')), options(watch, dir));
    await mkdir(dir);
    await replace(dir, 'index.m3u8', 'late');
    expect(await held).toBe('late');
    expect(watch.size).toBe(0);
    watch.close();
  });

  test('the safety re-check wakes listeners only when the directory changed', async () => {
    const watch = new StreamWatch({ recheckMs: 10 });
    const dir = join(root, `unwatched-${n++}`); // no directory yet: no fs.watch, only the re-check
    const wakes: (string | undefined)[] = [];
    const unsubscribe = watch.subscribe(dir, { wake: (name) => wakes.push(name), closed: () => undefined });
    const until = async (count: number) => {
      while (wakes.length < count) await new Promise((r) => setTimeout(r, 5));
    };
    await until(1); // the first tick always wakes (nothing seen yet)
    await mkdir(dir);
    await until(2);
    const settled = wakes.length;
    await new Promise((r) => setTimeout(r, 100)); // ten ticks over an unchanged directory
    expect(wakes.length).toBe(settled);
    await writeFile(join(dir, 'part-1.m4s'), 'p');
    await until(settled + 1);
    expect(wakes.every((name) => name === undefined)).toBe(true);
    unsubscribe();
    watch.close();
  });

  test('the check refusing ends the hold with that refusal', async () => {
    const watch = new StreamWatch({ recheckMs: 20 });
    const dir = await newDir();
    let calls = 0;
    const held = holdUntil(async () => {
      calls += 1;
      if (calls === 2) throw PlaybackRefusal.badRequest('unreachable now');
      return undefined;
    }, options(watch, dir));
    const outcome = expect(held).rejects.toMatchObject({ status: 400, code: 20001 });
    await replace(dir, 'index.m3u8', 'a playlist that makes the request unreachable');
    await outcome;
    expect(watch.size).toBe(0);
    watch.close();
  });

  test('a timeout answers 503 (20503) and releases the watch', async () => {
    const watch = new StreamWatch();
    const dir = await newDir();
    const held = holdUntil(async () => undefined, options(watch, dir, { timeoutMs: 100, timeoutMessage: 'not within three target durations' }));
    await expect(held).rejects.toMatchObject({ status: 503, code: 20503, message: 'not within three target durations' });
    expect(watch.size).toBe(0);
    watch.close();
  });

  test('close() ends every held request with 503, and later holds at once', async () => {
    const watch = new StreamWatch();
    const dir = await newDir();
    const held = holdUntil(async () => undefined, options(watch, dir));
    watch.close();
    await expect(held).rejects.toBeInstanceOf(PlaybackRefusal);
    await expect(held).rejects.toMatchObject({ status: 503 });
    expect(watch.size).toBe(0);
    await expect(holdUntil(async () => undefined, options(watch, dir))).rejects.toMatchObject({ status: 503 });
  });

  test('an already aborted signal never subscribes', async () => {
    const watch = new StreamWatch();
    const gone = new AbortController();
    gone.abort();
    expect(await holdUntil(async () => 'x', options(watch, root, { signal: gone.signal }))).toBeUndefined();
    expect(watch.size).toBe(0);
    watch.close();
  });

  test('wake-ups for temp files and irrelevant names run no check', async () => {
    const watch = new StreamWatch({ recheckMs: 60_000 });
    const dir = await newDir();
    const seen: (string | undefined)[] = [];
    const unsubscribe = watch.subscribe(dir, { wake: (name) => seen.push(name), closed: () => undefined });
    await replace(dir, 'seg-1.m4s', 's');
    await replace(dir, 'index.m3u8', 'p');
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (seen.includes('index.m3u8')) resolve(clearInterval(t));
      }, 10);
    });
    expect(seen.some((name) => name?.startsWith('.'))).toBe(false);
    expect(seen).toContain('seg-1.m4s');
    unsubscribe();
    unsubscribe(); // idempotent
    expect(watch.size).toBe(0);
    watch.close();
  });
});
