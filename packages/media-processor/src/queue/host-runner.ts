/**
 * How a MediaWorker runs its jobs on a JobHost (the real pipeline: composer page, ffmpeg,
 * sinks). A hand-over resumes the job's sinks after the worker before it; the restarts it
 * spent so far seed the job's budget (the worker's run has counted the hand-over itself).
 */
import type { RunJob } from '../dispatch/types.js';
import type { JobHost } from '../job-host.js';

export function hostRunJob(host: JobHost): RunJob {
  return (spec, ctx) => {
    const job = host.run(spec, { previousRestarts: ctx.previousRestarts, resume: ctx.handover });
    return {
      events: job.events,
      stop: (opts) => job.stop(opts),
      endOutput: (streamerSid) => job.endOutput(streamerSid),
      endRecording: (reason) => job.endRecording(reason),
      pids: () => [job.pids.chromium, job.pids.ffmpeg].filter((p): p is number => p !== undefined),
    };
  };
}
