import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, test } from 'vitest';
import { PlayerStreamerError } from '../errors.js';
import { HlsDirectory, initFileName, isGeneratedName, segmentFileName } from './files.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'onair-files-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generated names', () => {
  it('builds names from integers only', () => {
    expect(initFileName(0)).toBe('init-0.mp4');
    expect(segmentFileName(123)).toBe('seg-123.m4s');
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => segmentFileName(bad)).toThrow(PlayerStreamerError);
    }
  });

  test.each(['index.m3u8', 'init-0.mp4', 'init-12.mp4', 'seg-0.m4s', 'seg-99999.m4s', 'part-0.m4s', 'part-4711.m4s'])('%s is generated', (name) => {
    expect(isGeneratedName(name)).toBe(true);
  });

  test.each(['../index.m3u8', 'part-01.m4s', 'part.m4s', 'seg-01.m4s', 'seg--1.m4s', 'seg-1.m4s/..', 'init-1.mp4\0', '/etc/passwd', 'a/seg-1.m4s', 'INDEX.M3U8', ''])(
    '%j is refused',
    async (name) => {
      const dir = await HlsDirectory.open(root);
      expect(isGeneratedName(name)).toBe(false);
      expect(() => dir.pathOf(name)).toThrow(expect.objectContaining({ code: 'ERR_HLS_UNSAFE_PATH' }));
    },
  );
});

describe('HlsDirectory', () => {
  it('creates the directory and removes generated leftovers only', async () => {
    const dir = join(root, 'a', 'b');
    await HlsDirectory.open(dir);
    for (const name of ['index.m3u8', 'seg-3.m4s', 'init-1.mp4', '.seg-4.m4s.123.1.tmp', 'notes.txt', 'seg-x.m4s']) {
      await writeFile(join(dir, name), 'x');
    }
    await HlsDirectory.open(dir);
    expect((await readdir(dir)).sort()).toEqual(['notes.txt', 'seg-x.m4s']);
  });

  it('writes atomically (no temp file left) and removes idempotently', async () => {
    const dir = await HlsDirectory.open(root);
    await dir.writeAtomic('seg-1.m4s', [Buffer.from('ab'), Buffer.from('cd')]);
    await dir.writeAtomic('index.m3u8', '#EXTM3U\n');
    await dir.writeAtomic('index.m3u8', '#EXTM3U\n#2\n');
    expect(await readFile(join(root, 'seg-1.m4s'), 'utf8')).toBe('abcd');
    expect(await readFile(join(root, 'index.m3u8'), 'utf8')).toBe('#EXTM3U\n#2\n');
    expect((await readdir(root)).sort()).toEqual(['index.m3u8', 'seg-1.m4s']);
    await dir.remove('seg-1.m4s');
    await dir.remove('seg-1.m4s');
    expect(await readdir(root)).toEqual(['index.m3u8']);
  });

  it('reports write failures as ERR_HLS_IO and leaves no temp file', async () => {
    const dir = await HlsDirectory.open(join(root, 'gone'));
    await rm(join(root, 'gone'), { recursive: true });
    await writeFile(join(root, 'gone'), 'now a file');
    await expect(dir.writeAtomic('seg-1.m4s', [Buffer.from('x')])).rejects.toMatchObject({ code: 'ERR_HLS_IO' });
  });
});
