// A fake media job for the queue and worker tests: no Chromium, no ffmpeg, just the events a
// MediaJob emits, on a timer. Plain ESM (no TypeScript) so a worker child process can run it
// with node alone. What it does is chosen by the spec's `room`:
//   'ticks'           emits outputStarted for each output, then `outputStarted('tick-N')` every tickMs
//   'fail-after-MS'   emits failed('error-streaming-media', …) and closed after MS
//   'end-after-MS'    emits closed after MS (a job that ends on its own)
import { TypedEmitter } from '@onair/protocol';

/**
 * @param {{ tickMs?: number, onStop?: (sid: string, opts: { handover?: boolean } | undefined) => void }} [options]
 * @returns {import('@onair/media-processor').RunJob}
 */
export function fakeRunJob(options = {}) {
  const tickMs = options.tickMs ?? 100;
  return (spec, ctx) => {
    const events = new TypedEmitter();
    const timers = [];
    let closed = false;
    let tick = 0;
    const live = new Set(spec.outputs.map((o) => o.streamerSid));
    const close = () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      events.emit('closed');
    };
    const later = (ms, fn) => timers.push(setTimeout(fn, ms));
    later(20, () => {
      for (const o of spec.outputs) events.emit('outputStarted', o.streamerSid);
      events.emit('progress', { type: 'status', participants: 1, tiles: 1, fps: 30 });
    });
    const fail = /^fail-after-(\d+)$/.exec(spec.room);
    const end = /^end-after-(\d+)$/.exec(spec.room);
    if (fail) {
      later(Number(fail[1]), () => {
        events.emit('failed', 'error-streaming-media', `fake failure on ${ctx.workerId}`);
        close();
      });
    } else if (end) {
      later(Number(end[1]), close);
    } else {
      const beat = () => {
        tick += 1;
        events.emit('outputStarted', `tick-${tick}`);
        events.emit('progress', { type: 'status', participants: 1, tiles: 1, fps: tick });
        later(tickMs, beat);
      };
      later(tickMs, beat);
    }
    return {
      events,
      async stop(opts) {
        options.onStop?.(spec.processorSid, opts);
        await new Promise((r) => setTimeout(r, 20));
        close();
      },
      async endOutput(streamerSid) {
        live.delete(streamerSid);
        return live.size;
      },
      async endRecording(reason) {
        if (spec.recording) events.emit('recordingClosed', spec.recording.mediaRecordingSid, reason);
      },
      pids: () => [],
    };
  };
}
