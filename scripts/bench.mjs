// `npm run bench`: set up, build, then run the benchmarks under test/bench (vitest bench).
// As root they run in a private network namespace with only loopback, like the tests.
// Redis is set up like `npm test` does (installed when missing and running as root).
import { build, ensureChromium, ensureDependencies, ensureRedis, root } from './setup.mjs';
import { inLoopbackNamespace } from './namespace.mjs';

ensureDependencies();
ensureChromium();
ensureRedis(); // distributed.bench.ts runs a private redis-server
build();
process.exit(inLoopbackNamespace(['npx', 'vitest', 'bench', '--run', ...process.argv.slice(2)], root));
