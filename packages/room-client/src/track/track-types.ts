import type { LocalAudioTrack } from './local-audio-track.js';
import type { LocalDataTrack } from './local-data-track.js';
import type { LocalVideoTrack } from './local-video-track.js';
import type { RemoteAudioTrack } from './remote-audio-track.js';
import type { RemoteDataTrack } from './remote-data-track.js';
import type { RemoteVideoTrack } from './remote-video-track.js';

export type LocalTrack = LocalAudioTrack | LocalVideoTrack | LocalDataTrack;
export type LocalMediaTrackKind = LocalAudioTrack | LocalVideoTrack;
export type RemoteTrack = RemoteAudioTrack | RemoteVideoTrack | RemoteDataTrack;
