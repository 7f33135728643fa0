import type { ParticipantInfo, TrackInfo } from '@onair/protocol';
import type { RemoteParticipantEventCallbacks } from '../events/participant-event.js';
import { ParticipantEvent } from '../events/participant-event.js';
import { TrackEvent } from '../events/track-event.js';
import { TypedEmitter } from '@onair/protocol';
import { log } from '../logger.js';
import { RemoteTrackPublication } from '../publication/remote-track-publication.js';
import { DataChannelInbox } from '../track/data-channel-inbox.js';
import { RemoteAudioTrack } from '../track/remote-audio-track.js';
import { RemoteDataTrack } from '../track/remote-data-track.js';
import { RemoteVideoTrack } from '../track/remote-video-track.js';
import type { RemoteTrack } from '../track/track-types.js';
import { TrackMatcher } from './track-matcher.js';

/** Media that arrived over WebRTC, before or after its publication is known. */
type ArrivedMedia =
  | { readonly kind: 'audio' | 'video'; readonly mediaStreamTrack: MediaStreamTrack }
  | { readonly kind: 'data'; readonly inbox: DataChannelInbox };

export type RemoteParticipantState = 'connected' | 'disconnected';

/**
 * Another participant in the room. Its publications are in `tracks` (and by kind in
 * `audioTracks`, `videoTracks`, `dataTracks`), keyed by track SID. Tracks already published
 * when the participant became known are in `tracks` without a `trackPublished` event;
 * `trackSubscribed` fires for every track once its media arrives.
 */
export class RemoteParticipant extends TypedEmitter<RemoteParticipantEventCallbacks> {
  readonly sid: string;
  readonly identity: string;
  readonly tracks = new Map<string, RemoteTrackPublication>();
  readonly audioTracks = new Map<string, RemoteTrackPublication<RemoteAudioTrack>>();
  readonly videoTracks = new Map<string, RemoteTrackPublication<RemoteVideoTrack>>();
  readonly dataTracks = new Map<string, RemoteTrackPublication<RemoteDataTrack>>();
  readonly #matcher = new TrackMatcher<ArrivedMedia>();
  #state: RemoteParticipantState = 'connected';

  /** @internal */
  constructor(info: ParticipantInfo) {
    super();
    this.sid = info.sid;
    this.identity = info.identity;
    for (const track of info.tracks) this.#addPublication(track, false);
  }

  get state(): RemoteParticipantState {
    return this.#state;
  }

  /** @internal `track-published` */
  _publishTrack(info: TrackInfo): void {
    const existing = this.tracks.get(info.sid);
    if (existing) this._setTrackEnabled(info.sid, info.enabled);
    else this.#addPublication(info, true);
  }

  /** @internal `track-unpublished` */
  _unpublishTrack(trackSid: string): void {
    const publication = this.tracks.get(trackSid);
    if (!publication) return;
    this.#unsubscribe(publication);
    this.#matcher.removeInfo(publication._streamId);
    this.tracks.delete(trackSid);
    this.audioTracks.delete(trackSid);
    this.videoTracks.delete(trackSid);
    this.dataTracks.delete(trackSid);
    this.emit(ParticipantEvent.TrackUnpublished, publication);
  }

  /** @internal `track-state` */
  _setTrackEnabled(trackSid: string, enabled: boolean): void {
    const publication = this.tracks.get(trackSid);
    if (!publication?._setEnabled(enabled)) return;
    this.emit(enabled ? ParticipantEvent.TrackEnabled : ParticipantEvent.TrackDisabled, publication);
  }

  /** @internal an RTCTrackEvent from this participant's peer connection */
  _addMediaTrack(streamId: string, mediaStreamTrack: MediaStreamTrack): void {
    if (mediaStreamTrack.kind !== 'audio' && mediaStreamTrack.kind !== 'video') return;
    this.#mediaArrived(streamId, { kind: mediaStreamTrack.kind, mediaStreamTrack });
  }

