#!/usr/bin/env node
// The `onair` command. It exists before the first build, so npm can link it at install time.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('onair: the server is not built yet; run `npm run build` (or `npm start`) in the repository first\n');
  process.exit(1);
}
await import(cli.href);
