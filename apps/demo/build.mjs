// Builds the demo pages into dist/: the speaker page's script bundled with esbuild (ESM,
// es2022, not minified, with a source map) and its HTML copied beside it. The server
// serves dist/ under /demo (`/demo/speaker` → speaker.html, `/demo/speaker.js`; `/demo/` → index.html).
// The room SDK is bundled on its own too (`/demo/room-client.js`, one ES module), so a
// page can `import { connect } from '/demo/room-client.js'` without a bundler.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');

const pages = ['speaker', 'index'];

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

try {
  await build({
    absWorkingDir: here,
    entryPoints: {
      ...Object.fromEntries(pages.map((p) => [p, join(src, `${p}.ts`)])),
      'room-client': fileURLToPath(import.meta.resolve('@onair/room-client')),
    },
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

await Promise.all(pages.map((p) => copyFile(join(src, `${p}.html`), join(dist, `${p}.html`))));
