/** The `onair` CLI: credentials, flags vs env, help and errors, graceful stop. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { api, cliPath, newDataDir, repoRoot, startServer } from './support/server.js';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });

describe('onair serve', () => {
  test('first start generates credentials (0600) and prints them with the URL; later starts reuse them', async () => {
    const dataDir = newDataDir();
    const server = await startServer({ dataDir });
    const file = join(dataDir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(readFileSync(file, 'utf8'));
    expect(creds.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(creds.apiKeySid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(creds.apiSecret.length).toBeGreaterThanOrEqual(32);
    expect(creds.authToken).toMatch(/^[0-9a-f]{32}$/);
    const out = server.stdout();
    expect(out).toContain(`onair is running at ${server.url}`);
    expect(out).toContain('Generated credentials');
    for (const v of Object.values(creds) as string[]) expect(out).toContain(v);
    // logs (JSON lines) never carry the secrets
    const logLines = out.split('\n').filter((l) => l.startsWith('{'));
    for (const line of logLines) {
      expect(line).not.toContain(creds.apiSecret);
      expect(line).not.toContain(creds.authToken);
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.stop()).toBe(0);

    const again = await startServer({ dataDir });
    expect(again.creds).toEqual(creds);
    expect(again.stdout()).not.toContain('Generated credentials');
    // later starts say where the secrets are kept, without printing them
    expect(again.stdout()).toContain(`Credentials are kept in ${file}`);
    expect(again.stdout()).not.toContain(creds.apiSecret);
    expect(again.stdout()).not.toContain(creds.authToken);
    expect(await again.stop()).toBe(0);
  });

  test('a secret set in env is not printed on the start that generates the others', async () => {
    const env = { ONAIR_API_SECRET: 'env-secret-' + 'z'.repeat(20) };
    const server = await startServer({ env });
    const out = server.stdout();
    expect(out).toContain('Generated credentials');
    expect(out).not.toContain(env.ONAIR_API_SECRET);
    const stored = JSON.parse(readFileSync(join(server.dataDir, 'credentials.json'), 'utf8'));
    expect(out).toContain(`ONAIR_AUTH_TOKEN=${stored.authToken}`);
    expect(await server.stop()).toBe(0);
  });

  test('credentials from env are used, not generated, and secrets from env are not printed', async () => {
    const env = {
      ONAIR_ACCOUNT_SID: 'AC' + '1'.repeat(32),
      ONAIR_API_KEY: 'SK' + '2'.repeat(32),
      ONAIR_API_SECRET: 'env-secret-' + 'x'.repeat(20),
      ONAIR_AUTH_TOKEN: 'env-token-' + 'y'.repeat(22),
    };
    const server = await startServer({ env });
    const res = await api(server, 'POST', '/v1/Rooms', {});
    expect(res.status).toBe(201);
    expect(res.json.account_sid).toBe(env.ONAIR_ACCOUNT_SID);
    expect(server.stdout()).not.toContain(env.ONAIR_API_SECRET);
    expect(server.stdout()).not.toContain(env.ONAIR_AUTH_TOKEN);
    expect(() => statSync(join(server.dataDir, 'credentials.json'))).toThrow();
    expect(await server.stop()).toBe(0);
  });

  test('a flag wins over env; ONAIR_PUBLIC_URL sets resource URLs', async () => {
    const server = await startServer({
      env: { ONAIR_PORT: '1', ONAIR_PUBLIC_URL: 'https://live.example.com/' },
      args: ['--port', '0'],
    });
    const res = await api(server, 'POST', '/v1/PlayerStreamers', {});
    expect(new URL(server.url).port).not.toBe('1');
    expect(server.stdout()).toContain('Public URL https://live.example.com');
    expect(res.status).toBe(201);
    expect(res.json.url).toBe(`https://live.example.com/v1/PlayerStreamers/${res.json.sid}`);
    expect(await server.stop()).toBe(0);
  }, 30_000);

  test.each([
    [['serve', '--port', 'eighty'], /--port must be a port number/],
    [['serve', '--bogus'], /Unknown option '--bogus'/],
    [['serve', '--public-url', 'not a url'], /--public-url must be an absolute URL/],
    [['serve', '--log-level', 'loud'], /log level must be one of/],
    [['launch'], /unknown command 'launch'/],
  ])('%j exits 2 with a clear message', (args, message) => {
    const r = run(args, { ONAIR_DATA_DIR: newDataDir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('bad credentials in env are refused with a clear message', () => {
    const r = run(['serve', '--data-dir', newDataDir()], {
      ONAIR_ACCOUNT_SID: 'ACnope',
      ONAIR_API_KEY: 'SK' + '2'.repeat(32),
      ONAIR_API_SECRET: 'x'.repeat(20),
      ONAIR_AUTH_TOKEN: 'y'.repeat(20),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/accountSid must be AC followed by 32 hex characters/);
  });

  test('`npx onair` runs from the repository root (the bin npm links at install time)', () => {
    const r = spawnSync('npx', ['--no-install', 'onair', 'serve', '--help'], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: onair serve [options]');
  });

  test('--help prints the options', () => {
    const r = run(['serve', '--help']);
    expect(r.status).toBe(0);
    for (const flag of ['--port', '--host', '--data-dir', '--public-url', 'ONAIR_API_KEY', 'CHROME_PATH', 'FFMPEG_PATH']) {
      expect(r.stdout).toContain(flag);
    }
  });

  test('a taken port is reported, not a stack trace', async () => {
    const server = await startServer();
    const port = new URL(server.url).port;
    const r = run(['serve', '--host', '127.0.0.1', '--port', port, '--data-dir', newDataDir()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot listen: .*EADDRINUSE/);
    expect(await server.stop()).toBe(0);
  });

  test.each(['SIGINT', 'SIGTERM'] as const)('%s stops gracefully: exit 0, store closed and checkpointed', async (signal) => {
    const server = await startServer();
    expect((await api(server, 'POST', '/v1/Rooms', {})).status).toBe(201);
    const wal = join(server.dataDir, 'onair.sqlite-wal');
    expect(existsSync(wal)).toBe(true);
    server.proc.kill(signal);
    expect(await server.stop()).toBe(0);
    // better-sqlite3 checkpoints and removes the WAL only when the database is closed cleanly
    expect(existsSync(wal)).toBe(false);
  });
});
