import type { RelayIn, RelayOut, TrackInfo } from '@onair/protocol';
import { log } from '../logger.js';
import type { LocalTrack } from '../track/track-types.js';
import type { PeerRole } from './negotiation-plan.js';
import { isPolite } from './negotiation-plan.js';
import { Peer } from './peer.js';

export interface PeerManagerDeps {
  readonly localSid: () => string;
  readonly configuration: () => RTCConfiguration;
  /** the local participant's published tracks */
  readonly localTracks: () => readonly LocalTrack[];
  /** what a remote participant publishes, per signaling */
  readonly remoteTracks: (remoteSid: string) => ReadonlyArray<Pick<TrackInfo, 'kind'>>;
  readonly sendRelay: (message: RelayOut) => void;
  readonly onTrack: (peer: Peer, event: RTCTrackEvent) => void;
  readonly onDataChannel: (peer: Peer, channel: RTCDataChannel) => void;
  readonly responderStartDelayMs: number;
  /** this side is a hidden participant */
  readonly selfHidden: boolean;
  readonly answerTimeoutMs: number;
  readonly canSignal: () => boolean;
  /** a connection to a hidden participant that stays failed this long is closed */
  readonly hiddenFailedCloseMs: number;
}

/** The peer connections of one room, by remote participant SID (hidden ones included). */
export class PeerManager {
  readonly #deps: PeerManagerDeps;
  readonly #peers = new Map<string, Peer>();
  readonly #failedTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(deps: PeerManagerDeps) {
    this.#deps = deps;
  }

  get(remoteSid: string): Peer | undefined {
    return this.#peers.get(remoteSid);
  }

  values(): Peer[] {
    return [...this.#peers.values()];
  }

  /**
   * Creates the connection to `remoteSid`, replacing any previous one. Returns undefined
   * (and logs) when the browser refuses to create it, e.g. for an invalid ICE server.
   */
  open(remoteSid: string, role: PeerRole, hidden: boolean): Peer | undefined {
    this.close(remoteSid);
    const deps = this.#deps;
    let peer: Peer;
    try {
      peer = new Peer(
        {
          remoteSid,
          hidden,
          polite: isPolite(deps.localSid(), remoteSid),
          role,
          configuration: deps.configuration(),
          localTracks: deps.localTracks(),
          remoteTracks: () => deps.remoteTracks(remoteSid),
          responderStartDelayMs: deps.responderStartDelayMs,
          minimumRecvLines: deps.selfHidden ? 1 : 0,
          answerTimeoutMs: deps.answerTimeoutMs,
          canSignal: deps.canSignal,
        },
        {
          signal: (message) => deps.sendRelay({ ...message, to: remoteSid }),
          onTrack: (event) => deps.onTrack(peer, event),
          onDataChannel: (channel) => deps.onDataChannel(peer, channel),
          onConnectionStateChange: (state) => this.#onConnectionStateChange(peer, state),
        },
      );
    } catch (error) {
      log.error(`cannot create a peer connection to ${remoteSid}`, error);
      return undefined;
    }
    this.#peers.set(remoteSid, peer);
    return peer;
  }

  /**
   * Routes a relayed offer/answer/candidate. An offer from a hidden participant (the
   * composer) opens a connection that is never surfaced; anything else from an unknown
   * sender is dropped.
   */
  handleRelay(message: RelayIn, isKnownParticipant: boolean): void {
    let peer = this.#peers.get(message.from);
    if (!peer) {
      if (message.type !== 'offer' || !(message.hidden === true || isKnownParticipant)) {
        log.debug(`relay "${message.type}" from unknown peer ${message.from} dropped`);
        return;
      }
      peer = this.open(message.from, 'responder', message.hidden === true);
      if (!peer) return;
    }
    const target = peer;
    target.handleRelay(message).catch((error: unknown) => {
      if (!target.closed) log.warn(`peer ${message.from}: cannot apply "${message.type}"`, error);
    });
  }

  addTrack(track: LocalTrack): void {
    for (const peer of this.#peers.values()) peer.addTrack(track);
  }

  removeTrack(streamId: string): void {
    for (const peer of this.#peers.values()) peer.removeTrack(streamId);
  }

  restartIce(): void {
    for (const peer of this.#peers.values()) peer.restartIce();
  }

  close(remoteSid: string): void {
    clearTimeout(this.#failedTimers.get(remoteSid));
    this.#failedTimers.delete(remoteSid);
    const peer = this.#peers.get(remoteSid);
    if (!peer) return;
    this.#peers.delete(remoteSid);
    peer.close();
  }

  closeAll(): void {
    for (const remoteSid of [...this.#peers.keys()]) this.close(remoteSid);
  }

  /**
   * Nobody announces that a hidden participant left (it was never listed), so a connection
   * to one that stays failed is given up. Visible participants leave via `participant-left`.
   */
  #onConnectionStateChange(peer: Peer, state: RTCPeerConnectionState): void {
    if (!peer.hidden) return;
    const sid = peer.remoteSid;
    clearTimeout(this.#failedTimers.get(sid));
    this.#failedTimers.delete(sid);
    if (state !== 'failed') return;
    const timer = setTimeout(() => {
      if (this.#peers.get(sid) !== peer || peer.pc.connectionState !== 'failed') return;
      log.debug(`hidden peer ${sid} failed for good; closing`);
      this.close(sid);
    }, this.#deps.hiddenFailedCloseMs);
    this.#failedTimers.set(sid, timer);
  }
}
