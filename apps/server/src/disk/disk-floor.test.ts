import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError } from '../services/api-error.js';
import { DiskFloor } from './disk-floor.js';

const MB = 1_000_000;
let floor: DiskFloor | undefined;
afterEach(() => floor?.close());

/** A floor over a disk whose free space the test sets (4 KiB blocks). */
function floorOver(minFreeBytes: number, free: { bytes: number }, checkIntervalMs = 10) {
  const registry = new Registry();
  floor = new DiskFloor({
    dir: '/data',
    minFreeBytes,
    registry,
    logger: pino({ level: 'silent' }),
    checkIntervalMs,
    statfs: async () => ({ bavail: BigInt(Math.floor(free.bytes / 4096)), bsize: 4096 }),
  });
  return { floor, registry };
}

const metric = async (registry: Registry, name: string) =>
  (await registry.getMetricsAsJSON()).find((m) => m.name === name)?.values ?? [];

describe('DiskFloor', () => {
  test('admits above the floor, refuses below it with 503 20503, and counts refusals', async () => {
    const free = { bytes: 2_000 * MB };
    const { floor, registry } = floorOver(1_000 * MB, free);
    await expect(floor.admit('media-processor')).resolves.toBeUndefined();
    free.bytes = 999 * MB;
    const refused = await floor.admit('media-processor').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).toJSON()).toMatchObject({ status: 503, code: 20503 });
    expect(await metric(registry, 'onair_disk_floor_refusals_total')).toEqual([{ value: 1, labels: { what: 'media-processor' } }]);
    expect((await metric(registry, 'onair_disk_free_bytes'))[0]?.value).toBe(Math.floor((999 * MB) / 4096) * 4096);
  });

  test('0 turns it off', async () => {
    const { floor } = floorOver(0, { bytes: 0 });
    await expect(floor.admit('media-processor')).resolves.toBeUndefined();
    expect(await floor.isLow()).toBe(false);
  });

  test('while recordings run, falling below the floor ends them once, and counts them', async () => {
    const free = { bytes: 2_000 * MB };
    const { floor, registry } = floorOver(1_000 * MB, free);
    let running = true;
    const ended: number[] = [];
    floor.watch(
      () => running,
      async () => {
        ended.push(Date.now());
        running = false; // they ended
        return 2;
      },
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toEqual([]);
    free.bytes = 500 * MB;
    await expect.poll(() => ended.length, { timeout: 2_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(ended.length).toBe(1);
    expect((await metric(registry, 'onair_disk_floor_recordings_ended_total'))[0]?.value).toBe(2);
  });
});
