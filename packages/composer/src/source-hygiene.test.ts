/**
 * House rules for this package's sources: browser code only (no Node), the pure functions
 * (everything outside page/) free of the DOM and of the room SDK so Node can import them,
 * one concept per file, explicit exports.
 */
import { describe, expect, test } from 'vitest';
import { sourceFiles } from '../../../test/support/source-files.js';

const sources = sourceFiles(new URL('.', import.meta.url));
const pure = sources.filter(([file]) => !file.startsWith('page/'));
const page = sources.filter(([file]) => file.startsWith('page/'));

/** The code without its comments (which may well mention `location.hash`). */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
const specifiers = (text: string) => [...text.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);

describe('composer sources', () => {
  test('there are both kinds', () => {
    expect(pure.length).toBeGreaterThan(5);
    expect(page.length).toBeGreaterThan(5);
  });

  test.each(pure)('%s (pure) imports only @onair/protocol and local pure modules, and touches no DOM', (_file, text) => {
    for (const s of specifiers(text)) expect(s).toMatch(/^(@onair\/protocol|(\.\.?\/)+(?!page\/)[a-z0-9/-]+\.js)$/);
    expect(code(text)).not.toMatch(/\b(document|window|navigator|location|HTMLElement|MediaRecorder|AudioContext)\b\./);
  });

  test.each(page)('%s (page) imports only @onair/protocol, @onair/room-client and local modules', (_file, text) => {
    for (const s of specifiers(text)) expect(s).toMatch(/^(@onair\/protocol|@onair\/room-client|(\.\.?\/)+[a-z0-9/-]+\.js)$/);
  });

  test.each(sources)('%s uses no Node APIs', (_file, text) => {
    expect(text).not.toMatch(/\brequire\(|\bBuffer\b|\bprocess\.|['"]node:/);
  });

  test.each(sources)('%s stays under 400 lines', (_file, text) => {
    expect(text.split('\n').length).toBeLessThan(400);
  });

  test('index.ts uses explicit named exports only, none from page/', () => {
    const index = sources.find(([file]) => file === 'index.ts')?.[1] ?? '';
    expect(index).not.toMatch(/export\s+\*/);
    expect(index).not.toMatch(/from '\.\/page\//);
  });

  test.each(sources)('%s never logs with console.log', (_file, text) => {
    expect(text).not.toMatch(/console\.log\(/);
  });
});
