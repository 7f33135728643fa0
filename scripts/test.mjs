// `npm test`: set up what is missing, build, then run vitest. As root, the tests run in a
// fresh network namespace that has only loopback, so nothing they start can reach (or be
// reached on) the machine's other addresses.
import { build, ensureChromium, ensureDependencies, ensureRedis, root } from './setup.mjs';
import { inLoopbackNamespace } from './namespace.mjs';

ensureDependencies();
ensureChromium();
ensureRedis();
build();
process.exit(inLoopbackNamespace(['npx', 'vitest', 'run', ...process.argv.slice(2)], root));
