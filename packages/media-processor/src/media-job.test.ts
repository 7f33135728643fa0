/**
 * A composer navigation that fails (the server is not there) must not put the page's URL in
 * any log line, event or error: its fragment holds a hidden-capable access token and the
 * job's ingest secret. Real Chromium, sandboxed as the server runs it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { resolveChromePath } from './binaries.js';
import { chooseSandbox, probeSandboxHost } from './chromium-sandbox.js';
import { Chromium } from './chromium.js';
import { MediaJob } from './media-job.js';
import { jobTimingDefaults, mediaDefaults } from './defaults.js';
import { IngestServer } from './ingest-server.js';

const sandbox = chooseSandbox(true, probeSandboxHost());
/** a loopback port nothing listens on (one the kernel just gave out, closed again) */
let NOWHERE = '';
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  NOWHERE = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((r) => probe.close(r));
});

afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

test('openComposer: a failed navigation is ERR_PAGE_LOAD with the URL cut to its path', async () => {
  const chromium = await Chromium.launch({
    executablePath: resolveChromePath(),
    sandbox,
    label: 'ZXredact',
    launchTimeoutMs: 20_000,
    width: 320,
    height: 240,
    onPageLog: () => undefined,
  });
  cleanup.push(() => chromium.kill());
  const token = `eyJ${randomBytes(24).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  const url = `${NOWHERE}/composer/#${encodeURIComponent(JSON.stringify({ token, ingestSecret: secret }))}`;
  const err = (await chromium.openComposer(url, 10_000).then(() => undefined, (e: unknown) => e)) as Error & { code?: string; cause?: unknown };
  expect(err?.code).toBe('ERR_PAGE_LOAD');
  expect(err.message).toMatch(/ERR_CONNECTION_REFUSED/);
  expect(err.message).toContain(`${NOWHERE}/composer/`);
  for (const text of [err.message, String(err.stack), JSON.stringify(err.cause ?? null)]) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('#');
    expect(text).not.toContain('%7B');
  }
}, 40_000);

test('a composer job whose page does not load logs and reports why, without its token, secret or fragment', async () => {
  const ingest = new IngestServer({ helloTimeoutMs: 10_000, maxPayload: 1024 * 1024 });
  const tokens: string[] = [];
  const lines: string[] = [];
  const log = (level: string) => (obj: object, msg: string) => lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  const job = new MediaJob(
    {
      processorSid: 'ZXredactjob',
      room: 'r',
      identity: 'video-composer-v1',
      outputs: [],
      width: 320,
      height: 240,
      hideParticipantIdentities: false,
      backgroundColor: '#000000',
      audioKbps: 64,
      createdAt: Date.now(),
    },
    {
      chromePath: resolveChromePath(),
      sandbox,
      ffmpegPath: '/nonexistent/ffmpeg',
      ingest: { register: (id, secret, accept) => ({ url: 'ws://127.0.0.1:9' + ingest.register(id, secret, accept).path, unregister: () => undefined }) },
      pageBaseUrl: () => NOWHERE,
      videoCodec: 'h264',
      workerId: 'test',
      openOutput: () => Promise.reject(new Error('no outputs here')),
      openRecording: () => Promise.reject(new Error('no recording here')),
      mintToken: async () => {
        const token = `eyJ${randomBytes(24).toString('base64url')}`;
        tokens.push(token);
        return token;
      },
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      timings: { ...jobTimingDefaults, maxRestarts: 0 },
      media: mediaDefaults,
    },
  );
  cleanup.push(async () => {
    await job.stop();
    ingest.close();
  });
  const failed = new Promise<[string, string]>((resolve) => job.events.once('failed', (reason, message) => resolve([reason, message])));
  job.start();
  const [reason, message] = await failed;
  await job.stop();
  expect(reason).toBe('error-loading-extension');
  expect(message).toContain(`ERR_CONNECTION_REFUSED at ${NOWHERE}/composer/`);
  const secret = (job as unknown as { secret: string }).secret;
  expect(tokens.length).toBeGreaterThan(0);
  for (const text of [message, ...lines]) {
    for (const token of tokens) expect(text).not.toContain(token);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('%7B'); // the encoded config
    expect(text).not.toMatch(/composer\/#/);
  }
  expect(lines.some((l) => l.startsWith('error composer job failed') && l.includes('ERR_CONNECTION_REFUSED'))).toBe(true);
}, 60_000);
