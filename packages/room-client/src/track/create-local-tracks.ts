import { LocalAudioTrack } from './local-audio-track.js';
import { LocalVideoTrack } from './local-video-track.js';

/** Constraints for one kind, plus twilio-video.js's optional track `name`. */
export type CreateLocalTrackOptions = MediaTrackConstraints & { name?: string };

export interface CreateLocalTracksOptions {
  /** default true */
  audio?: boolean | CreateLocalTrackOptions;
  /** default true */
  video?: boolean | CreateLocalTrackOptions;
}

/**
 * Asks for the camera and/or microphone (one getUserMedia prompt) and wraps the result.
 * getUserMedia's DOMExceptions (NotAllowedError, NotFoundError, …) are passed through.
 * The caller owns the returned tracks and stops them when done.
 */
export async function createLocalTracks(
  options: CreateLocalTracksOptions = {},
): Promise<Array<LocalAudioTrack | LocalVideoTrack>> {
  const audio = split(options.audio ?? true);
  const video = split(options.video ?? true);
  if (!audio.wanted && !video.wanted) return [];
  const mediaDevices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!mediaDevices?.getUserMedia) {
    throw new DOMException(
      'getUserMedia is not available (a secure context — https or localhost — is required)',
      'NotSupportedError',
    );
  }
  const stream = await mediaDevices.getUserMedia({
    audio: audio.wanted ? audio.constraints : false,
    video: video.wanted ? video.constraints : false,
  });
  return stream.getTracks().map((track) => {
    if (track.kind === 'audio') return new LocalAudioTrack(track, nameOption(audio.name));
    return new LocalVideoTrack(track, nameOption(video.name));
  });
}

function split(option: boolean | CreateLocalTrackOptions): {
  wanted: boolean;
  constraints: boolean | MediaTrackConstraints;
  name: string | undefined;
} {
  if (typeof option === 'boolean') return { wanted: option, constraints: option, name: undefined };
  const { name, ...constraints } = option;
  return { wanted: true, constraints: Object.keys(constraints).length > 0 ? constraints : true, name };
}

function nameOption(name: string | undefined): { name?: string } {
  return name === undefined ? {} : { name };
}
