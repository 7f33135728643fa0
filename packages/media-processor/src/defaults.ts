/** Every tunable of a composer job, with its default, in one place. */
export interface JobTimings {
  /** ms Chromium may take to start */
  launchTimeoutMs: number;
  /** ms from start (or a restart) until the page must have sent media; else error-loading-extension */
  mediaTimeoutMs: number;
  /** ms a page may stay without an ingest connection before Chromium is restarted */
  ingestReconnectMs: number;
  /** restarts (Chromium or ffmpeg) allowed within restartWindowMs before the job fails */
  maxRestarts: number;
  restartWindowMs: number;
  /** ms ffmpeg gets to flush after stdin closes, before SIGKILL */
  ffmpegStopMs: number;
}

export interface MediaSettings {
  /** HLS segment target, s (= the recording's keyframe interval) */
  segmentSeconds: number;
  /** segments listed in the live playlist */
  windowSegments: number;
  /** MediaRecorder timeslice, ms */
  timesliceMs: number;
  frameRate: number;
  audioKbps: number;
  /** libx264 preset when the recording must be re-encoded (VP8) */
  x264Preset: string;
}

export const jobTimingDefaults: JobTimings = {
  launchTimeoutMs: 20_000,
  mediaTimeoutMs: 20_000,
  ingestReconnectMs: 10_000,
  maxRestarts: 3,
  restartWindowMs: 5 * 60_000,
  ffmpegStopMs: 3_000,
};

export const mediaDefaults: MediaSettings = {
  segmentSeconds: 2,
  windowSegments: 6,
  timesliceMs: 250,
  frameRate: 30,
  audioKbps: 128,
  x264Preset: 'veryfast',
};
