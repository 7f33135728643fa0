/**
 * What ended the process before issue 14, reproduced against a real `onair serve`:
 * - a WebSocket upgrade to `/internal/ingest/%E0%A4%A` (decodeURIComponent threw a URIError
 *   inside the HTTP `upgrade` listener, and Node exited);
 * - a CONNECT request (no `connect` listener: Node dropped the socket without an answer);
 * and the last resort: an exception nothing caught and a rejection nothing handled, injected
 * into the real server process, are logged and the server keeps serving.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { rawHttp } from './support/raw-answer.js';
import { ingestBaseUrl } from './support/processes.js';
import { eventually, newDataDir, startServer, type RunningServer } from './support/server.js';

let server: RunningServer | undefined;
afterEach(async () => {
  if (server) expect(await server.stop()).toBe(0);
  server = undefined;
});

const UPGRADE = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };

test('the URIError crash: an upgrade to /internal/ingest/%E0%A4%A is answered 400 (on the ingest listener; 404 on the API\'s) and the server lives', async () => {
  server = await startServer();
  // the API's listener has no ingest path any more
  const onApi = await rawHttp(server.url, { method: 'GET', target: '/internal/ingest/%E0%A4%A', headers: UPGRADE });
  expect(onApi.answer!.status).toBe(404);
  // the embedded worker's ingest listener decodes the path
  const result = await rawHttp(ingestBaseUrl(server), { method: 'GET', target: '/internal/ingest/%E0%A4%A', headers: UPGRADE });
  expect(result.dropped).toBeUndefined();
  expect(result.answer!.status).toBe(400);
  expect(result.answer!.json).toMatchObject({ code: 20001, status: 400, more_info: 'https://www.twilio.com/docs/errors/20001' });
  expect(result.answer!.headers.connection).toBe('close');
  // still the same process, still serving
  await new Promise((r) => setTimeout(r, 200));
  expect(server.proc.exitCode).toBeNull();
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  expect(server.stderr()).not.toContain('URIError');
});

test('CONNECT is answered 405 JSON, not dropped', async () => {
  server = await startServer();
  const result = await rawHttp(server.url, { method: 'CONNECT', target: 'example.com:443' });
  expect(result.dropped).toBeUndefined();
  expect(result.answer!.status).toBe(405);
  expect(result.answer!.json).toMatchObject({ code: 20004, status: 405 });
});

test('an uncaught exception and an unhandled rejection are logged, and the server keeps serving', async () => {
  // injected into the real server process: on SIGUSR2, throw from a timer and reject a promise nobody awaits
  const fault = join(newDataDir(), 'fault.mjs');
  writeFileSync(
    fault,
    `process.on('SIGUSR2', () => {
      setImmediate(() => { throw new Error('injected fault'); });
      void Promise.reject(new Error('injected rejection'));
    });\n`,
  );
  server = await startServer({ env: { NODE_OPTIONS: `--import=${pathToFileURL(fault).href}` } });
  server.proc.kill('SIGUSR2');
  const logs = await eventually(async () => {
    const out = server!.stdout();
    return out.includes('injected fault') && out.includes('injected rejection') ? out : undefined;
  });
  const lines = logs
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message?: string } });
  expect(lines).toContainEqual(expect.objectContaining({ level: 50, msg: 'uncaught exception; the server keeps serving', err: expect.objectContaining({ message: 'injected fault' }) }));
  expect(lines).toContainEqual(
    expect.objectContaining({ level: 50, msg: 'unhandled promise rejection; the server keeps serving', err: expect.objectContaining({ message: 'injected rejection' }) }),
  );
  await new Promise((r) => setTimeout(r, 200));
  expect(server.proc.exitCode).toBeNull();
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});