  /** @internal an RTCDataChannel opened by this participant (label = the track's streamId) */
  _addDataChannel(channel: RTCDataChannel): void {
    const media: ArrivedMedia = { kind: 'data', inbox: new DataChannelInbox(channel) };
    channel.addEventListener('close', () => this.#matcher.removeMedia(channel.label, media));
    this.#mediaArrived(channel.label, media);
  }

  /** @internal reconcile with the server's view after a resumed reconnection */
  _sync(info: ParticipantInfo): void {
    const wanted = new Map(info.tracks.map((track) => [track.sid, track]));
    for (const sid of [...this.tracks.keys()]) if (!wanted.has(sid)) this._unpublishTrack(sid);
    for (const track of info.tracks) this._publishTrack(track);
  }

  /** @internal the participant left (or the room closed): unsubscribe everything */
  _disconnect(options: { unpublish: boolean }): void {
    if (this.#state === 'disconnected') return;
    if (options.unpublish) {
      for (const sid of [...this.tracks.keys()]) this._unpublishTrack(sid);
    } else {
      for (const publication of this.tracks.values()) this.#unsubscribe(publication);
    }
    for (const media of this.#matcher.clear()) if (media.kind === 'data') media.inbox.close();
    this.#state = 'disconnected';
    this.emit(ParticipantEvent.Disconnected, this);
  }

  #addPublication(info: TrackInfo, announce: boolean): void {
    const publication = new RemoteTrackPublication(info);
    this.tracks.set(info.sid, publication);
    if (info.kind === 'audio') {
      this.audioTracks.set(info.sid, publication as RemoteTrackPublication<RemoteAudioTrack>);
    } else if (info.kind === 'video') {
      this.videoTracks.set(info.sid, publication as RemoteTrackPublication<RemoteVideoTrack>);
    } else {
      this.dataTracks.set(info.sid, publication as RemoteTrackPublication<RemoteDataTrack>);
    }
    if (announce) this.emit(ParticipantEvent.TrackPublished, publication);
    const media = this.#matcher.addInfo(info);
    if (media) this.#subscribe(publication, info, media);
  }

  #mediaArrived(streamId: string, media: ArrivedMedia): void {
    const info = this.#matcher.addMedia(streamId, media);
    if (!info) return; // the publication is announced later
    const publication = this.tracks.get(info.sid);
    if (!publication) return;
    const current = publication.track;
    if (current && sameMedia(current, media)) return;
    this.#unsubscribe(publication);
    this.#subscribe(publication, info, media);
  }

  #subscribe(publication: RemoteTrackPublication, info: TrackInfo, media: ArrivedMedia): void {
    if (media.kind !== info.kind) {
      log.warn(`participant ${this.sid}: ${media.kind} media arrived for ${info.kind} track ${info.sid}`);
      return;
    }
    let track: RemoteTrack;
    if (media.kind === 'data') {
      const dataTrack = new RemoteDataTrack(info, media.inbox);
      dataTrack.on(TrackEvent.Message, (data) => this.emit(ParticipantEvent.TrackMessage, data, dataTrack));
      track = dataTrack;
    } else if (media.kind === 'audio') {
      track = new RemoteAudioTrack(info, media.mediaStreamTrack);
    } else {
      track = new RemoteVideoTrack(info, media.mediaStreamTrack);
    }
    publication._subscribe(track);
    this.emit(ParticipantEvent.TrackSubscribed, track, publication);
  }

  #unsubscribe(publication: RemoteTrackPublication): void {
    const track = publication._unsubscribe();
    if (!track) return;
    if (track.kind === 'data') track._close();
    this.emit(ParticipantEvent.TrackUnsubscribed, track, publication);
  }
}

function sameMedia(track: RemoteTrack, media: ArrivedMedia): boolean {
  if (track.kind === 'data' || media.kind === 'data') return false;
  return track.mediaStreamTrack === media.mediaStreamTrack;
}
