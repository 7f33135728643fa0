import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingSink } from '../recording-sink.js';
import { afterEach, expect, test } from 'vitest';
import { StoppableRecording } from './stoppable-recording.js';

let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));

test('stop() closes the pieces being written with what they have; later writes and recordings are dropped', async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-stoppable-'));
  const recording = new StoppableRecording(await RecordingSink.open({ dir }));
  const piece = recording.input();
  piece.write(Buffer.from('kept'));
  await recording.stop();
  expect(recording.stopped).toBe(true);
  piece.write(Buffer.from('-dropped'));
  await piece.end(); // the job ends its input later: nothing more is written
  const after = recording.input();
  after.write(Buffer.from('dropped'));
  await after.end();
  expect(await readdir(dir)).toEqual(['piece-000001.mp4']);
  expect(await readFile(join(dir, 'piece-000001.mp4'), 'utf8')).toBe('kept');
});
