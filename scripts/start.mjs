// `npm start`: set up what is missing, build, and run `onair serve` (extra args are passed on).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureChromium, ensureDependencies, root } from './setup.mjs';

ensureDependencies();
ensureChromium();
build();

const child = spawn(process.execPath, [join(root, 'apps/server/dist/cli.js'), 'serve', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
