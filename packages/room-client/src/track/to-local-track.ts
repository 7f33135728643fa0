import { LocalAudioTrack } from './local-audio-track.js';
import { LocalDataTrack } from './local-data-track.js';
import { LocalVideoTrack } from './local-video-track.js';
import type { LocalTrack } from './track-types.js';

/** Anything `publishTrack()` and `connect({tracks})` accept. */
export type PublishableTrack = LocalTrack | MediaStreamTrack;

export function isLocalTrack(value: unknown): value is LocalTrack {
  return (
    value instanceof LocalAudioTrack ||
    value instanceof LocalVideoTrack ||
    value instanceof LocalDataTrack
  );
}

/** Duck-typed so that tracks from another realm (an iframe) are accepted too. */
export function isMediaStreamTrack(value: unknown): value is MediaStreamTrack {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<MediaStreamTrack>;
  return (
    (candidate.kind === 'audio' || candidate.kind === 'video') &&
    typeof candidate.id === 'string' &&
    typeof candidate.getSettings === 'function' &&
    typeof candidate.stop === 'function'
  );
}

/** Wraps a MediaStreamTrack in a LocalAudioTrack / LocalVideoTrack; LocalTracks pass through. */
export function toLocalTrack(value: PublishableTrack, options: { name?: string } = {}): LocalTrack {
  if (isLocalTrack(value)) return value;
  if (isMediaStreamTrack(value)) {
    return value.kind === 'audio'
      ? new LocalAudioTrack(value, options)
      : new LocalVideoTrack(value, options);
  }
  throw new TypeError('expected a MediaStreamTrack, LocalAudioTrack, LocalVideoTrack or LocalDataTrack');
}
