import type { TrackInfo } from '@onair/protocol';
import type { LocalParticipantEventCallbacks } from '../events/participant-event.js';
import { LocalParticipantEvent } from '../events/participant-event.js';
import type { LocalMediaTrackEventCallbacks } from '../events/track-event.js';
import { TrackEvent } from '../events/track-event.js';
import { TypedEmitter } from '@onair/protocol';
import { RoomError } from '../errors.js';
import { LocalTrackPublication } from '../publication/local-track-publication.js';
import type { LocalAudioTrack } from '../track/local-audio-track.js';
import type { LocalDataTrack } from '../track/local-data-track.js';
import type { LocalVideoTrack } from '../track/local-video-track.js';
import type { PublishableTrack } from '../track/to-local-track.js';
import { isLocalTrack, toLocalTrack } from '../track/to-local-track.js';
import type { LocalTrack } from '../track/track-types.js';

/** What the LocalParticipant needs from its Room. */
export interface LocalParticipantEngine {
  /** resolves when the room is connected (waits out a reconnection); rejects once disconnected */
  whenConnected(): Promise<void>;
  isClosed(): boolean;
  /** `publish` → `published` */
  publish(track: Omit<TrackInfo, 'sid'>): Promise<TrackInfo>;
  unpublish(trackSid: string): void;
  setTrackEnabled(trackSid: string, enabled: boolean): void;
  addToPeers(track: LocalTrack): void;
  removeFromPeers(track: LocalTrack): void;
}

/** Which `joined` is being applied. */
export type JoinMode = 'join' | 'resume' | 'rejoin';

type MediaTrackEmitter = TypedEmitter<LocalMediaTrackEventCallbacks<unknown>>;

/** You, in the room: your identity and the tracks you publish. */
export class LocalParticipant extends TypedEmitter<LocalParticipantEventCallbacks> {
  readonly tracks = new Map<string, LocalTrackPublication>();
  readonly audioTracks = new Map<string, LocalTrackPublication<LocalAudioTrack>>();
  readonly videoTracks = new Map<string, LocalTrackPublication<LocalVideoTrack>>();
  readonly dataTracks = new Map<string, LocalTrackPublication<LocalDataTrack>>();
  readonly #engine: LocalParticipantEngine;
  /** tracks published or being published, by streamId */
  readonly #intended = new Map<string, LocalTrack>();
  readonly #pending = new Map<string, Promise<LocalTrackPublication>>();
  readonly #unbind = new Map<string, () => void>();
  #sid = '';
  #identity = '';

  /** @internal */
  constructor(engine: LocalParticipantEngine, initialTracks: readonly LocalTrack[]) {
    super();
    this.#engine = engine;
    for (const track of initialTracks) this.#intended.set(track.streamId, track);
  }

  /** PA… SID; changes only if a reconnection could not resume the participant. */
  get sid(): string {
    return this.#sid;
  }

  get identity(): string {
    return this.#identity;
  }

