// Builds the browser bundles after `tsc` has built dist/ (ESM + .d.ts, hls.js left as an
// import for the application's bundler):
//   dist/onair-player.mjs      ESM, hls.js (light) and the grant checks included — served at /sdk/player.mjs
//   dist/onair-player.iife.js  IIFE, `window.Onair.Player`, defines <onair-player> — served at /sdk/player.js
//   dist/pages/embed-player.{html,js}  the /embed/player page (its script served as /embed/player.js)
// All minified, es2020, with source maps. `src/size.test.ts` checks the IIFE stays ≤ 150 KB gzipped.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');

const common = {
  absWorkingDir: here,
  bundle: true,
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await mkdir(join(dist, 'pages'), { recursive: true });
try {
  await Promise.all([
    build({ ...common, entryPoints: [join(src, 'index.ts')], outfile: join(dist, 'onair-player.mjs'), format: 'esm' }),
    build({
      ...common,
      entryPoints: [join(src, 'bundle', 'iife.ts')],
      outfile: join(dist, 'onair-player.iife.js'),
      format: 'iife',
      globalName: 'Onair',
    }),
    build({ ...common, entryPoints: [join(src, 'embed', 'player.ts')], outfile: join(dist, 'pages', 'embed-player.js'), format: 'esm' }),
  ]);
} catch {
  // esbuild has already printed what went wrong
  process.exit(1);
}
await copyFile(join(src, 'embed', 'player.html'), join(dist, 'pages', 'embed-player.html'));
