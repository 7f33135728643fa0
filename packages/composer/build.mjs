// Builds the composer page into dist/page/: src/page/main.ts bundled with esbuild (ESM,
// es2022, not minified, with a source map; @onair/room-client is bundled in) as
// composer.js, and composer.html copied beside it. The server serves dist/page/ under
// /composer/ (index composer.html). `tsc` has built dist/lib/ (the pure functions) before.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src', 'page');
const dist = join(here, 'dist', 'page');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

try {
  await build({
    absWorkingDir: here,
    entryPoints: { composer: join(src, 'main.ts') },
    outdir: dist,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: false,
    sourcemap: true,
    legalComments: 'inline',
    logLevel: 'warning',
  });
} catch {
  // esbuild has already printed what went wrong (e.g. @onair/room-client not built yet)
  process.exit(1);
}

await copyFile(join(src, 'composer.html'), join(dist, 'composer.html'));
