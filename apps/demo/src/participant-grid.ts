/**
 * The speaker page's grid of remote participants: one `li.tile[data-participant-sid]
 * [data-identity]` each, a <video> per video track and a hidden <audio> per audio track
 * (`data-track-sid`), `data-video`/`data-audio` = on | off as the participant mutes.
 */
import type { RemoteAudioTrack, RemoteParticipant, RemoteTrack, RemoteVideoTrack } from '@onair/room-client';

type MediaTrack = RemoteAudioTrack | RemoteVideoTrack;

interface Tile {
  li: HTMLLIElement;
  media: Map<MediaTrack, HTMLMediaElement>;
}

function initials(identity: string): string {
  const words = identity.trim().split(/[\s._@-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[1]![0]] : [identity.trim().slice(0, 2)];
  return letters.join('').toUpperCase() || '?';
}

export class ParticipantGrid {
  readonly #tiles = new Map<string, Tile>();

  /** `play` starts a media element (and handles autoplay refusals) */
  constructor(
    private readonly grid: HTMLUListElement,
    private readonly play: (media: HTMLMediaElement) => void,
  ) {}

  add(participant: RemoteParticipant): void {
    this.#tileFor(participant);
    participant.tracks.forEach((publication) => {
      const track = publication.track;
      if (track) this.attach(track, participant);
    });
  }

  remove(participant: RemoteParticipant): void {
    const tile = this.#tiles.get(participant.sid);
    if (!tile) return;
    this.#drop(tile);
    this.#tiles.delete(participant.sid);
    this.#layout();
  }

  clear(): void {
    for (const tile of this.#tiles.values()) this.#drop(tile);
    this.#tiles.clear();
    this.#layout();
  }

  attach(track: RemoteTrack, participant: RemoteParticipant): void {
    if (track.kind === 'data') return;
    const tile = this.#tileFor(participant);
    if (tile.media.has(track)) return;
    let media: HTMLMediaElement;
    if (track.kind === 'video') {
      const video = document.createElement('video');
      video.autoplay = true;
      video.playsInline = true;
      video.muted = true; // sound comes from the participant's <audio>
      media = video;
    } else {
      const audio = document.createElement('audio');
      audio.autoplay = true;
      audio.hidden = true;
      media = audio;
    }
    media.dataset.trackSid = track.sid;
    track.attach(media);
    tile.media.set(track, media);
    if (track.kind === 'video') tile.li.prepend(media);
    else tile.li.append(media);
    this.play(media);
  }

  detach(track: RemoteTrack, participant: RemoteParticipant): void {
    if (track.kind === 'data') return;
    const tile = this.#tiles.get(participant.sid);
    const media = tile?.media.get(track);
    if (!tile || !media) return;
    track.detach(media);
    media.remove();
    tile.media.delete(track);
  }

  /** `data-video`/`data-audio` on the tile: off when the participant disabled every such track. */
  updateTrackState(participant: RemoteParticipant): void {
    const li = this.#tiles.get(participant.sid)?.li;
    if (!li) return;
    const anyEnabled = (publications: ReadonlyMap<string, { isTrackEnabled: boolean }>) =>
      publications.size === 0 ? null : [...publications.values()].some((p) => p.isTrackEnabled);
    const video = anyEnabled(participant.videoTracks);
    const audio = anyEnabled(participant.audioTracks);
    li.dataset.video = video === false ? 'off' : 'on';
    li.dataset.audio = audio === false ? 'off' : 'on';
  }

  #drop(tile: Tile): void {
    for (const [track, media] of tile.media) {
      track.detach(media);
      media.remove();
    }
    tile.li.remove();
  }

  #layout(): void {
    const n = this.#tiles.size;
    const cols = n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4;
    this.grid.style.setProperty('--cols', String(cols));
    this.grid.style.setProperty('--rows', String(Math.max(1, Math.ceil(n / cols))));
  }

  #tileFor(participant: RemoteParticipant): Tile {
    let tile = this.#tiles.get(participant.sid);
    if (tile) return tile;
    const li = document.createElement('li');
    li.className = 'tile';
    li.dataset.participantSid = participant.sid;
    li.dataset.identity = participant.identity;
    li.setAttribute('aria-label', participant.identity);
    const avatar = document.createElement('div');
    avatar.className = 'avatar';
    avatar.setAttribute('aria-hidden', 'true');
    avatar.textContent = initials(participant.identity);
    const label = document.createElement('div');
    label.className = 'label';
    label.textContent = participant.identity;
    const muted = document.createElement('span');
    muted.className = 'muted-mic';
    muted.textContent = ' · muted';
    label.append(muted);
    li.append(avatar, label);
    this.grid.append(li);
    tile = { li, media: new Map() };
    this.#tiles.set(participant.sid, tile);
    this.updateTrackState(participant);
    this.#layout();
    return tile;
  }
}
