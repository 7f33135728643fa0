import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Chromium } from './chromium.js';
import { StandbyPool, type StandbyPoolOptions } from './standby-pool.js';

/** A stand-in for Chromium: what the pool uses of it (preload, kill, onExit, pid). */
class FakeChromium {
  static next = 100;
  readonly pid = FakeChromium.next++;
  killed = false;
  preloaded: string | undefined;
  private exit: (() => void) | undefined;
  constructor(private readonly failPreload = false) {}
  async preload(url: string): Promise<void> {
    if (this.failPreload) throw new Error('page did not load');
    this.preloaded = url;
  }
  async kill(): Promise<void> {
    this.killed = true;
  }
  onExit(listener: () => void): void {
    this.exit = listener;
  }
  crash(): void {
    this.exit?.();
  }
}

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const flush = () => new Promise((r) => setImmediate(r));

function pool(over: Partial<StandbyPoolOptions> & { fail?: number } = {}) {
  const launched: FakeChromium[] = [];
  let ids = 0;
  let failures = over.fail ?? 0;
  const p = new StandbyPool({
    size: 1,
    newId: () => `ZX${++ids}`,
    launch: async () => {
      const c = new FakeChromium(failures-- > 0);
      launched.push(c);
      return c as unknown as Chromium;
    },
    pageUrl: () => 'http://127.0.0.1:1/composer/',
    loadTimeoutMs: 1_000,
    room: () => true,
    logger,
    ...over,
  });
  return { p, launched };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('StandbyPool', () => {
  test('keeps `size` standbys with the page preloaded; a taken one is handed over with its id and is not replaced until fill()', async () => {
    const { p, launched } = pool({ size: 2 });
    p.fill();
    p.fill(); // idempotent while full
    await flush();
    expect(launched).toHaveLength(2);
    expect(launched.every((c) => c.preloaded === 'http://127.0.0.1:1/composer/')).toBe(true);
    expect(p.pids).toEqual(launched.map((c) => c.pid));

    const taken = p.take()!;
    expect(taken.id).toBe('ZX1');
    expect(await taken.chromium).toBe(launched[0]);
    expect(p.size).toBe(1);
    await flush();
    expect(launched).toHaveLength(2);
    p.fill();
    await flush();
    expect(launched).toHaveLength(3);
    expect(p.take()!.id).toBe('ZX2');
    await p.close();
  });

  test('launches only while room() allows (the job manager keeps jobs + slots + standbys within its limit)', async () => {
    let room = false;
    const { p, launched } = pool({ room: () => room });
    p.fill();
    await flush();
    expect(launched).toHaveLength(0);
    expect(p.take()).toBeUndefined();
    room = true;
    p.fill();
    await flush();
    expect(launched).toHaveLength(1);
    await p.close();
  });

  test('a standby given back is kept while there is room, else killed', async () => {
    const { p, launched } = pool();
    p.fill();
    await flush();
    const taken = p.take()!;
    p.giveBack(taken);
    await flush();
    expect(p.size).toBe(1);
    expect(p.take()!.id).toBe(taken.id);
    p.fill();
    await flush();
    // full again: a second one given back is killed
    p.giveBack(taken);
    await flush();
    expect(p.size).toBe(1);
    expect(launched[0]!.killed).toBe(true);
    await p.close();
  });

  test('a standby that exits while idle is replaced; one that fails to load is killed and retried after a pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { p, launched } = pool({ fail: 1, retryInitialMs: 5_000 });
    p.fill();
    await flush();
    expect(launched).toHaveLength(1);
    expect(launched[0]!.killed).toBe(true);
    expect(p.size).toBe(0);
    vi.advanceTimersByTime(4_999);
    await flush();
    expect(launched).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await flush();
    expect(launched).toHaveLength(2);
    expect(p.size).toBe(1);

    launched[1]!.crash();
    await flush();
    expect(launched[1]!.killed).toBe(true);
    expect(launched).toHaveLength(3);
    expect(p.size).toBe(1);
    await p.close();
  });

  test('close() kills every standby and launches no more; size 0 launches none', async () => {
    const { p, launched } = pool();
    p.fill();
    await flush();
    await p.close();
    expect(launched[0]!.killed).toBe(true);
    expect(p.size).toBe(0);
    p.fill();
    await flush();
    expect(launched).toHaveLength(1);

    const none = pool({ size: 0 });
    none.p.fill();
    await flush();
    expect(none.launched).toHaveLength(0);
  });
});
