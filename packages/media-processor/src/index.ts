/** @onair/media-processor — the media job pipeline (source → sinks), its hosts and dispatchers (Node). */
export { JobHost, defaultMaxJobs, type JobHostOptions, type JobHostEvents } from './job-host.js';
export { MediaJob } from './media-job.js';
export type { IngestEndpoints, JobRunContext, MediaJobDeps, HostedJob } from './media-job-types.js';
export type { Sink, SinkInput, SinkContext, OpenOutput, OpenRecording } from './sinks/sink.js';
export { openHlsOutput, type HlsOutputOptions } from './sinks/hls-output.js';
export { openRecordingOutput, type RecordingOutputOptions } from './sinks/recording-output.js';
export { streamPackaging } from './sinks/stream-packaging.js';
export { LocalDispatcher } from './dispatch/local-dispatcher.js';
export { IngestListener } from './ingest-listener.js';
export { MediaProcessorError, type MediaProcessorErrorCode } from './errors.js';
export { jobTimingDefaults, mediaDefaults, type JobTimings, type MediaSettings } from './defaults.js';
export { FRAGMENT_AIM_SHORT_US, ffmpegArgs, videoBitrate } from './ffmpeg-args.js';
export { INGEST_PATH_PREFIX } from './ingest-server.js';
export { resolveChromePath, resolveFfmpegPath } from './binaries.js';
export { Chromium, CHROMIUM_ARGS, CHROMIUM_BASE_ARGS, COMPOSER_CHROMIUM_ARGS, type ChromiumOptions } from './chromium.js';
export {
  chooseSandbox,
  describeSandbox,
  NOBODY,
  probeSandboxHost,
  type ChromiumSandbox,
  type SandboxHost,
  type SandboxUser,
} from './chromium-sandbox.js';
export { PROFILE_PREFIX } from './composer-profiles.js';
export type { JobLogger } from './logger.js';
export { RecordingSink, type RecordingTap } from './recording-sink.js';
export {
  finalizeRecording,
  RecordingError,
  RECORDING_FILE,
  type FinalizedRecording,
  type RecordingErrorCode,
} from './recording-finalize.js';
export { StandbyPool, type Standby, type StandbyPoolOptions } from './standby-pool.js';
export type { JobDispatcher, JobHandle, WorkerInfo, JobOutcome, DispatchStats } from './dispatch/types.js';
export type { JobContext, RunningJob, RunJob } from './dispatch/types.js';
export { RedisDispatcher, type RedisDispatcherOptions } from './dispatch/redis-dispatcher.js';
export { MediaWorker, type MediaWorkerOptions } from './queue/media-worker.js';
export { queueDefaults, type QueueSettings, type QueueOptions } from './queue/settings.js';
export { hostRunJob } from './queue/host-runner.js';
export { openUploadedRecording, type UploadedRecordingOptions } from './sinks/uploaded-recording.js';
