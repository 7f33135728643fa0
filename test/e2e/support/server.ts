/** Starts the real `onair serve` (built CLI) as a child process on 127.0.0.1. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from './cli-process.js';

export { cliPath, repoRoot } from './cli-process.js';

export interface Credentials {
  accountSid: string;
  apiKeySid: string;
  apiSecret: string;
  authToken: string;
}

export interface RunningServer {
  url: string;
  dataDir: string;
  creds: Credentials;
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM and wait; resolves with the exit code */
  stop(): Promise<number | null>;
  /** SIGKILL and wait */
  kill(): Promise<void>;
}

export const newDataDir = () => mkdtempSync(join(tmpdir(), 'onair-test-'));

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
  /** the --host to pass (default 127.0.0.1); null passes none, so the server's own default applies */
  host?: string | null;
  /** a command the server runs under, the node command line appended (e.g. `unshare -m …` for a disk of its own) */
  wrapper?: string[];
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? newDataDir();
  // no standby Chromium unless a test asks for one (ONAIR_COMPOSER_STANDBY): most servers run no composer;
  // status callbacks may reach the tests' receivers on loopback unless a test says otherwise (ONAIR_CALLBACK_ALLOW)
  const env: Record<string, string | undefined> = { ...process.env, ONAIR_COMPOSER_STANDBY: '0', ONAIR_CALLBACK_ALLOW: '127.0.0.0/8', ...opts.env };
  for (const k of ['ONAIR_PORT', 'ONAIR_HOST', 'ONAIR_PUBLIC_URL', 'ONAIR_ACCOUNT_SID', 'ONAIR_API_KEY', 'ONAIR_API_SECRET', 'ONAIR_AUTH_TOKEN']) {
    if (!opts.env?.[k]) delete env[k];
  }
  const cli = await startCli({
    args: [
      'serve', '--port', '0',
      ...(opts.host === null ? [] : ['--host', opts.host ?? '127.0.0.1']),
      '--data-dir', dataDir, '--log-level', 'warn', ...(opts.args ?? []),
    ],
    env,
    ready: /onair is running at (http:\/\/\S+)/,
    what: 'server',
    ...(opts.wrapper ? { wrapper: opts.wrapper } : {}),
  });
  const url = cli.match[1]!;
  const creds = opts.env?.ONAIR_API_SECRET
    ? {
        accountSid: opts.env.ONAIR_ACCOUNT_SID!,
        apiKeySid: opts.env.ONAIR_API_KEY!,
        apiSecret: opts.env.ONAIR_API_SECRET,
        authToken: opts.env.ONAIR_AUTH_TOKEN!,
      }
    : (JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Credentials);
  return {
    url,
    dataDir,
    creds,
    proc: cli.proc,
    stdout: cli.stdout,
    stderr: cli.stderr,
    stop: () => cli.signal('SIGTERM'),
    async kill() {
      await cli.signal('SIGKILL');
    },
  };
}

/** Raw HTTP with Basic auth, for checking wire JSON exactly. */
export async function api(
  server: Pick<RunningServer, 'url' | 'creds'>,
  method: string,
  path: string,
  body?: Record<string, string | string[]> | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers; text: string }> {
  const auth = Buffer.from(`${server.creds.apiKeySid}:${server.creds.apiSecret}`).toString('base64');
  let payload: string | undefined;
  if (typeof body === 'string') payload = body;
  else if (body) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const item of [v].flat()) form.append(k, item);
    payload = form.toString();
  }
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Basic ${auth}`,
      ...(payload !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...headers,
    },
    body: payload,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers, text };
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Ends every running MediaProcessor: a failed test must not keep its job (and its slot) for the next. */
export async function endRunningProcessors(server: Pick<RunningServer, 'url' | 'creds'>): Promise<void> {
  const running = (await api(server, 'GET', '/v1/MediaProcessors?Status=started')).json.media_processors as { sid: string }[];
  await Promise.all(running.map((p) => api(server, 'POST', `/v1/MediaProcessors/${p.sid}`, { Status: 'ended' })));
}
