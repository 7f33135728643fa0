import type { JoinedMessage, ParticipantInfo, RelayOut } from '@onair/protocol';
import type { InternalConnectOptions } from '../defaults.js';
import { AudioLevelSampler } from '../dominant-speaker/audio-level.js';
import { DominantSpeakerMonitor } from '../dominant-speaker/dominant-speaker-monitor.js';
import { roleFor } from '../engine/negotiation-plan.js';
import type { PeerRole } from '../engine/negotiation-plan.js';
import type { Peer } from '../engine/peer.js';
import { PeerManager } from '../engine/peer-manager.js';
import { RoomError } from '../errors.js';
import type { RoomEventCallbacks } from '../events/room-event.js';
import { RoomEvent } from '../events/room-event.js';
import { TypedEmitter } from '@onair/protocol';
import { log } from '../logger.js';
import type { JoinMode, LocalParticipantEngine } from '../participant/local-participant.js';
import { LocalParticipant } from '../participant/local-participant.js';
import { RemoteParticipant } from '../participant/remote-participant.js';
import { runReconnectLoop } from '../reconnect/reconnect-loop.js';
import type { ParsedServerMessage } from '../signal/parse-server-message.js';
import type { SignalCloseEvent, SignalObserver, SignalOpenResult } from '../signal/signal-client.js';
import { SignalClient } from '../signal/signal-client.js';
import { closeOutcome } from '../signal/close-outcome.js';
import type { LocalMediaTrackKind, LocalTrack } from '../track/track-types.js';
import { ConnectionWaiters } from './connection-waiters.js';
import { forwardParticipantEvents } from './forward-participant-events.js';
import { buildJoinMessage, iceServersFor } from './join-message.js';
import { PublishRequests } from './publish-requests.js';

export type RoomState = 'connected' | 'reconnecting' | 'disconnected';

/**
 * A joined room: you (`localParticipant`), everyone else (`participants`, by SID) and the
 * events of both. Obtained from {@link connect}; ends with {@link Room.disconnect}, a
 * refusal or removal by the server, or a reconnection that failed.
 */
export class Room extends TypedEmitter<RoomEventCallbacks> {
  readonly localParticipant: LocalParticipant;
  readonly participants = new Map<string, RemoteParticipant>();
  readonly #token: string;
  readonly #options: InternalConnectOptions;
  readonly #ownedTracks: readonly LocalMediaTrackKind[];
  readonly #peers: PeerManager;
  readonly #publishRequests: PublishRequests;
  readonly #sampler = new AudioLevelSampler();
  readonly #dominant: DominantSpeakerMonitor | null;
  #sid = '';
  #name = '';
  #state: RoomState = 'disconnected';
  #dominantSpeaker: RemoteParticipant | null = null;
  #client: SignalClient | null = null;
  #iceServers: RTCIceServer[] = [];
  #outbox: RelayOut[] = [];
  readonly #waiters = new ConnectionWaiters();
  #closed = false;

