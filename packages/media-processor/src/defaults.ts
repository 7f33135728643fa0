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
  /** Chromium kept ready with the composer page preloaded, for the next jobs (StandbyPool) */
  standbyBrowsers: number;
  /** ms after a job took a standby before the next one launches (off the job's start) */
  standbyRefillMs: number;
}

export interface MediaSettings {
  /** HLS segment target, s (= the recording's keyframe interval) */
  segmentSeconds: number;
  /** segments listed in the live playlist */
  windowSegments: number;
  /** MediaRecorder timeslice, ms */
  timesliceMs: number;
  /**
   * ffmpeg cuts its fragmented MP4 this often, s: each fragment is a Low-Latency HLS part
   * (PART-TARGET = this + one frame: parts overshoot by up to a frame); 0 = one fragment per
   * keyframe (no parts).
   */
  partSeconds: number;
  /** segment target of PlayerStreamers in `standard` latency mode, s (a multiple of segmentSeconds) */
  standardSegmentSeconds: number;
  frameRate: number;
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
  standbyBrowsers: 1,
  standbyRefillMs: 10_000,
};

export const mediaDefaults: MediaSettings = {
  // 1 s: a new stream's first segment is complete ~1 s after recording starts (2 s took
  // the start past its 2.5 s goal); the packager's TARGETDURATION is 2 (1.5 × target, rounded up)
  segmentSeconds: 1,
  windowSegments: 8,
  // a keyframe reaches ffmpeg at most this late; 50–100 ms kept LL-HLS parts flowing best (FACTS)
  timesliceMs: 50,
  partSeconds: 0.2,
  standardSegmentSeconds: 2,
  frameRate: 30,
  x264Preset: 'veryfast',
};
