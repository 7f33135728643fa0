import type { RelayIn, RelayOut, RTCIceCandidateInitLike, TrackInfo } from '@onair/protocol';
import { log } from '../logger.js';
import type { LocalDataTrack } from '../track/local-data-track.js';
import type { LocalTrack } from '../track/track-types.js';
import type { PeerRole } from './negotiation-plan.js';
import { recvOnlyKinds } from './negotiation-plan.js';

/** How a Peer reaches the rest of the SDK. */
export interface PeerObserver {
  /** an offer, answer or ICE candidate for the remote side */
  signal(message: Omit<RelayOut, 'to'>): void;
  onTrack(event: RTCTrackEvent): void;
  onDataChannel(channel: RTCDataChannel): void;
  onConnectionStateChange(state: RTCPeerConnectionState): void;
}

export interface PeerOptions {
  readonly remoteSid: string;
  /** the remote side is a hidden participant (not listed, never surfaced) */
  readonly hidden: boolean;
  readonly polite: boolean;
  readonly role: PeerRole;
  readonly configuration: RTCConfiguration;
  /** what this side sends (the local participant's published tracks) */
  readonly localTracks: readonly LocalTrack[];
  /** what the remote side publishes, as far as signaling told us */
  readonly remoteTracks: () => ReadonlyArray<Pick<TrackInfo, 'kind'>>;
  /** a responder that got no offer after this long negotiates itself */
  readonly responderStartDelayMs: number;
  /** offer at least this many audio and video m-lines when offering first (hidden side: 1) */
  readonly minimumRecvLines: number;
  /** an offer unanswered for this long is sent again */
  readonly answerTimeoutMs: number;
  /** whether signaling can deliver right now (the answer timeout waits while it cannot) */
  readonly canSignal: () => boolean;
}

type StartReason = 'initiator' | 'offer' | 'timeout';

/**
 * One RTCPeerConnection to one remote participant, negotiated with the "perfect
 * negotiation" pattern (either side may offer at any time; on a collision the impolite
 * side ignores the remote offer and the polite side rolls back).
 *
 * A responder holds its tracks back until the initiator's first offer arrives (or a
 * fallback delay passes), so that the first exchange is a single offer/answer.
 */
export class Peer {
  readonly remoteSid: string;
  readonly hidden: boolean;
  readonly polite: boolean;
  readonly pc: RTCPeerConnection;
  readonly #observer: PeerObserver;
  readonly #role: PeerRole;
  readonly #remoteTracks: () => ReadonlyArray<Pick<TrackInfo, 'kind'>>;
  readonly #minimumRecvLines: number;
  readonly #answerTimeoutMs: number;
  readonly #canSignal: () => boolean;
  #answerTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #tracks = new Map<string, LocalTrack>();
  readonly #senders = new Map<string, RTCRtpSender>();
  readonly #channels = new Map<string, { channel: RTCDataChannel; track: LocalDataTrack }>();
  #startTimer: ReturnType<typeof setTimeout> | null = null;
  #started = false;
  #closed = false;
  #makingOffer = false;
  #ignoreOffer = false;
  #settingRemoteAnswer = false;

