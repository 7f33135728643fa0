// `npm test`: set up what is missing, build, then run vitest. As root, the tests run in a
// fresh network namespace that has only loopback, so nothing they start can reach (or be
// reached on) the machine's other addresses.
import { spawnSync } from 'node:child_process';
import { build, ensureChromium, ensureDependencies, root } from './setup.mjs';

ensureDependencies();
ensureChromium();
build();

const vitest = ['npx', 'vitest', 'run', ...process.argv.slice(2)];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const canUnshare =
  isRoot && spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('sh', ['-c', 'command -v ip'], { stdio: 'ignore' }).status === 0;

const quoted = vitest.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
const r = canUnshare
  ? spawnSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec ${quoted}`], { cwd: root, stdio: 'inherit' })
  : spawnSync(vitest[0], vitest.slice(1), { cwd: root, stdio: 'inherit' });
if (!canUnshare) process.stderr.write('[onair test] ran without a private network namespace (needs root + unshare)\n');
process.exit(r.status ?? 1);
