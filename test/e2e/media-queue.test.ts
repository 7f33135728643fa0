/**
 * Media jobs on Redis: RedisDispatcher (API side) and MediaWorker (worker side) against a
 * real redis-server and real BullMQ, with fake jobs (events on a timer, no Chromium). Workers
 * run in this process or as child processes that the tests SIGKILL, SIGSTOP and SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MediaProcessorError, MediaWorker, RedisDispatcher, type JobHandle } from '@onair/media-processor';
import type { MediaJobEvents, MediaJobSpec } from '@onair/protocol';
import { startRedis, type RedisServer } from './support/redis.js';
import { startWorkerChild, type WorkerChild } from './support/media-workers.js';
// @ts-expect-error plain ESM helper shared with the worker child process
import { fakeRunJob } from './support/fake-media-job.mjs';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const hex = (n: number) => randomBytes(n).toString('hex');
/** each test on its own keys: no test sees another's jobs, workers or event cursor */
const newPrefix = () => `t${hex(4)}`;

function spec(room = 'ticks'): MediaJobSpec {
  return {
    processorSid: `ZX${hex(16)}`,
    room,
    identity: 'video-composer-v1',
    width: 1280,
    height: 720,
    audioKbps: 128,
    hideParticipantIdentities: false,
    backgroundColor: '#000000',
    outputs: [{ streamerSid: `VJ${hex(16)}`, latencyMode: 'low' }],
    createdAt: Date.now(),
  };
}

type Logged = [keyof MediaJobEvents, ...unknown[]];
const NAMES: (keyof MediaJobEvents)[] = ['outputStarted', 'restarted', 'progress', 'failed', 'recordingClosed', 'assigned', 'closed'];
function record(handle: JobHandle, into: Logged[] = []): Logged[] {
  for (const name of NAMES) {
    (handle.events.on as (e: string, l: (...a: unknown[]) => void) => unknown)(name, (...args) => into.push([name, ...args]));
  }
  return into;
}
const ticks = (log: Logged[]) => log.filter(([n, a]) => n === 'outputStarted' && String(a).startsWith('tick-')).map(([, a]) => Number(String(a).slice(5)));
const assignedTo = (log: Logged[]) => log.filter(([n]) => n === 'assigned').map(([, w]) => String(w));

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function dispatcher(prefix: string): Promise<RedisDispatcher> {
  const d = await RedisDispatcher.open({ redisUrl: redis.url, prefix });
  cleanups.push(() => d.close());
  return d;
}
async function worker(prefix: string, workerId: string, capacity = 1): Promise<MediaWorker> {
  const w = await MediaWorker.start({ redisUrl: redis.url, prefix, workerId, capacity, runJob: fakeRunJob({ tickMs: 50 }) });
  cleanups.push(() => w.close());
  return w;
}
async function child(prefix: string, workerId: string, extra: { drainTimeoutMs?: number } = {}): Promise<WorkerChild> {
  const c = await startWorkerChild({ redisUrl: redis.url, prefix, workerId, capacity: 1, tickMs: 50, ...extra });
  cleanups.push(() => c.kill('SIGKILL'));
  return c;
}
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'admitted',
    (e: unknown) => (e instanceof MediaProcessorError ? e.code : `other: ${String(e)}`),
  );

