/**
 * The composer page's wiring. Three loops that never wait on each other:
 *   - the frame clock draws the room (or a waiting message) at `frameRate`, always;
 *   - the ingest client records canvas + mixed audio, one recording per connection;
 *   - the room session keeps us in the room as a hidden participant, rejoining if it must.
 * Each frame: participants → tile selection → layout → renderer (the middle two are pure).
 */
import type { ComposerConfig, IngestStatus } from '@onair/protocol';
import type { RemoteParticipant, RemoteTrack, RemoteTrackPublication, Room } from '@onair/room-client';
import { layoutDefaults, pageDefaults, type PageOptions } from '../defaults.js';
import type { ComposerError } from '../errors.js';
import { computeLayout, type LayoutTile, type PlacedTile } from '../layout/grid-layout.js';
import { selectTiles, type ShownTile } from '../layout/tile-selection.js';
import type { RecorderFormat } from '../recorder-format.js';
import { AudioMixer } from './audio-mixer.js';
import { FrameClock } from './frame-clock.js';
import { IngestClient } from './ingest-client.js';
import { logError } from './page-state.js';
import type { PageState } from './page-state.js';
import { Participants } from './participants.js';
import { Recording } from './recorder.js';
import { Renderer, type TileContent } from './renderer.js';
import { RoomSession } from './room-session.js';

export interface ComposerElements {
  canvas: HTMLCanvasElement;
  /** where the invisible <video>/<audio> elements go */
  mediaHolder: HTMLElement;
}

const MESSAGE_CONNECTING = 'Connecting…';
const MESSAGE_WAITING = 'Waiting for participants…';

export class Composer {
  readonly #config: ComposerConfig;
  readonly #state: PageState;
  readonly #options: PageOptions;
  readonly #mixer: AudioMixer;
  readonly #participants: Participants;
  readonly #renderer: Renderer;
  readonly #clock: FrameClock;
  readonly #ingest: IngestClient;
  readonly #session: RoomSession;
  readonly #stream: MediaStream;
  #shown: ShownTile[] = [];
  #joined = false;
  #tiles = 0;
  #ended = false;

