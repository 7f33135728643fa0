/**
 * The operator commands against a server that answers garbage: HTML, text, a truncated body,
 * a reset connection, JSON of the wrong shape. Each ends with `onair: <message>` and exit 1,
 * never a stack trace, never exit 0 with nothing printed.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cliPath } from './support/server.js';

type Mode = (req: IncomingMessage, res: ServerResponse) => void;
const json = (status: number, body: string): Mode => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
};

const MODES: Record<string, Mode> = {
  html: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><html><body>a web server, not onair</body></html>');
  },
  'html error': (_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body>Bad Gateway</body></html>');
  },
  text: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('not json at all');
  },
  truncated: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
    res.write('{"sid":"RM');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  reset: (req) => req.socket.resetAndDestroy(),
  'a JSON array': json(200, '[1,2,3]'),
  'a JSON object that is no resource': json(200, '{"hello":"world"}'),
  'a list with null records': json(200, '{"meta":{"key":"rooms"},"rooms":[null,"x",1]}'),
  'a list with a broken next page URL': json(200, '{"meta":{"key":"rooms","next_page_url":"::::"},"rooms":[]}'),
  'an error with a non-string message': json(400, '{"code":"x","message":{"a":1}}'),
};

const VJ = `VJ${'0'.repeat(32)}`;
/** a record, a paged list, and a command made of several requests */
const COMMANDS = [
  ['rooms', 'create', 'standup'],
  ['rooms', 'list'],
  ['streams', 'stop', VJ],
];

let server: Server;
let url: string;

beforeAll(async () => {
  // the mode is the URL's first path segment (ONAIR_URL=<server>/<mode>)
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').split('/')[1] ?? '');
    (MODES[name] ?? MODES.html!)(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function onair(mode: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '',
    ONAIR_URL: `${url}/${encodeURIComponent(mode)}`,
    ONAIR_ACCOUNT_SID: `AC${'b'.repeat(32)}`,
    ONAIR_API_KEY: `SK${'a'.repeat(32)}`,
    ONAIR_API_SECRET: 'the-api-secret-of-this-test',
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

describe.each(Object.keys(MODES))('a server answering %s', (name) => {
  test.each(COMMANDS.map((c) => [c.join(' '), c] as const))('onair %s: one `onair:` message, exit 1', async (_label, command) => {
    const run = await onair(name, [...command]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^onair: \S/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stderr).not.toMatch(/TypeError|Cannot read properties|Invalid URL|undefined is undefined/);
    expect(run.stderr).not.toContain('the-api-secret-of-this-test');
  }, 90_000);
});

test('a truncated answer is said to be broken off, not that the server is unreachable', async () => {
  const run = await onair('truncated', ['rooms', 'list']);
  expect(run.stderr).toMatch(/^onair: the onair server at http:\/\/127\.0\.0\.1:\d+\/truncated broke off its answer to GET \/v1\/Rooms/);
});

test('an answer that is JSON but no resource names the server as the likely cause', async () => {
  const run = await onair('a JSON array', ['rooms', 'create', 'standup']);
  expect(run.stderr).toContain('did not answer an onair resource; is http://127.0.0.1:');
});