  /** @internal use {@link connect} */
  constructor(
    token: string,
    options: InternalConnectOptions,
    tracks: readonly LocalTrack[],
    ownedTracks: readonly LocalMediaTrackKind[],
  ) {
    super();
    this.#token = token;
    this.#options = options;
    this.#ownedTracks = ownedTracks;
    this.#publishRequests = new PublishRequests(options.publishTimeout);
    this.localParticipant = new LocalParticipant(this.#localEngine(), tracks);
    this.#peers = new PeerManager({
      localSid: () => this.localParticipant.sid,
      configuration: () => ({ iceServers: this.#iceServers, bundlePolicy: 'max-bundle' }),
      localTracks: () => this.localParticipant._publishedTracks(),
      remoteTracks: (sid) => [...(this.participants.get(sid)?.tracks.values() ?? [])],
      sendRelay: (message) => this.#sendRelay(message),
      onTrack: (peer, event) => this.#onTrack(peer, event),
      onDataChannel: (peer, channel) => this.#onDataChannel(peer, channel),
      responderStartDelayMs: options.responderStartDelay,
      selfHidden: options.hidden,
      answerTimeoutMs: options.answerTimeout,
      canSignal: () => this.#state === 'connected',
      hiddenFailedCloseMs: options.hiddenPeerFailedTimeout,
    });
    this.#dominant = options.dominantSpeaker
      ? new DominantSpeakerMonitor({
          intervalMs: options.dominantSpeakerInterval,
          threshold: options.dominantSpeakerThreshold,
          holdMs: options.dominantSpeakerHold,
          sample: () => this.#sampler.sample(this.#audioSources()),
          onChange: (sid) => this.#setDominantSpeaker(sid === null ? null : (this.participants.get(sid) ?? null)),
        })
      : null;
  }

  /** RM… SID */
  get sid(): string {
    return this.#sid;
  }

  get name(): string {
    return this.#name;
  }

  get state(): RoomState {
    return this.#state;
  }

  /** The remote participant heard the most lately, or null. */
  get dominantSpeaker(): RemoteParticipant | null {
    return this.#dominantSpeaker;
  }

  /** Leaves the room: says `leave`, closes every connection. Idempotent. */
  disconnect(): this {
    if (this.#closed) return this;
    this.#client?.close({ leave: true });
    this.#client = null;
    this.#teardown(undefined);
    return this;
  }

  /** @internal joins; rejects with a RoomError (the Room is then unusable) */
  async _connect(): Promise<void> {
    const result = await this.#open(undefined, this.#options.connectTimeout);
    if (!result.ok) {
      this.#closed = true;
      this.localParticipant._close();
      throw result.error;
    }
    this.#state = 'connected';
    this.#client = result.client;
    try {
      this.#applyJoined(result.joined, 'join');
    } catch (error) {
      this.disconnect();
      throw error;
    }
    result.client.setObserver(this.#observer);
    this.#waiters.resolveAll();
    this.#dominant?.start();
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this.#onPageHide);
  }

  readonly #observer: SignalObserver = {
    onMessage: (message) => this.#onMessage(message),
    onClose: (event) => this.#onClose(event),
  };

  readonly #onPageHide = (): void => {
    this.disconnect();
  };

  #open(resume: string | undefined, timeoutMs: number): Promise<SignalOpenResult> {
    const { signalingUrl: url, WebSocket, name: room, hidden } = this.#options;
    const tracks = this.localParticipant._describeTracks();
    const join = buildJoinMessage({ token: this.#token, room, hidden, tracks, resume });
    return SignalClient.open({ url, join, WebSocket, timeoutMs });
  }

  #applyJoined(joined: JoinedMessage, mode: JoinMode): void {
    this.#sid = joined.room.sid;
    this.#name = joined.room.name;
    this.#iceServers = iceServersFor(joined.iceServers, this.#options.iceServers);
    if (mode === 'rejoin') this.#removeEveryone();
    const local = this.localParticipant;
    local._setIdentity(joined.participant.sid, joined.participant.identity);
    this.#publishRequests.settleFromServer(joined.participant.tracks, (m) => this.#client?.send(m));
    local._applyServerTracks(joined.participant.tracks, mode);
    if (mode === 'resume') {
      const outbox = this.#outbox;
      this.#outbox = [];
      for (const message of outbox) this.#sendRelay(message);
      this.#syncParticipants(joined.participants);
      this.#peers.restartIce();
      return;
    }
    this.#outbox = [];
    const role = roleFor('joined', this.#options.hidden);
    for (const info of joined.participants) this.#addParticipant(info, mode === 'rejoin', role);
  }

  #onMessage(message: ParsedServerMessage): void {
    if (this.#closed) return;
    switch (message.type) {
      case 'joined':
        log.warn('signaling: unexpected "joined" ignored');
        return;
      case 'participant-joined':
        this.#addParticipant(message.participant, true, roleFor('participant-joined', this.#options.hidden));
        return;
      case 'participant-left':
        this.#removeParticipant(message.participantSid);
        return;
      case 'offer':
      case 'answer':
      case 'ice':
        this.#peers.handleRelay(message, this.participants.has(message.from));
        return;
      case 'published':
        if (this.#publishRequests.resolve(message.requestId, message.track)) return;
        // a late answer to a request that timed out or whose track was unpublished meanwhile
        if (!this.localParticipant._wants(message.track.streamId)) {
          this.#client?.send({ type: 'unpublish', trackSid: message.track.sid });
        }
        return;
      case 'track-published':
        this.participants.get(message.participantSid)?._publishTrack(message.track);
        return;
      case 'track-unpublished':
        this.participants.get(message.participantSid)?._unpublishTrack(message.trackSid);
        return;
      case 'track-state':
        this.participants.get(message.participantSid)?._setTrackEnabled(message.trackSid, message.enabled);
        return;
      case 'error': {
        const error = RoomError.fromServer(message.code, message.message);
        if (message.requestId !== undefined && this.#publishRequests.reject(message.requestId, error)) return;
        if (!message.fatal) {
          log.warn(`server error ${message.code}: ${message.message}`);
          return;
        }
        this.#client?.close({ leave: false });
        this.#client = null;
        this.#teardown(error);
        return;
      }
    }
  }

  #onClose(event: SignalCloseEvent): void {
    if (this.#closed) return;
    this.#client = null;
    const outcome = closeOutcome(event.code, event.reason, event.error);
    if (outcome.kind === 'ended') this.#teardown(undefined);
    else if (outcome.kind === 'refused') this.#teardown(outcome.error);
    else {
      log.warn(`signaling connection lost (${event.code}); reconnecting`);
      this.#reconnect().catch((error: unknown) => {
        log.error('reconnection failed unexpectedly', error);
        this.#teardown(RoomError.signalingDisconnected());
      });
    }
  }

  async #reconnect(): Promise<void> {
    this.#state = 'reconnecting';
    this.emit(RoomEvent.Reconnecting, RoomError.signalingDisconnected());
    const outcome = await runReconnectLoop({
      policy: this.#options.reconnectPolicy,
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      isCancelled: () => this.#closed,
      attempt: async () => {
        const result = await this.#open(this.localParticipant.sid, this.#options.reconnectAttemptTimeout);
        return result.ok ? { ok: true, value: result } : result;
      },
    });
    if (outcome.kind === 'cancelled') return;
    if (this.#closed) {
      if (outcome.kind === 'connected') outcome.value.client.close({ leave: true });
      return;
    }
    if (outcome.kind === 'failed') {
      this.#teardown(outcome.error);
      return;
    }
    const { client, joined } = outcome.value;
    this.#client = client;
    this.#state = 'connected';
    this.#applyJoined(joined, joined.resumed ? 'resume' : 'rejoin');
    client.setObserver(this.#observer);
    this.#waiters.resolveAll();
    if (!this.#closed) this.emit(RoomEvent.Reconnected);
  }

  #addParticipant(info: ParticipantInfo, announce: boolean, role: PeerRole): void {
    if (info.sid === this.localParticipant.sid) return;
    const existing = this.participants.get(info.sid);
    if (existing) {
      existing._sync(info);
      return;
    }
    const participant = new RemoteParticipant(info);
    forwardParticipantEvents(participant, this);
    this.participants.set(info.sid, participant);
    if (announce) this.emit(RoomEvent.ParticipantConnected, participant);
    this.#peers.open(info.sid, role, false);
  }

  #removeParticipant(sid: string): void {
    this.#peers.close(sid); // hidden peers too
    const participant = this.participants.get(sid);
    if (!participant) return;
    this.participants.delete(sid);
    participant._disconnect({ unpublish: true });
    if (this.#dominantSpeaker === participant) {
      this.#dominant?.reset();
      this.#setDominantSpeaker(null);
    }
    this.emit(RoomEvent.ParticipantDisconnected, participant);
  }

  #removeEveryone(): void {
    for (const sid of [...this.participants.keys()]) this.#removeParticipant(sid);
    this.#peers.closeAll();
  }

