// Runs a command inside a fresh network namespace that has only loopback (root + unshare),
// or directly when that is not possible. Returns the exit code.
import { spawnSync } from 'node:child_process';

export function inLoopbackNamespace(argv, cwd) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const can =
    isRoot &&
    spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status === 0 &&
    spawnSync('sh', ['-c', 'command -v ip'], { stdio: 'ignore' }).status === 0;
  if (!can) {
    process.stderr.write('[onair] running without a private network namespace (needs root, unshare and ip)\n');
    return spawnSync(argv[0], argv.slice(1), { cwd, stdio: 'inherit' }).status ?? 1;
  }
  const quoted = argv.map((a) => `'${String(a).replace(/'/g, `'\\''`)}'`).join(' ');
  return spawnSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec ${quoted}`], { cwd, stdio: 'inherit' }).status ?? 1;
}
