/** The ComposerConfig a job gives its page (in the URL fragment), from the job's spec. */
import type { ComposerConfig, ComposerVideoCodec, MediaJobSpec } from '@onair/protocol';
import type { MediaSettings } from './defaults.js';
import { videoBitrate } from './ffmpeg-args.js';

export interface PageEndpoints {
  /** the page's access token (hidden-capable, for the spec's identity and room) */
  token: string;
  /** the server: signaling goes there */
  serverUrl: string;
  /** this worker's ingest endpoint for the job, and its secret */
  ingestUrl: string;
  ingestSecret: string;
}

export function composerPageConfig(
  spec: MediaJobSpec,
  page: PageEndpoints,
  media: MediaSettings,
  videoCodec: ComposerVideoCodec,
): ComposerConfig {
  return {
    ...page,
    room: spec.room,
    width: spec.width,
    height: spec.height,
    frameRate: media.frameRate,
    videoCodec,
    keyFrameIntervalMs: media.segmentSeconds * 1000,
    timesliceMs: media.timesliceMs,
    videoBitsPerSecond: videoBitrate(spec.width, spec.height, media.frameRate),
    audioBitsPerSecond: spec.audioKbps * 1000,
    hideParticipantIdentities: spec.hideParticipantIdentities,
    backgroundColor: spec.backgroundColor,
  };
}
