import type { TrackInfo, TrackKind } from '@onair/protocol';

/**
 * Perfect negotiation roles: the side whose participant SID sorts lower is polite (it
 * rolls back its own offer on a collision); the other side is impolite.
 */
export function isPolite(localSid: string, remoteSid: string): boolean {
  return localSid < remoteSid;
}

/**
 * The receive-only transceivers an offering side adds so that its first offer has room for
 * the media the other side already publishes. A transceiver created for a local track is
 * sendrecv and also carries one remote track of its kind; only the excess needs a
 * recvonly transceiver. `minimum` asks for at least that many m-lines per kind — a hidden
 * participant uses 1 so that its first offer is never empty: the other side does not know
 * it exists until that offer arrives.
 */
export function recvOnlyKinds(
  localKinds: readonly TrackKind[],
  remoteTracks: readonly Pick<TrackInfo, 'kind'>[],
  minimum = 0,
): Array<'audio' | 'video'> {
  const result: Array<'audio' | 'video'> = [];
  for (const kind of ['audio', 'video'] as const) {
    const local = localKinds.filter((k) => k === kind).length;
    const remote = Math.max(minimum, remoteTracks.filter((t) => t.kind === kind).length);
    for (let i = local; i < remote; i++) result.push(kind);
  }
  return result;
}

/** Which side starts negotiating when a peer connection is created. */
export type PeerRole = 'initiator' | 'responder';

/**
 * The newcomer offers to everyone listed in `joined`; an existing participant waits for
 * the newcomer's offer — except a hidden participant, which nobody else knows about and so
 * must offer itself.
 */
export function roleFor(reason: 'joined' | 'participant-joined' | 'offer', selfHidden: boolean): PeerRole {
  if (reason === 'joined') return 'initiator';
  if (reason === 'participant-joined') return selfHidden ? 'initiator' : 'responder';
  return 'responder';
}
