// `npm run bench`: set up, build, then run the benchmarks under test/bench (vitest bench).
// As root they run in a private network namespace with only loopback, like the tests.
import { build, ensureChromium, ensureDependencies, root } from './setup.mjs';
import { inLoopbackNamespace } from './namespace.mjs';

ensureDependencies();
ensureChromium();
build();
process.exit(inLoopbackNamespace(['npx', 'vitest', 'bench', '--run', ...process.argv.slice(2)], root));
