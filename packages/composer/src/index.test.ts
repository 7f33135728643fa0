import { describe, expect, test } from 'vitest';

describe('@onair/composer entry', () => {
  test('imports in Node (no DOM at import time) and names the page directory', async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const entry = await import('./index.js');
    expect(entry.composerPageUrl.href).toMatch(/\/page\/$/);
    expect(typeof entry.computeLayout).toBe('function');
    expect(typeof entry.coverSourceRect).toBe('function');
    expect(typeof entry.selectTiles).toBe('function');
    expect(typeof entry.chooseRecorderFormat).toBe('function');
    expect(typeof entry.parseComposerConfig).toBe('function');
  });
});