  /** After a resumed reconnection: catch up with joins and leaves we may have missed. */
  #syncParticipants(list: readonly ParticipantInfo[]): void {
    const listed = new Set(list.map((info) => info.sid));
    for (const sid of [...this.participants.keys()]) if (!listed.has(sid)) this.#removeParticipant(sid);
    const role = roleFor('participant-joined', this.#options.hidden);
    for (const info of list) this.#addParticipant(info, true, role);
  }

  #onTrack(peer: Peer, event: RTCTrackEvent): void {
    if (peer.hidden) return; // a hidden participant's media is never surfaced
    const participant = this.participants.get(peer.remoteSid);
    const stream = event.streams[0];
    if (!participant) return;
    if (!stream) {
      log.warn(`participant ${peer.remoteSid}: a track arrived without a MediaStream; ignored`);
      return;
    }
    participant._addMediaTrack(stream.id, event.track);
  }

  #onDataChannel(peer: Peer, channel: RTCDataChannel): void {
    if (peer.hidden) return;
    this.participants.get(peer.remoteSid)?._addDataChannel(channel);
  }

  /** Relayed SDP/ICE; kept while the signaling connection is down, in case it resumes. */
  #sendRelay(message: RelayOut): void {
    if (this.#closed || this.#client?.send(message)) return;
    this.#outbox.push(message);
    if (this.#outbox.length > this.#options.outboxLimit) this.#outbox.shift();
  }

  #audioSources(): Array<{ sid: string; getStats: () => Promise<RTCStatsReport> }> {
    const sources: Array<{ sid: string; getStats: () => Promise<RTCStatsReport> }> = [];
    for (const sid of this.participants.keys()) {
      const peer = this.#peers.get(sid);
      if (peer && !peer.hidden) sources.push({ sid, getStats: () => peer.getStats() });
    }
    return sources;
  }

  #setDominantSpeaker(participant: RemoteParticipant | null): void {
    if (this.#dominantSpeaker === participant) return;
    this.#dominantSpeaker = participant;
    this.emit(RoomEvent.DominantSpeakerChanged, participant);
  }

  #localEngine(): LocalParticipantEngine {
    return {
      whenConnected: () => this.#whenConnected(),
      isClosed: () => this.#closed,
      publish: (track) => this.#publishRequests.request(track, (m) => this.#client?.send(m)),
      unpublish: (trackSid) => void this.#client?.send({ type: 'unpublish', trackSid }),
      setTrackEnabled: (trackSid, enabled) => void this.#client?.send({ type: 'track-state', trackSid, enabled }),
      addToPeers: (track) => this.#peers.addTrack(track),
      removeFromPeers: (track) => this.#peers.removeTrack(track.streamId),
    };
  }

  #whenConnected(): Promise<void> {
    if (this.#closed) return Promise.reject(RoomError.notConnected());
    if (this.#state === 'connected') return Promise.resolve();
    return this.#waiters.wait();
  }

  #teardown(error: RoomError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state = 'disconnected';
    this.#dominant?.stop();
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.#onPageHide);
    this.#client?.close({ leave: false });
    this.#client = null;
    this.#outbox = [];
    this.#publishRequests.rejectAll(error ?? RoomError.notConnected());
    this.#waiters.rejectAll(error ?? RoomError.notConnected());
    this.#peers.closeAll();
    for (const participant of this.participants.values()) participant._disconnect({ unpublish: false });
    this.localParticipant._close();
    for (const track of this.#ownedTracks) track.stop();
    if (error) this.emit(RoomEvent.Disconnected, this, error);
    else this.emit(RoomEvent.Disconnected, this);
  }
}