describe('media jobs on Redis', () => {
  it('admits while a live worker has room and refuses with ERR_CAPACITY when none has', async () => {
    const prefix = newPrefix();
    const d = await dispatcher(prefix);
    expect(await refusal(d.admit(spec())), 'no worker at all').toBe('ERR_CAPACITY');

    await worker(prefix, 'wa');
    await worker(prefix, 'wb');
    const a = await d.admit(spec());
    const b = await d.admit(spec());
    const logA = record(a);
    const logB = record(b);
    await until('both jobs assigned', () => assignedTo(logA).length && assignedTo(logB).length);
    expect(new Set([...assignedTo(logA), ...assignedTo(logB)])).toEqual(new Set(['wa', 'wb']));
    expect(await refusal(d.admit(spec())), 'both workers full').toBe('ERR_CAPACITY');
    expect(await d.stats()).toMatchObject({ waiting: 0, active: 2 });

    await a.stop();
    await until('a free slot', async () => (await d.workers()).some((w) => w.running === 0));
    const c = await d.admit(spec());
    await until('the third job assigned', () => c.workerId);
    expect(c.workerId).toBe(a.workerId);
  });

  it('delivers the job events in order, progress included; stop closes the job once', async () => {
    const prefix = newPrefix();
    const d = await dispatcher(prefix);
    await worker(prefix, 'w1');
    const s = spec();
    const h = await d.admit(s);
    const log = record(h);
    await until('three ticks', () => ticks(log).length >= 3);
    expect(log[0]).toEqual(['assigned', 'w1']);
    expect(log.find(([n]) => n === 'outputStarted')).toEqual(['outputStarted', s.outputs[0]!.streamerSid]);
    expect(log.some(([n]) => n === 'progress')).toBe(true);
    expect(h.workerId).toBe('w1');
    expect(await h.endOutput(s.outputs[0]!.streamerSid)).toBe(0);

    await h.stop();
    expect(log.filter(([n]) => n === 'closed')).toHaveLength(1);
    expect(await d.outcome(s.processorSid)).toEqual({ state: 'completed' });
    expect(await d.attach(s.processorSid)).toBeUndefined();
    const seen = ticks(log);
    expect(seen).toEqual(seen.map((_, i) => i + 1)); // in order, none twice, none missing
  });

  it('reports a failed job: failed then closed, and outcome() says why', async () => {
    const prefix = newPrefix();
    const d = await dispatcher(prefix);
    await worker(prefix, 'w1');
    const s = spec('fail-after-200');
    const log = record(await d.admit(s));
    await until('closed', () => log.some(([n]) => n === 'closed'));
    expect(log.filter(([n]) => n === 'failed' || n === 'closed').map(([n, r]) => [n, r])).toEqual([
      ['failed', 'error-streaming-media'],
      ['closed', undefined],
    ]);
    await until('the failed state', async () => (await d.outcome(s.processorSid)).state === 'failed');
    expect(await d.outcome(s.processorSid)).toMatchObject({ state: 'failed', reason: 'error-streaming-media' });
  });

  it('stops a job that waits for a worker: removed from the queue, closed, never started again', async () => {
    const prefix = newPrefix();
    const d = await dispatcher(prefix);
    const w1 = await worker(prefix, 'w1');
    const s = spec();
    const h = await d.admit(s);
    const log = record(h);
    await until('running on w1', () => h.workerId === 'w1');
    await w1.drain(0); // hands the job back to the queue; no other worker is there to take it
    expect(await d.stats()).toMatchObject({ waiting: 1, active: 0 });
    expect(await d.attach(s.processorSid)).toBe(h);
    await h.stop();
    expect(log.filter(([n]) => n === 'closed')).toHaveLength(1);
    expect(await d.stats()).toMatchObject({ waiting: 0, active: 0 });
    const w2 = await worker(prefix, 'w2');
    await new Promise((r) => setTimeout(r, 300));
    expect(w2.running).toBe(0);
    expect(assignedTo(log)).toEqual(['w1']);
  });

  it('after an API restart, attach() resumes the events where the last dispatcher stopped: none lost, none twice', async () => {
    const prefix = newPrefix();
    await worker(prefix, 'w1');
    const s = spec();
    const d1 = await RedisDispatcher.open({ redisUrl: redis.url, prefix });
    const log1 = record(await d1.admit(s));
    await until('ticks before the restart', () => ticks(log1).length >= 5);
    await d1.close();
    const closedAt = ticks(log1).length;
    await new Promise((r) => setTimeout(r, 500)); // the API is down; the job goes on

    const d2 = await dispatcher(prefix);
    const h2 = await d2.attach(s.processorSid);
    expect(h2).toBeDefined();
    expect(h2!.workerId).toBe('w1');
    const log2 = record(h2!);
    await until('ticks after the restart', () => ticks(log2).length >= 15);
    const all = [...ticks(log1), ...ticks(log2)];
    console.log(`[media-queue] API restart: ${closedAt} ticks before, ${ticks(log2).length} after (first after: ${ticks(log2)[0]})`);
    expect(all).toEqual(all.map((_, i) => i + 1));
    expect(log2.filter(([n]) => n === 'assigned')).toEqual([]); // nothing replayed from before
    await h2!.stop();
    expect(log2.filter(([n]) => n === 'closed')).toHaveLength(1);
  });

  it('hands the job of a SIGKILLed worker to another one within the budget, counting a restart each time', async () => {
    const prefix = newPrefix();
    const d = await dispatcher(prefix);
    const workers = new Map<string, WorkerChild>();
    for (const id of ['k1', 'k2']) workers.set(id, await child(prefix, id));
    const s = spec();
    const h = await d.admit(s);
    const log = record(h);
    await until('assigned', () => h.workerId);
    const times: number[] = [];
    for (let round = 1; round <= 2; round++) {
      const victim = h.workerId!;
      await until('ticks on the victim', () => ticks(log).length >= 3);
      const before = assignedTo(log).length;
      const killedAt = Date.now();
      await workers.get(victim)!.kill('SIGKILL');
      await until('the hand-over', () => assignedTo(log).length > before, 15_000);
      const ms = Date.now() - killedAt;
      times.push(ms);
      expect(h.workerId).not.toBe(victim);
      // the dead worker comes back (as a new process) for the next round
      workers.set(victim, await child(prefix, `${victim}`));
    }
    console.log(`[media-queue] worker SIGKILL -> job assigned to another worker: ${times.map((t) => `${t} ms`).join(', ')} (budget 4000 ms + scheduling)`);
    for (const t of times) expect(t).toBeLessThan(5_500);
    const restarts = log.filter(([n]) => n === 'restarted');
    expect(restarts.map(([, cause, used, max]) => [cause, used, max])).toEqual([
      ['worker', 1, 3],
      ['worker', 2, 3],
    ]);
    expect(log.some(([n]) => n === 'closed' || n === 'failed')).toBe(false);
    expect((await d.stats()).handovers).toBe(2);
    await h.stop();
  }, 60_000);

  it('drain with a short timeout hands the job over at once, without waiting for the stall detection', async () => {
    const prefix = newPrefix();
    const d = await dispatcher(prefix);
    const a = await child(prefix, 'd1', { drainTimeoutMs: 300 });
    const s = spec();
    const h = await d.admit(s);
    const log = record(h);
    await until('running on d1', () => h.workerId === 'd1');
    const b = await child(prefix, 'd2');
    const termAt = Date.now();
    a.proc.kill('SIGTERM');
    await until('the hand-over', () => h.workerId === 'd2', 10_000);
    const ms = Date.now() - termAt;
    console.log(`[media-queue] worker SIGTERM (drain timeout 300 ms) -> job on the other worker: ${ms} ms`);
    expect(await a.exited).toBe(0);
    expect(a.facts).toContainEqual({ stop: s.processorSid, handover: true });
    expect(ms).toBeLessThan(1_500); // the stall detection alone would take >= 3 s
    expect(log.some(([n]) => n === 'closed')).toBe(false);
    expect(log.filter(([n]) => n === 'restarted').map(([, c, u]) => [c, u])).toEqual([['worker', 1]]);
    expect((await d.workers()).map((w) => w.id)).toEqual(['d2']);
    void b;
    await h.stop();
  }, 30_000);

  it('a worker that froze past its lock stops its copy of the job when it wakes up (no second run, no close)', async () => {
    const prefix = newPrefix();
    const d = await dispatcher(prefix);
    const a = await child(prefix, 'z1');
    const s = spec();
    const h = await d.admit(s);
    const log = record(h);
    await until('running on z1', () => h.workerId === 'z1');
    await child(prefix, 'z2');
    a.proc.kill('SIGSTOP');
    await until('the hand-over to z2', () => h.workerId === 'z2', 10_000);
    a.proc.kill('SIGCONT');
    await until('z1 stopped its copy', () => a.facts.some((f) => f.stop === s.processorSid), 5_000);
    expect(a.facts).toContainEqual({ stop: s.processorSid, handover: true });
    const afterWake = ticks(log).length;
    await until('z2 goes on', () => ticks(log).length >= afterWake + 5);
    expect(log.some(([n]) => n === 'closed' || n === 'failed')).toBe(false);
    expect(assignedTo(log)).toEqual(['z1', 'z2']);
    expect((await d.workers()).find((w) => w.id === 'z1')?.running).toBe(0);
    await h.stop();
  }, 30_000);

  it('does not count a worker whose heartbeat died', async () => {
    const prefix = newPrefix();
    const d = await dispatcher(prefix);
    const frozen = await child(prefix, 'f1');
    expect((await d.workers()).map((w) => w.id)).toEqual(['f1']);
    frozen.proc.kill('SIGSTOP'); // alive, but silent
    const stoppedAt = Date.now();
    await until('the heartbeat to expire', async () => (await d.workers()).length === 0, 6_000);
    console.log(`[media-queue] a frozen worker disappeared after ${Date.now() - stoppedAt} ms`);
    expect(await refusal(d.admit(spec()))).toBe('ERR_CAPACITY');
    frozen.proc.kill('SIGCONT');
    await until('the worker back', async () => (await d.workers()).length === 1, 6_000);
    expect(await refusal(d.admit(spec()))).toBe('admitted');
  }, 30_000);
});
