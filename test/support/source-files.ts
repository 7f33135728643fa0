/**
 * A package's own source files (`.ts`, tests excluded, sub-folders included), for the
 * packages' source-hygiene tests: `[path relative to src, text]`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `srcUrl`: the URL of the package's `src/` folder, e.g. `new URL('.', import.meta.url)` from a test in it. */
export function sourceFiles(srcUrl: URL): (readonly [string, string])[] {
  const src = fileURLToPath(srcUrl);
  return walk(src).map((path) => [relative(src, path), readFileSync(path, 'utf8')] as const);
}
