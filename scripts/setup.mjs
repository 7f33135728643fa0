// Shared setup for `npm start` and `npm test`: npm dependencies, Chromium, Redis (tests), and a build.
// Plain Node (no dependencies), so it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const say = (msg) => process.stderr.write(`[onair setup] ${msg}\n`);

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function mustRun(cmd, args, what) {
  const code = run(cmd, args);
  if (code !== 0) {
    say(`${what} failed (exit ${code}): ${cmd} ${args.join(' ')}`);
    process.exit(code);
  }
}

/** Installs npm dependencies when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs)) return;
  say('installing npm dependencies…');
  mustRun('npm', ['install', '--no-audit', '--no-fund'], 'npm install');
}

const CHROME_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export function findChromium() {
  if (process.env.CHROME_PATH) return existsSync(process.env.CHROME_PATH) ? process.env.CHROME_PATH : undefined;
  return CHROME_CANDIDATES.find((p) => existsSync(p));
}

/** Installs Debian's Chromium when it is missing and we are root; otherwise explains. */
export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (!isRoot || !hasApt) {
    say(
      'Chromium was not found. Media features (composer, end-to-end tests) need it.\n' +
        '  Install it with: sudo apt-get install -y chromium   (or set CHROME_PATH to a Chrome/Chromium binary)',
    );
    return undefined;
  }
  say('installing Chromium with apt-get (one time)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let code = run('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (code === 0) code = run('apt-get', ['install', '-y', '-qq', 'chromium'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const now = findChromium();
  if (code !== 0 || !now) {
    say(`apt-get could not install Chromium (exit ${code}). Install it by hand: apt-get install -y chromium`);
    return undefined;
  }
  say(`Chromium installed at ${now}`);
  return now;
}

const REDIS_CANDIDATES = ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server'];

/** The redis-server binary on PATH (or in the usual places), if any. */
export function findRedis() {
  const onPath = (process.env.PATH ?? '').split(':').filter(Boolean).map((d) => join(d, 'redis-server'));
  return [...onPath, ...REDIS_CANDIDATES].find((p) => existsSync(p));
}

/**
 * The tests start their own redis-server (no persistence, loopback only) for the queue and
 * worker tests. Installs Debian's redis-server when it is missing and we are root;
 * otherwise explains and exits: `npm test` cannot run those tests without it.
 */
export function ensureRedis() {
  const found = findRedis();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  const how = '  Install it with: sudo apt-get install -y redis-server';
  if (!isRoot || !hasApt) {
    say(`redis-server was not found. The tests of the job queue and the workers need it.\n${how}`);
    process.exit(1);
  }
  say('installing redis-server with apt-get (one time)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { env, stdio: ['ignore', 'ignore', 'inherit'] };
  let code = run('apt-get', ['update', '-qq'], quiet);
  if (code === 0) code = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], quiet);
  const now = findRedis();
  if (code !== 0 || !now) {
    say(`apt-get could not install redis-server (exit ${code}).\n${how}`);
    process.exit(1);
  }
  say(`redis-server installed at ${now}`);
  return now;
}

export function build() {
  say('building…');
  mustRun('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], 'build');
}

export const turboEnv = { TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', TURBO_NO_UPDATE_NOTIFIER: '1' };
Object.assign(process.env, turboEnv);
