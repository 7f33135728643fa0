import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, API_SECRET, startOriginHarness, type OriginHarness } from '../test-support/origin-harness.js';
import { uploadRecording } from './upload-recording.js';

const KV = `KV${'c'.repeat(32)}`;
let root: string;
let origin: OriginHarness;
let file: string;
const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'onair-upload-'));
  origin = await startOriginHarness(join(root, 'origin'));
  file = join(root, 'media.mp4');
  await writeFile(file, bytes);
});
afterAll(async () => {
  await origin.close();
  await rm(root, { recursive: true, force: true });
});

describe('uploadRecording', () => {
  it('streams the file into the origin data dir, waiting while the origin restarts', async () => {
    await origin.stop();
    setTimeout(() => void origin.start(), 700);
    await uploadRecording({ originUrl: origin.url, apiKeySid: API_KEY, apiSecret: API_SECRET, mediaRecordingSid: KV, name: 'media.mp4', path: file, deadlineMs: 10_000 });
    expect((await readFile(join(root, 'origin', 'recordings', KV, 'media.mp4'))).equals(bytes)).toBe(true);
  });

  it('fails with ERR_ORIGIN_REFUSED on wrong credentials', async () => {
    await expect(
      uploadRecording({ originUrl: origin.url, apiKeySid: API_KEY, apiSecret: 'wrong-secret-0123456789abcdefghij', mediaRecordingSid: KV, name: 'piece-000001.mp4', path: file }),
    ).rejects.toMatchObject({ code: 'ERR_ORIGIN_REFUSED' });
  });
});
