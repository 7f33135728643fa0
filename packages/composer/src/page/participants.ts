/**
 * What the composer knows about the room's visible participants: join order, dominant
 * speaker history, and the media each one has subscribed (video in VideoSources, audio in
 * the mixer). `candidates()` and `presentation()` turn that into the input of the pure
 * tile selection; `view()` gives the renderer what a tile shows.
 */
import type { RemoteParticipant, RemoteTrack, RemoteTrackPublication } from '@onair/room-client';
import type { SpeakerCandidate } from '../layout/tile-selection.js';
import type { AudioMixer } from './audio-mixer.js';
import { VideoSource } from './video-source.js';

export interface ParticipantsOptions {
  audioOnlyHoldMs: number;
  videoWaitMs: number;
  presentationTrackName: string;
}

/** What one tile shows. */
export interface TileView {
  identity: string;
  /** null: a name tile */
  video: HTMLVideoElement | null;
  dominant: boolean;
}

export interface PresentationView {
  /** the presentation track's SID (the layout id) */
  id: string;
  identity: string;
  video: HTMLVideoElement;
}

interface Entry {
  readonly participant: RemoteParticipant;
  readonly joinOrder: number;
  readonly knownSince: number;
  lastDominantAt: number | null;
  readonly videos: Map<string, VideoSource>;
  /** track SIDs in the mixer */
  readonly audio: Set<string>;
}

export class Participants {
  readonly #entries = new Map<string, Entry>();
  readonly #holder: HTMLElement;
  readonly #mixer: AudioMixer;
  readonly #options: ParticipantsOptions;
  #joinSeq = 0;
  #dominantSid: string | null = null;

  constructor(holder: HTMLElement, mixer: AudioMixer, options: ParticipantsOptions) {
    this.#holder = holder;
    this.#mixer = mixer;
    this.#options = options;
  }

  /** Visible participants in the room. */
  get size(): number {
    return this.#entries.size;
  }

  add(participant: RemoteParticipant, now: number): void {
    if (this.#entries.has(participant.sid)) return;
    this.#entries.set(participant.sid, {
      participant,
      joinOrder: this.#joinSeq++,
      knownSince: now,
      lastDominantAt: null,
      videos: new Map(),
      audio: new Set(),
    });
    // media that arrived before we listened
    for (const publication of participant.tracks.values()) {
      if (publication.track) this.trackSubscribed(publication.track, publication, participant, now);
    }
  }

  remove(sid: string): void {
    const entry = this.#entries.get(sid);
    if (!entry) return;
    for (const source of entry.videos.values()) source.close();
    for (const trackSid of entry.audio) this.#mixer.remove(trackSid);
    this.#entries.delete(sid);
    if (this.#dominantSid === sid) this.#dominantSid = null;
  }

  /** The room is gone: forget everyone. */
  clear(): void {
    for (const sid of [...this.#entries.keys()]) this.remove(sid);
  }

  trackSubscribed(track: RemoteTrack, publication: RemoteTrackPublication, participant: RemoteParticipant, now: number): void {
    const entry = this.#entries.get(participant.sid);
    if (!entry) return;
    if (track.kind === 'audio') {
      this.#mixer.add(publication.trackSid, track.mediaStreamTrack);
      entry.audio.add(publication.trackSid);
    } else if (track.kind === 'video') {
      entry.videos.get(publication.trackSid)?.close();
      entry.videos.set(
        publication.trackSid,
        new VideoSource(publication.trackSid, publication.trackName, track.mediaStreamTrack, this.#holder, now),
      );
    }
  }

  trackUnsubscribed(publication: RemoteTrackPublication, participant: RemoteParticipant): void {
    const entry = this.#entries.get(participant.sid);
    if (entry?.audio.delete(publication.trackSid)) this.#mixer.remove(publication.trackSid);
    const source = entry?.videos.get(publication.trackSid);
    if (!entry || !source) return;
    source.close();
    entry.videos.delete(publication.trackSid);
  }

  dominantSpeaker(sid: string | null, now: number): void {
    const before = this.#dominantSid === null ? undefined : this.#entries.get(this.#dominantSid);
    if (before) before.lastDominantAt = now;
    this.#dominantSid = sid;
    const after = sid === null ? undefined : this.#entries.get(sid);
    if (after) after.lastDominantAt = now;
  }

  /** Participants that may have a speaker tile (those with a microphone or camera published). */
  candidates(now: number): SpeakerCandidate[] {
    const out: SpeakerCandidate[] = [];
    for (const entry of this.#entries.values()) {
      const cameras = this.#cameraPublications(entry);
      if (cameras.length === 0 && entry.participant.audioTracks.size === 0) continue;
      const age = now - entry.knownSince;
      const ready =
        this.#camera(entry) !== null ||
        (cameras.some((p) => p.isTrackEnabled) ? age >= this.#options.videoWaitMs : age >= this.#options.audioOnlyHoldMs);
      out.push({
        id: entry.participant.sid,
        joinOrder: entry.joinOrder,
        lastDominantAt: entry.lastDominantAt,
        dominant: entry.participant.sid === this.#dominantSid,
        ready,
      });
    }
    return out;
  }

  /** The presentation to show: the most recently subscribed one that renders, if any. */
  presentation(): PresentationView | null {
    let best: { source: VideoSource; identity: string } | null = null;
    for (const entry of this.#entries.values()) {
      for (const publication of entry.participant.videoTracks.values()) {
        if (publication.trackName !== this.#options.presentationTrackName || !publication.isTrackEnabled) continue;
        const source = entry.videos.get(publication.trackSid);
        if (!source?.rendering) continue;
        if (!best || source.since > best.source.since) best = { source, identity: entry.participant.identity };
      }
    }
    return best && { id: best.source.trackSid, identity: best.identity, video: best.source.element };
  }

  view(sid: string): TileView | undefined {
    const entry = this.#entries.get(sid);
    if (!entry) return undefined;
    return {
      identity: entry.participant.identity,
      video: this.#camera(entry)?.element ?? null,
      dominant: sid === this.#dominantSid,
    };
  }

  #cameraPublications(entry: Entry): RemoteTrackPublication[] {
    return [...entry.participant.videoTracks.values()].filter((p) => p.trackName !== this.#options.presentationTrackName);
  }

  /** The first enabled camera with a frame to draw. */
  #camera(entry: Entry): VideoSource | null {
    for (const publication of this.#cameraPublications(entry)) {
      if (!publication.isTrackEnabled) continue;
      const source = entry.videos.get(publication.trackSid);
      if (source?.rendering) return source;
    }
    return null;
  }
}
