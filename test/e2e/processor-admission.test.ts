/**
 * Admission: a server runs at most ONAIR_MAX_PROCESSORS media processors at once; over the
 * limit, creating one answers 429 with Twilio code 20429, and a slot frees when one ends.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { api, startServer, type RunningServer } from './support/server.js';
import { twilioClient } from './support/twilio-client.js';

let server: RunningServer;
beforeAll(async () => {
  // with the standby Chromium the CLI keeps by default: it must not take a slot
  server = await startServer({ env: { ONAIR_MAX_PROCESSORS: '1', ONAIR_COMPOSER_STANDBY: '1' } });
});
afterAll(async () => {
  await server?.stop();
});

test('over ONAIR_MAX_PROCESSORS, a new MediaProcessor is refused with 429/20429 and nothing is stored', async () => {
  const client = twilioClient(server);
  const [a, b] = await Promise.all([client.media.v1.playerStreamer.create(), client.media.v1.playerStreamer.create()]);
  const context = (sid: string) => JSON.stringify({ room: { name: 'admission' }, outputs: [sid], resolution: '320x180' });
  const first = await client.media.v1.mediaProcessor.create({ extension: 'video-composer-v1', extensionContext: context(a.sid) });
  expect(first.status).toBe('started');

  const refused = await api(server, 'POST', '/v1/MediaProcessors', { Extension: 'video-composer-v1', ExtensionContext: context(b.sid) });
  expect(refused.status).toBe(429);
  expect(refused.json).toMatchObject({ code: 20429, status: 429, message: expect.stringMatching(/at most 1 media processor/) });
  await expect(
    client.media.v1.mediaProcessor.create({ extension: 'video-composer-v1', extensionContext: context(b.sid) }),
  ).rejects.toMatchObject({ status: 429, code: 20429 });
  const listed = await client.media.v1.mediaProcessor.list();
  expect(listed.map((p) => p.sid)).toEqual([first.sid]);
  expect((await client.media.v1.playerStreamer(b.sid).fetch()).status).toBe('created');

  // ending the first frees its slot
  await client.media.v1.mediaProcessor(first.sid).update({ status: 'ended' });
  const second = await client.media.v1.mediaProcessor.create({ extension: 'video-composer-v1', extensionContext: context(b.sid) });
  expect(second.status).toBe('started');
  await client.media.v1.mediaProcessor(second.sid).update({ status: 'ended' });
});
