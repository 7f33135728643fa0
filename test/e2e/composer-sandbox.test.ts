/**
 * The composer's Chromium keeps its sandbox. A real composer job (MediaProcessor → HLS) is
 * checked in /proc while it streams: no `--no-sandbox`, never root (as root the server runs
 * Chromium as nobody:nogroup), and each renderer in a user and PID namespace of its own
 * (nested: its NSpid has more than one pid) under a seccomp-bpf filter (Seccomp: 2).
 *
 * ONAIR_CHROMIUM_NO_SANDBOX=1 turns the sandbox off, with a warning at start: the renderer
 * then shares the server's namespaces and has no seccomp filter.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { readPlaylist, streamDir } from './support/hls.js';
import { descendants, processesMatching, composerProcessesOf } from './support/processes.js';
import { confinement, namespacesOf, type Confinement } from './support/sandbox.js';
import { cliPath, endRunningProcessors, eventually, newDataDir, startServer, type RunningServer } from './support/server.js';
import { twilioClient } from './support/twilio-client.js';

const NOBODY = 65534;
const asRoot = process.geteuid?.() === 0;
const servers: RunningServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

/** The confinement of every process of the Chromium whose profile is named for `sid`. */
const chromiumOf = (sid: string): Confinement[] =>
  composerProcessesOf(sid)
    .map(confinement)
    .filter((c): c is Confinement => c !== undefined);

describe("the composer's Chromium", () => {
  test('streams from inside its sandbox: not root, renderers in their own user and PID namespaces, seccomp-bpf', async () => {
    const server = await startServer({ args: ['--log-level', 'info'] });
    servers.push(server);
    const client = twilioClient(server);
    const streamer = await client.media.v1.playerStreamer.create();
    const processor = await client.media.v1.mediaProcessor.create({
      extension: 'video-composer-v1',
      extensionContext: JSON.stringify({ room: { name: 'sandboxed' }, outputs: [streamer.sid], resolution: '640x360' }),
    });
    try {
      // the job works: its segments are listed
      const dir = streamDir(server.dataDir, streamer.sid);
      await eventually(async () => (readPlaylist(dir)?.segments.length ?? 0) >= 2, 30_000, 200);

      const procs = chromiumOf(processor.sid);
      // they are the server's children (not some other Chromium); Debian's crash handler
      // daemonizes (its parent is init), and runs as Chromium's user like the rest
      const tree = new Set(descendants(server.proc.pid!).map((p) => p.pid));
      expect(procs.length).toBeGreaterThan(2);
      expect(procs.filter((c) => c.kind !== 'crashpad' && !tree.has(c.pid))).toEqual([]);
      expect(procs.filter((c) => c.noSandboxFlag)).toEqual([]);
      // never root; as root, the server hands Chromium to nobody
      for (const c of procs) expect(c.uids).toEqual(asRoot ? [NOBODY, NOBODY, NOBODY, NOBODY] : Array(4).fill(process.geteuid!()));

      const server_ = namespacesOf(server.proc.pid!);
      const renderers = procs.filter((c) => c.kind === 'renderer');
      expect(renderers.length).toBeGreaterThan(0);
      for (const r of renderers) {
        expect(r.seccomp, `renderer ${r.pid} seccomp`).toBe(2);
        expect(r.ns.user, `renderer ${r.pid} user namespace`).not.toBe(server_.user);
        expect(r.ns.pid, `renderer ${r.pid} pid namespace`).not.toBe(server_.pid);
        expect(r.nsPids.length, `renderer ${r.pid} NSpid ${r.nsPids.join(' ')}`).toBeGreaterThan(1);
      }
      expect(server.stdout()).toMatch(/the composer's Chromium is sandboxed/);
    } finally {
      await endRunningProcessors(server);
    }
  }, 90_000);

  test('ONAIR_CHROMIUM_NO_SANDBOX=1 runs it with --no-sandbox, and says so at start', async () => {
    // the standby Chromium (composer page preloaded) shows how the server launches Chromium
    const server = await startServer({ env: { ONAIR_CHROMIUM_NO_SANDBOX: '1', ONAIR_COMPOSER_STANDBY: '1' } });
    servers.push(server);
    expect(server.stdout()).toMatch(/"level":40.*WITHOUT its sandbox \(ONAIR_CHROMIUM_NO_SANDBOX=1\)/);
    const renderers = await eventually(async () => {
      const procs = processesMatching('onair-composer-')
        .filter((p) => descendants(server.proc.pid!).some((d) => d.pid === p.pid))
        .map(confinement)
        .filter((c): c is Confinement => c !== undefined);
      const r = procs.filter((c) => c.kind === 'renderer');
      return r.length && procs.some((c) => c.kind === 'browser' && c.noSandboxFlag) ? r : undefined;
    }, 30_000, 200);
    const server_ = namespacesOf(server.proc.pid!);
    for (const r of renderers) {
      expect(r.seccomp).toBe(0);
      expect(r.ns.user).toBe(server_.user);
    }
  }, 60_000);
});

describe('ONAIR_CHROMIUM_NO_SANDBOX', () => {
  const serve = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [cliPath, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', newDataDir(), ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  test('is documented in onair serve --help', () => {
    const r = serve(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ONAIR_CHROMIUM_NO_SANDBOX=1 runs it with\s+--no-sandbox/);
  });

  test('takes 1 or 0 only: anything else stops the server at once (exit 2)', () => {
    const r = serve([], { ONAIR_CHROMIUM_NO_SANDBOX: 'yes' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("ONAIR_CHROMIUM_NO_SANDBOX must be 1 or 0 (got 'yes')");
  });
});