  constructor(options: PeerOptions, observer: PeerObserver) {
    this.remoteSid = options.remoteSid;
    this.hidden = options.hidden;
    this.polite = options.polite;
    this.#role = options.role;
    this.#remoteTracks = options.remoteTracks;
    this.#minimumRecvLines = options.minimumRecvLines;
    this.#answerTimeoutMs = options.answerTimeoutMs;
    this.#canSignal = options.canSignal;
    this.#observer = observer;
    this.pc = new RTCPeerConnection(options.configuration);
    this.pc.onnegotiationneeded = () => void this.#negotiate();
    this.pc.onicecandidate = ({ candidate }) => {
      this.#signal({ type: 'ice', candidate: candidate ? toCandidateInit(candidate) : null });
    };
    this.pc.ontrack = (event) => this.#guard('track', () => observer.onTrack(event));
    this.pc.ondatachannel = (event) => this.#guard('datachannel', () => observer.onDataChannel(event.channel));
    this.pc.onconnectionstatechange = () => this.#onConnectionStateChange();
    this.pc.onsignalingstatechange = () => {
      if (this.pc.signalingState !== 'have-local-offer') this.#clearAnswerTimer();
    };
    for (const track of options.localTracks) this.#tracks.set(track.streamId, track);
    if (options.role === 'initiator') this.#start('initiator');
    else this.#startTimer = setTimeout(() => this.#start('timeout'), options.responderStartDelayMs);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Starts sending `track` (renegotiates). A responder still waiting for the first offer
   * stops waiting: there is something to send now (a collision is resolved by the pattern).
   */
  addTrack(track: LocalTrack): void {
    if (this.#closed || this.#tracks.has(track.streamId)) return;
    this.#tracks.set(track.streamId, track);
    if (this.#started) this.#attach(track);
    else this.#start('timeout');
  }

  /** Stops sending the track with this streamId (renegotiates). */
  removeTrack(streamId: string): void {
    this.#tracks.delete(streamId);
    const sender = this.#senders.get(streamId);
    if (sender) {
      this.#senders.delete(streamId);
      if (!this.#closed) {
        try {
          this.pc.removeTrack(sender);
        } catch (error) {
          log.warn(`peer ${this.remoteSid}: removeTrack failed`, error);
        }
      }
    }
    const entry = this.#channels.get(streamId);
    if (entry) {
      this.#channels.delete(streamId);
      entry.track._removeChannel(entry.channel);
      entry.channel.close();
    }
  }

  /** Applies a relayed offer, answer or ICE candidate. */
  async handleRelay(message: RelayIn): Promise<void> {
    if (this.#closed) return;
    if (message.type === 'ice') {
      await this.#addCandidate(message.candidate ?? null);
      return;
    }
    const type = message.type;
    if (type === 'offer') this.#start('offer');
    const readyForOffer =
      !this.#makingOffer && (this.pc.signalingState === 'stable' || this.#settingRemoteAnswer);
    const collision = type === 'offer' && !readyForOffer;
    this.#ignoreOffer = !this.polite && collision;
    if (this.#ignoreOffer) {
      log.debug(`peer ${this.remoteSid}: ignoring a colliding offer (impolite side)`);
      return;
    }
    this.#settingRemoteAnswer = type === 'answer';
    try {
      await this.pc.setRemoteDescription({ type, sdp: message.sdp ?? '' });
    } finally {
      this.#settingRemoteAnswer = false;
    }
    if (type === 'offer' && !this.#closed) {
      await this.pc.setLocalDescription();
      this.#sendLocalDescription();
    }
  }

  /** Restarts ICE after the signaling connection was resumed (if ever negotiated). */
  restartIce(): void {
    if (this.#closed) return;
    if (!this.pc.localDescription && !this.pc.remoteDescription) return;
    this.pc.restartIce();
  }

  getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  /** Closes the connection; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#startTimer !== null) clearTimeout(this.#startTimer);
    this.#clearAnswerTimer();
    for (const { channel, track } of this.#channels.values()) track._removeChannel(channel);
    this.#channels.clear();
    this.#senders.clear();
    this.#tracks.clear();
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.ondatachannel = null;
    this.pc.onconnectionstatechange = null;
    this.pc.onsignalingstatechange = null;
    this.pc.close();
  }

  #start(reason: StartReason): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    if (this.#startTimer !== null) clearTimeout(this.#startTimer);
    this.#startTimer = null;
    const tracks = [...this.#tracks.values()];
    for (const track of tracks) this.#attach(track);
    // an offer brings its own m-lines; when we offer first, make room for what they send
    if (reason === 'offer') return;
    const localKinds = tracks.map((track) => track.kind);
    const kinds = recvOnlyKinds(localKinds, this.#remoteTracks(), this.#minimumRecvLines);
    for (const kind of kinds) this.pc.addTransceiver(kind, { direction: 'recvonly' });
    if (reason === 'timeout' && this.#role === 'responder') {
      log.debug(`peer ${this.remoteSid}: negotiating without waiting for an offer`);
    }
  }

  #attach(track: LocalTrack): void {
    try {
      if (track.kind === 'data') {
        const channel = this.pc.createDataChannel(track.streamId, track._channelInit());
        track._addChannel(channel);
        channel.addEventListener('close', () => track._removeChannel(channel));
        this.#channels.set(track.streamId, { channel, track });
      } else {
        this.#senders.set(track.streamId, this.pc.addTrack(track.mediaStreamTrack, track._stream));
      }
    } catch (error) {
      log.warn(`peer ${this.remoteSid}: cannot send track "${track.name}"`, error);
    }
  }

  async #negotiate(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#makingOffer = true;
      await this.pc.setLocalDescription();
      this.#sendLocalDescription();
    } catch (error) {
      if (!this.#closed) log.warn(`peer ${this.remoteSid}: cannot create an offer`, error);
    } finally {
      this.#makingOffer = false;
    }
  }

  #sendLocalDescription(): void {
    const description = this.pc.localDescription;
    if (this.#closed || !description) return;
    if (description.type !== 'offer' && description.type !== 'answer') return;
    this.#signal({ type: description.type, sdp: description.sdp });
    if (description.type === 'offer') this.#armAnswerTimer();
  }

  /**
   * An offer or its answer lost on the way (a relay dropped while a socket was down) would
   * leave this connection in have-local-offer for good: after `answerTimeoutMs` the same
   * offer is sent again. That is safe both when the remote side never saw it and when it
   * applied it and only its answer was lost (re-applying an identical offer changes nothing).
   */
  #armAnswerTimer(): void {
    this.#clearAnswerTimer();
    this.#answerTimer = setTimeout(() => {
      this.#answerTimer = null;
      if (this.#closed || this.pc.signalingState !== 'have-local-offer') return;
      if (this.#canSignal()) {
        log.warn(`peer ${this.remoteSid}: no answer after ${this.#answerTimeoutMs} ms; sending the offer again`);
        this.#sendLocalDescription(); // re-arms the timer
      } else {
        this.#armAnswerTimer(); // the offer waits in the outbox; give the reconnection its time
      }
    }, this.#answerTimeoutMs);
  }

  #clearAnswerTimer(): void {
    if (this.#answerTimer !== null) clearTimeout(this.#answerTimer);
    this.#answerTimer = null;
  }

  async #addCandidate(candidate: RTCIceCandidateInitLike | null): Promise<void> {
    try {
      if (candidate === null) await this.pc.addIceCandidate();
      else await this.pc.addIceCandidate(candidate as RTCIceCandidateInit);
    } catch (error) {
      // candidates of an offer we ignored, or arriving after close, are expected to fail
      if (!this.#ignoreOffer && !this.#closed) {
        log.debug(`peer ${this.remoteSid}: ICE candidate rejected`, error);
      }
    }
  }

  #onConnectionStateChange(): void {
    const state = this.pc.connectionState;
    log.debug(`peer ${this.remoteSid}: ${state}`);
    // one side restarts ICE, so that both do not offer at once
    if (state === 'failed' && !this.polite) this.restartIce();
    this.#guard('connectionstatechange', () => this.#observer.onConnectionStateChange(state));
  }

  #signal(message: Omit<RelayOut, 'to'>): void {
    if (this.#closed) return;
    this.#guard('signal', () => this.#observer.signal(message));
  }

  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      log.error(`peer ${this.remoteSid}: ${what} handler threw`, error);
    }
  }
}

function toCandidateInit(candidate: RTCIceCandidate): RTCIceCandidateInitLike {
  const init = candidate.toJSON();
  const result: RTCIceCandidateInitLike = { candidate: init.candidate ?? '' };
  if (init.sdpMid !== undefined) result.sdpMid = init.sdpMid;
  if (init.sdpMLineIndex !== undefined) result.sdpMLineIndex = init.sdpMLineIndex;
  if (init.usernameFragment !== undefined) result.usernameFragment = init.usernameFragment;
  return result;
}
