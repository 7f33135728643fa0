/**
 * The Player: `Player.connect(accessToken)` checks the token's playback grant, opens a
 * playback session with the server, and plays its HLS playlist (hls.js, or the browser's
 * own HLS where Media Source Extensions are missing). Its surface follows Twilio's Player SDK.
 */
import type { PlaybackSessionResponse } from '@onair/protocol';
import { resolveConnectOptions, type ConnectOptions, type InternalConnectOptions } from './defaults.js';
import { PlayerError, PlayerErrorCode } from './errors.js';
import { PlayerEvent, type PlayerEventCallbacks, type Quality, type VolumeState } from './events/player-event.js';
import { TypedEmitter } from '@onair/protocol';
import { checkPlayerGrant, type VerifiedPlayerGrant } from './grant/check-grant.js';
import { fetchJwksLoader } from './grant/jwks-loader.js';
import { decideCatchUp } from './live/catch-up.js';
import { playWithAutoplayFallback } from './media/autoplay.js';
import type { EngineHandlers, MediaEngine } from './media/engine.js';
import { HlsEngine } from './media/hls-engine.js';
import { NativeEngine } from './media/native-engine.js';
import { bufferedAhead, frameCounts } from './media/video-stats.js';
import { PlayerState, nextState, type PlayerSignal } from './player-state.js';
import { openPlaybackSession } from './session/open-session.js';
import { waitForPlaylist } from './session/wait-for-playlist.js';
import { version } from './version.js';

/** A snapshot of playback figures. */
export interface PlayerStats {
  /** bits/s of the rendition playing (declared, or measured from the last segment); null when unknown */
  bitrate: number | null;
  /** frames decoded so far (`getVideoPlaybackQuality().totalVideoFrames`) */
  framesDecoded: number;
  /** frames dropped so far */
  framesDropped: number;
  /** seconds buffered ahead of the play head */
  bufferedAhead: number;
}

/** Checks an access token's playback grant as `Player.connect` does, without playing. */
export function verifyPlayerGrant(accessToken: string, options: ConnectOptions = {}): Promise<VerifiedPlayerGrant> {
  const opts = resolveConnectOptions(options);
  return checkPlayerGrant(accessToken, { loadJwks: fetchJwksLoader(opts.fetch), jwksUrl: opts.jwksUrl });
}

type VideoListeners = [keyof HTMLMediaElementEventMap | 'resize', () => void][];

export class Player extends TypedEmitter<PlayerEventCallbacks> {
  static readonly State = PlayerState;
  static readonly Event = PlayerEvent;
  static readonly version = version;

  /** Whether this browser can play (Media Source Extensions, or native HLS). */
  static get isSupported(): boolean {
    if (HlsEngine.isSupported()) return true;
    return typeof document !== 'undefined' && NativeEngine.isSupported(document.createElement('video'));
  }

  /**
   * Checks the access token's `player` grant (shape, ES256 signature against the server's
   * JWKS, expiry on the server's clock, lifetime ≤ 60 s, streamer) — a bad grant rejects with
   * PlayerError 20101 before any playback request — then opens the playback session. The
   * player starts `idle` and loads the stream in the background.
   */
  static async connect(accessToken: string, options: ConnectOptions = {}): Promise<Player> {
    const opts = resolveConnectOptions(options);
    const grant = await checkPlayerGrant(accessToken, { loadJwks: fetchJwksLoader(opts.fetch), jwksUrl: opts.jwksUrl });
    const session = await openPlaybackSession(grant.playbackUrl, accessToken, opts.fetch);
    return new Player(grant, session, opts);
  }

  readonly streamerSid: string;
  readonly #opts: InternalConnectOptions;
  readonly #session: PlaybackSessionResponse;
  readonly #abort = new AbortController();
  #state = PlayerState.Idle;
  #video: HTMLVideoElement;
  #videoListeners: VideoListeners = [];
  #engine: MediaEngine | undefined;
  #wantPlay: boolean;
  #mutedByAutoplay = false;
  #quality: Quality | null = null;
  #catchUpTimer: ReturnType<typeof setInterval> | undefined;

  private constructor(grant: VerifiedPlayerGrant, session: PlaybackSessionResponse, opts: InternalConnectOptions) {
    super();
    this.streamerSid = grant.playerStreamerSid;
    this.#opts = opts;
    this.#session = session;
    this.#wantPlay = opts.autoplay;
    this.#video = opts.video ?? createVideoElement();
    this.#bindVideo(this.#video);
    void this.#start();
  }