  /**
   * Publishes a track (a MediaStreamTrack is wrapped, named `options.name`). Resolves once
   * the server accepted it; publishing an already published track returns its publication.
   */
  async publishTrack(
    track: PublishableTrack,
    options: { name?: string } = {},
  ): Promise<LocalTrackPublication> {
    if (this.#engine.isClosed()) throw RoomError.notConnected();
    const existing = this.#find(track);
    if (existing) {
      const publication = this.#publicationOf(existing.streamId);
      if (publication) return publication;
      const pending = this.#pending.get(existing.streamId);
      if (pending) return pending;
    }
    const local = existing ?? toLocalTrack(track, options);
    if (local.kind !== 'data' && local.isStopped) {
      throw RoomError.trackInvalid(`track "${local.name}" is stopped`);
    }
    for (const other of this.#intended.values()) {
      if (other !== local && other.name === local.name) throw RoomError.trackNameDuplicated(local.name);
    }
    this.#intended.set(local.streamId, local);
    return this.#startPublish(local);
  }

  publishTracks(tracks: readonly PublishableTrack[]): Promise<LocalTrackPublication[]> {
    return Promise.all(tracks.map((track) => this.publishTrack(track)));
  }

  /** Stops publishing; returns the publication, or null if the track was not published. */
  unpublishTrack(target: PublishableTrack | LocalTrackPublication): LocalTrackPublication | null {
    const track = this.#find(target instanceof LocalTrackPublication ? target.track : target);
    if (!track) return null;
    this.#intended.delete(track.streamId);
    this.#unbind.get(track.streamId)?.();
    this.#unbind.delete(track.streamId);
    const publication = this.#publicationOf(track.streamId);
    if (!publication) return null; // still pending: the publish flow notices and undoes it
    this.#unindex(publication);
    this.#engine.removeFromPeers(track);
    this.#engine.unpublish(publication.trackSid);
    return publication;
  }

  unpublishTracks(targets: ReadonlyArray<PublishableTrack | LocalTrackPublication>): LocalTrackPublication[] {
    return targets.flatMap((target) => this.unpublishTrack(target) ?? []);
  }

  /** @internal */
  _setIdentity(sid: string, identity: string): void {
    this.#sid = sid;
    this.#identity = identity;
  }

  /** @internal the tracks to announce in `join` */
  _describeTracks(): Array<Omit<TrackInfo, 'sid'>> {
    return [...this.#intended.values()].map(describe);
  }

  /** @internal whether a track with this streamId is published or being published */
  _wants(streamId: string): boolean {
    return this.#intended.has(streamId);
  }

  /** @internal the tracks peer connections send: those the server accepted */
  _publishedTracks(): LocalTrack[] {
    return [...this.tracks.values()].map((publication) => publication.track);
  }

  /**
   * @internal Brings the publications in line with the server's list in `joined`:
   * accepted tracks get (new) SIDs, missing ones are published again, tracks the server
   * has but we no longer want are unpublished. Outstanding publish requests settle
   * themselves (see PublishRequests.settleFromServer).
   */
  _applyServerTracks(serverTracks: readonly TrackInfo[], mode: JoinMode): void {
    const byStream = new Map(serverTracks.map((track) => [track.streamId, track]));
    for (const [streamId, track] of [...this.#intended]) {
      if (this.#pending.has(streamId)) continue;
      const server = byStream.get(streamId);
      const publication = this.#publicationOf(streamId);
      if (server && publication) {
        if (publication.trackSid !== server.sid) this.#rekey(publication, server.sid);
        if (server.enabled !== track.isEnabled) this.#engine.setTrackEnabled(server.sid, track.isEnabled);
      } else if (server) {
        this.#confirm(track, server, mode !== 'join');
      } else {
        if (publication) {
          this.#unindex(publication);
          this.#engine.removeFromPeers(track); // fresh m-lines, so receivers see the media again
        }
        void this.#startPublish(track).catch(() => {}); // reported via trackPublicationFailed
      }
    }
    for (const track of serverTracks) {
      if (!this.#intended.has(track.streamId)) this.#engine.unpublish(track.sid);
    }
  }

  /** @internal the room is gone */
  _close(): void {
    for (const unbind of this.#unbind.values()) unbind();
    this.#unbind.clear();
  }

  #startPublish(track: LocalTrack): Promise<LocalTrackPublication> {
    const streamId = track.streamId;
    const promise = (async () => {
      await this.#engine.whenConnected();
      if (this.#intended.get(streamId) !== track) throw unpublishedMeanwhile(track);
      const info = await this.#engine.publish(describe(track));
      if (this.#intended.get(streamId) !== track) {
        this.#engine.unpublish(info.sid);
        throw unpublishedMeanwhile(track);
      }
      return this.#confirm(track, info, true);
    })();
    this.#pending.set(streamId, promise);
    promise.then(
      () => this.#pending.delete(streamId),
      (error: unknown) => {
        this.#pending.delete(streamId);
        if (this.#intended.get(streamId) === track && !this.#publicationOf(streamId)) {
          this.#intended.delete(streamId);
        }
        const roomError = error instanceof RoomError ? error : RoomError.trackInvalid(String(error));
        this.emit(LocalParticipantEvent.TrackPublicationFailed, roomError, track);
      },
    );
    return promise;
  }

  #confirm(track: LocalTrack, info: TrackInfo, announce: boolean): LocalTrackPublication {
    const publication = new LocalTrackPublication(track, info.sid, (p) => this.unpublishTrack(p));
    this.#index(publication);
    if (track.kind !== 'data') {
      const emitter = track as unknown as MediaTrackEmitter;
      const onEnabled = (): void => this.#engine.setTrackEnabled(publication.trackSid, true);
      const onDisabled = (): void => this.#engine.setTrackEnabled(publication.trackSid, false);
      emitter.on(TrackEvent.Enabled, onEnabled).on(TrackEvent.Disabled, onDisabled);
      this.#unbind.get(track.streamId)?.();
      this.#unbind.set(track.streamId, () => {
        emitter.off(TrackEvent.Enabled, onEnabled).off(TrackEvent.Disabled, onDisabled);
      });
      if (info.enabled !== track.isEnabled) this.#engine.setTrackEnabled(info.sid, track.isEnabled);
    }
    this.#engine.addToPeers(track);
    if (announce) this.emit(LocalParticipantEvent.TrackPublished, publication);
    return publication;
  }

  /** The intended track a user argument refers to. */
  #find(target: PublishableTrack): LocalTrack | undefined {
    if (isLocalTrack(target)) {
      return this.#intended.get(target.streamId) === target ? target : undefined;
    }
    for (const track of this.#intended.values()) {
      if (track.kind !== 'data' && track.mediaStreamTrack === target) return track;
    }
    return undefined;
  }

  #publicationOf(streamId: string): LocalTrackPublication | undefined {
    for (const publication of this.tracks.values()) {
      if (publication.track.streamId === streamId) return publication;
    }
    return undefined;
  }

  #index(publication: LocalTrackPublication): void {
    const sid = publication.trackSid;
    this.tracks.set(sid, publication);
    if (publication.track.kind === 'audio') {
      this.audioTracks.set(sid, publication as LocalTrackPublication<LocalAudioTrack>);
    } else if (publication.track.kind === 'video') {
      this.videoTracks.set(sid, publication as LocalTrackPublication<LocalVideoTrack>);
    } else {
      this.dataTracks.set(sid, publication as LocalTrackPublication<LocalDataTrack>);
    }
  }

  #unindex(publication: LocalTrackPublication): void {
    const sid = publication.trackSid;
    this.tracks.delete(sid);
    this.audioTracks.delete(sid);
    this.videoTracks.delete(sid);
    this.dataTracks.delete(sid);
  }

  #rekey(publication: LocalTrackPublication, trackSid: string): void {
    this.#unindex(publication);
    publication._setTrackSid(trackSid);
    this.#index(publication);
  }
}

function describe(track: LocalTrack): Omit<TrackInfo, 'sid'> {
  return { name: track.name, kind: track.kind, enabled: track.isEnabled, streamId: track.streamId };
}

function unpublishedMeanwhile(track: LocalTrack): RoomError {
  return RoomError.trackInvalid(`track "${track.name}" was unpublished before the server accepted it`);
}
