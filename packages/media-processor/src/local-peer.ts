/**
 * Whether a connection comes from this host: from a loopback address, or from the very
 * address it reached (a server bound to one of the host's own addresses is reached by
 * local clients from that address). Anything else is another machine (or another network
 * namespace) and is refused by the ingest endpoint.
 */
export interface PeerAddresses {
  remoteAddress?: string | undefined;
  localAddress?: string | undefined;
}

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** 127.0.0.0/8, ::1, and their IPv4-mapped IPv6 forms. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = V4_MAPPED.exec(address)?.[1] ?? address;
  if (/^127\.\d+\.\d+\.\d+$/.test(v4)) return true;
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

export function isLocalPeer(peer: PeerAddresses): boolean {
  const { remoteAddress, localAddress } = peer;
  if (!remoteAddress) return false; // already gone
  if (isLoopbackAddress(remoteAddress)) return true;
  return localAddress !== undefined && remoteAddress === localAddress;
}