  get state(): PlayerState {
    return this.#state;
  }

  /** The `<video>` playback shows in (put it in the page, or pass your own to `attach`). */
  get videoElement(): HTMLVideoElement {
    return this.#video;
  }

  get isMuted(): boolean {
    return this.#video.muted;
  }

  /** The player muted itself because the browser blocked sound: show "tap to unmute". */
  get mutedByAutoplayPolicy(): boolean {
    return this.#mutedByAutoplay && this.#video.muted;
  }

  get volume(): number {
    return this.#video.volume;
  }

  /** Seconds behind the live edge; null when unknown or no longer live. */
  get liveLatency(): number | null {
    return this.#engine?.latency() ?? null;
  }

  /** Seconds behind the live edge the player aims for; null before the stream loaded or once it is no longer live. */
  get targetLatency(): number | null {
    return (this.#engine?.isLive() && this.#engine.targetLatency()) || null;
  }

  get stats(): PlayerStats {
    return { bitrate: this.#engine?.bitrate() ?? null, ...frameCounts(this.#video), bufferedAhead: bufferedAhead(this.#video) };
  }

  /** Seconds; `Infinity` while live, NaN before anything loaded. */
  get duration(): number {
    return this.#video.duration;
  }

  /** The play head, seconds of media time. */
  get position(): number {
    return this.#video.currentTime;
  }

  get quality(): Quality | null {
    return this.#quality;
  }

  get videoSize(): { width: number; height: number } {
    return { width: this.#video.videoWidth, height: this.#video.videoHeight };
  }

  /** Plays (or asks to play once the stream is ready); muted if the browser blocks sound. */
  async play(): Promise<void> {
    this.#wantPlay = true;
    if (this.#state === PlayerState.Idle || this.#state === PlayerState.Ended || !this.#engine) return;
    const outcome = await playWithAutoplayFallback(this.#video);
    if (outcome === 'played-muted') {
      this.#mutedByAutoplay = true;
      this.emit(PlayerEvent.VolumeChanged, this.#volumeState());
    }
  }

  pause(): void {
    this.#wantPlay = false;
    this.#video.pause();
  }

  /** Sets the volume, 0 to 1. */
  setVolume(volume: number): void {
    if (!(typeof volume === 'number' && volume >= 0 && volume <= 1)) throw new RangeError('volume must be from 0 to 1');
    this.#video.volume = volume;
  }

  setMuted(muted: boolean): void {
    if (!muted) this.#mutedByAutoplay = false;
    this.#video.muted = muted;
  }

  /** Plays into `video` from now on (the previous element is left empty). */
  attach(video: HTMLVideoElement): HTMLVideoElement {
    if (!(typeof HTMLVideoElement === 'undefined' || video instanceof HTMLVideoElement)) {
      throw new TypeError('attach() needs a <video> element');
    }
    if (video === this.#video) return video;
    const previous = this.#video;
    this.#unbindVideo(previous);
    video.muted = previous.muted;
    video.volume = previous.volume;
    video.playsInline = true;
    this.#video = video;
    this.#bindVideo(video);
    this.#engine?.attach(video);
    if (this.#wantPlay && this.#state !== PlayerState.Idle) void this.play();
    return video;
  }

  /** Stops playback and loading for good; the state becomes `ended`. Idempotent. */
  disconnect(): void {
    this.#teardown();
    this.#signal('ended');
  }

  async #start(): Promise<void> {
    const { playlistUrl, status } = this.#session;
    try {
      await waitForPlaylist(playlistUrl, {
        fetch: this.#opts.fetch,
        signal: this.#abort.signal,
        retryDelay: this.#opts.playlistRetryDelay,
        maxRetryDelay: this.#opts.maxPlaylistRetryDelay,
        maxAttempts: status === 'ended' ? 1 : Infinity,
      });
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      if (error instanceof PlayerError && error.code === PlayerErrorCode.StreamNotFound && status === 'ended') {
        return this.disconnect(); // ended before it ever had a segment
      }
      return this.#fail(error);
    }
    if (this.#abort.signal.aborted) return;
    try {
      this.#engine = this.#createEngine();
    } catch (error) {
      return this.#fail(error);
    }
    this.#engine.load(playlistUrl);
  }

  #createEngine(): MediaEngine {
    const handlers: EngineHandlers = {
      loaded: () => {
        this.#signal('loaded');
        if (this.#wantPlay) void this.play();
      },
      gone: () => this.disconnect(),
      ended: () => this.#signal('ended'),
      error: (error) => this.#fail(error),
      qualityChanged: (quality) => {
        this.#quality = quality;
        this.emit(PlayerEvent.QualityChanged, quality);
      },
    };
    const { engine, targetLatency } = this.#opts;
    if (engine === 'hls.js' || (engine === 'auto' && HlsEngine.isSupported())) {
      const { latencyMode } = this.#session;
      return new HlsEngine(this.#video, this.#opts.hlsConfig, handlers, {
        ...(latencyMode ? { latencyMode } : {}),
        ...(targetLatency !== undefined ? { targetLatency } : {}),
      });
    }
    if (NativeEngine.isSupported(this.#video)) return new NativeEngine(this.#video, handlers, targetLatency);
    throw PlayerError.media('this browser can play HLS neither with Media Source Extensions nor natively');
  }

  #signal(signal: PlayerSignal): void {
    const next = nextState(this.#state, signal);
    if (next === this.#state) return;
    const previous = this.#state;
    this.#state = next;
    if (next === PlayerState.Playing) {
      this.#startCatchUp();
      if (previous === PlayerState.Buffering) this.#catchUp(); // after a stall, back to the live edge
    } else {
      this.#stopCatchUp();
    }
    // a seek (the player's own jump to the live edge, or the application's) waits for media too,
    // but is not a stall: analytics count rebuffers, not seeks
    if (next === PlayerState.Buffering && !this.#video.seeking) this.emit(PlayerEvent.Rebuffering);
    if (next === PlayerState.Ended) this.#abort.abort(); // the last frame stays until disconnect()
    this.emit(PlayerEvent.StateChanged, next);
  }

  #fail(error: unknown): void {
    const playerError =
      error instanceof PlayerError ? error : PlayerError.media('playback failed', error);
    this.#teardown();
    this.emit(PlayerEvent.Error, playerError);
  }

  #teardown(): void {
    this.#abort.abort();
    this.#stopCatchUp();
    this.#engine?.destroy();
    this.#engine = undefined;
  }

  #startCatchUp(): void {
    this.#catchUpTimer ??= setInterval(() => this.#catchUp(), this.#opts.catchUpInterval);
  }

  #stopCatchUp(): void {
    clearInterval(this.#catchUpTimer);
    this.#catchUpTimer = undefined;
  }

  #catchUp(): void {
    const engine = this.#engine;
    if (!engine) return;
    const action = decideCatchUp(
      {
        live: engine.isLive(),
        latency: engine.latency(),
        targetLatency: engine.targetLatency(),
        bufferAhead: bufferedAhead(this.#video),
      },
      { ...this.#opts.catchUp, adjustRate: !engine.setsPlaybackRate() },
    );
    if (action.kind === 'seek') {
      const position = engine.liveSyncPosition();
      if (position !== null && position > this.#video.currentTime) this.#video.currentTime = position;
    } else if (action.kind === 'rate' && this.#video.playbackRate !== action.rate) {
      this.#video.playbackRate = action.rate;
    }
  }

  #volumeState(): VolumeState {
    return { volume: this.#video.volume, isMuted: this.#video.muted, mutedByAutoplayPolicy: this.mutedByAutoplayPolicy };
  }

  #bindVideo(video: HTMLVideoElement): void {
    this.#videoListeners = [
      ['playing', () => this.#signal('playing')],
      ['waiting', () => this.#signal('stalled')],
      ['pause', () => video.ended || this.#signal('paused')],
      ['ended', () => this.#signal('ended')],
      ['volumechange', () => this.emit(PlayerEvent.VolumeChanged, this.#volumeState())],
      ['durationchange', () => this.emit(PlayerEvent.DurationChanged, video.duration)],
      ['resize', () => this.emit(PlayerEvent.VideoSizeChanged, { width: video.videoWidth, height: video.videoHeight })],
    ];
    for (const [event, listener] of this.#videoListeners) video.addEventListener(event, listener);
  }

  #unbindVideo(video: HTMLVideoElement): void {
    for (const [event, listener] of this.#videoListeners) video.removeEventListener(event, listener);
    this.#videoListeners = [];
  }
}

function createVideoElement(): HTMLVideoElement {
  const video = document.createElement('video');
  video.playsInline = true;
  return video;
}
