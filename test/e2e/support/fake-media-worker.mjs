// A media worker process for the queue tests: a real MediaWorker (BullMQ on the tests' own
// redis-server) running fake jobs. Usage: node fake-media-worker.mjs '<json options>'
// Prints one JSON line per fact on stdout: {ready: workerId}, {stop: sid, handover}, {drained: true}.
// SIGTERM drains with `drainTimeoutMs`, then exits 0.
import { MediaWorker } from '@onair/media-processor';
import { fakeRunJob } from './fake-media-job.mjs';

const opts = JSON.parse(process.argv[2] ?? '{}');
const say = (fact) => process.stdout.write(`${JSON.stringify(fact)}\n`);
const worker = await MediaWorker.start({
  redisUrl: opts.redisUrl,
  prefix: opts.prefix,
  capacity: opts.capacity ?? 1,
  workerId: opts.workerId,
  runJob: fakeRunJob({ tickMs: opts.tickMs, onStop: (sid, o) => say({ stop: sid, handover: Boolean(o?.handover) }) }),
});
say({ ready: worker.id });
process.once('SIGTERM', () => {
  void worker.drain(opts.drainTimeoutMs ?? 60_000).then(() => {
    say({ drained: true });
    process.exit(0);
  });
});