  constructor(
    config: ComposerConfig,
    format: RecorderFormat,
    state: PageState,
    elements: ComposerElements,
    options: PageOptions = pageDefaults,
  ) {
    this.#config = config;
    this.#state = state;
    this.#options = options;
    this.#mixer = new AudioMixer(elements.mediaHolder);
    this.#participants = new Participants(elements.mediaHolder, this.#mixer, options);
    this.#renderer = new Renderer(elements.canvas, config);
    this.#clock = new FrameClock(config.frameRate, (now) => this.#frame(now), (error) => logError('drawing a frame failed', error));
    const video = elements.canvas.captureStream(config.frameRate).getVideoTracks()[0];
    if (!video) throw new Error('canvas.captureStream() gave no video track');
    this.#stream = new MediaStream([video, this.#mixer.track]);
    this.#ingest = new IngestClient({
      url: config.ingestUrl,
      hello: {
        type: 'hello',
        secret: config.ingestSecret,
        mimeType: format.mimeType,
        videoCodec: format.videoCodec,
        width: config.width,
        height: config.height,
        frameRate: config.frameRate,
      },
      statusIntervalMs: options.statusIntervalMs,
      reconnectMs: options.ingestReconnectMs,
      reconnectMaxMs: options.ingestReconnectMaxMs,
      readyTimeoutMs: options.ingestReadyTimeoutMs,
      maxBufferedBytes: options.ingestMaxBufferedBytes,
      startRecording: (send, fail) =>
        new Recording(
          this.#stream,
          {
            format,
            videoBitsPerSecond: config.videoBitsPerSecond,
            audioBitsPerSecond: config.audioBitsPerSecond,
            keyFrameIntervalMs: config.keyFrameIntervalMs,
            timesliceMs: config.timesliceMs,
          },
          send,
          fail,
        ),
      status: () => this.#status(),
      onRecording: (active) => this.#state.recorder(active ? format.mimeType : null),
      onStopped: () => this.#end(null),
      onFatal: (error) => this.#end(error),
    });
    this.#session = new RoomSession({
      token: config.token,
      room: config.room,
      serverUrl: config.serverUrl,
      joinTimeoutMs: options.joinTimeoutMs,
      backoff: { initialMs: options.rejoinInitialMs, maxMs: options.rejoinMaxMs, multiplier: options.rejoinMultiplier },
      bind: (room) => this.#bind(room),
      onJoining: () => this.#state.setState('joining'),
      onJoined: () => {
        this.#joined = true;
        this.#state.setState('composing');
      },
      onLeft: () => {
        this.#joined = false;
        this.#participants.clear();
        this.#shown = [];
      },
      onFatal: (error) => this.#end(error),
    });
  }

  start(): void {
    this.#clock.start();
    this.#ingest.start();
    this.#session.start();
  }

  /** Stops everything: null = the job said stop (1000), else a fatal error. Idempotent. */
  #end(error: ComposerError | null): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error) this.#state.fail(error);
    else this.#state.setState('stopped');
    this.#ingest.close();
    this.#session.close();
    this.#clock.stop();
    this.#mixer.close();
  }

  #frame(now: number): void {
    const participants = this.#participants;
    const presentation = participants.presentation();
    const capacity = presentation ? layoutDefaults.maxSidebarTiles : layoutDefaults.maxTiles;
    this.#shown = selectTiles(participants.candidates(now), this.#shown, now, capacity);
    const tiles: LayoutTile[] = this.#shown.map((tile) => ({
      id: tile.id,
      kind: participants.view(tile.id)?.video ? 'video' : 'name',
    }));
    const { width, height } = this.#config;
    const placed = computeLayout({ width, height, tiles, presentation });
    const content = (tile: PlacedTile): TileContent | undefined =>
      tile.role === 'presentation' && presentation
        ? { identity: presentation.identity, video: presentation.video, dominant: false }
        : participants.view(tile.id);
    const stats = this.#renderer.draw(placed, content, this.#joined ? MESSAGE_WAITING : MESSAGE_CONNECTING);
    this.#tiles = stats.tiles;
    this.#state.counts({
      participants: participants.size,
      tiles: stats.tiles,
      videoTiles: stats.videoTiles,
      fps: this.#clock.fps,
    });
  }

  #status(): IngestStatus {
    return { type: 'status', participants: this.#participants.size, tiles: this.#tiles, fps: this.#clock.fps };
  }

  #bind(room: Room): () => void {
    const participants = this.#participants;
    const now = () => performance.now();
    for (const participant of room.participants.values()) participants.add(participant, now());
    participants.dominantSpeaker(room.dominantSpeaker?.sid ?? null, now());
    const onConnected = (p: RemoteParticipant) => participants.add(p, now());
    const onDisconnected = (p: RemoteParticipant) => participants.remove(p.sid);
    const onSubscribed = (track: RemoteTrack, pub: RemoteTrackPublication, p: RemoteParticipant) =>
      participants.trackSubscribed(track, pub, p, now());
    const onUnsubscribed = (_track: RemoteTrack, pub: RemoteTrackPublication, p: RemoteParticipant) =>
      participants.trackUnsubscribed(pub, p);
    const onDominant = (p: RemoteParticipant | null) => participants.dominantSpeaker(p?.sid ?? null, now());
    room.on('participantConnected', onConnected);
    room.on('participantDisconnected', onDisconnected);
    room.on('trackSubscribed', onSubscribed);
    room.on('trackUnsubscribed', onUnsubscribed);
    room.on('dominantSpeakerChanged', onDominant);
    return () => {
      room.off('participantConnected', onConnected);
      room.off('participantDisconnected', onDisconnected);
      room.off('trackSubscribed', onSubscribed);
      room.off('trackUnsubscribed', onUnsubscribed);
      room.off('dominantSpeakerChanged', onDominant);
    };
  }
}
