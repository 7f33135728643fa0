/**
 * Where status callbacks may connect: public unicast addresses, and whatever the operator
 * opened with `ONAIR_CALLBACK_ALLOW`. Loopback, private, link-local, CGNAT, multicast and
 * reserved ranges are refused, also when written as IPv4-mapped IPv6, NAT64 (64:ff9b::/96)
 * or 6to4 (2002::/16) addresses that embed them.
 */
import { BlockList, isIP } from 'node:net';
import { hostNameAllowed, type CallbackAllowList } from './allow-list.js';

/** Why a destination address was refused (the `reason` label of `onair_callbacks_refused_total`). */
export type RefusalReason = 'loopback' | 'private' | 'link-local' | 'cgnat' | 'multicast' | 'reserved';

export const REFUSAL_REASONS: readonly RefusalReason[] = ['loopback', 'private', 'link-local', 'cgnat', 'multicast', 'reserved'];

type Rule = readonly [network: string, prefix: number, reason: RefusalReason];

/** IPv4 ranges that are not the public internet (RFC 6890 and friends). */
const IPV4_RULES: readonly Rule[] = [
  ['0.0.0.0', 8, 'reserved'], // "this network", includes the unspecified address
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // includes cloud metadata services (169.254.169.254)
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // documentation
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'], // documentation
  ['203.0.113.0', 24, 'reserved'], // documentation
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // future use and the limited broadcast address
];

/** IPv6 ranges, checked after the IPv4 rules (which also cover addresses embedding IPv4). */
const IPV6_RULES: readonly Rule[] = [
  ['::', 128, 'reserved'], // unspecified
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private'], // local-use NAT64
  ['fc00::', 7, 'private'], // unique local
  ['fec0::', 10, 'private'], // site-local (deprecated)
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
  ['2001:db8::', 32, 'reserved'], // documentation
  ['2001::', 23, 'reserved'], // IETF protocol assignments (Teredo among them)
];

/** Embeds an IPv4 subnet into an IPv6 prefix (`64:ff9b::/96`, `2002::/16`) at bit `offset`. */
function embedded(v4: string, prefix: number, v6Prefix: string, offset: number): [string, number] {
  const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
  const hi = ((a << 8) | b).toString(16);
  const lo = ((c << 8) | d).toString(16);
  return offset === 96 ? [`${v6Prefix}${hi}:${lo}`, 96 + prefix] : [`${v6Prefix}${hi}:${lo}::`, offset + prefix];
}

const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');
GLOBAL_UNICAST.addSubnet('64:ff9b::', 96, 'ipv6'); // NAT64 of a public IPv4 address (DNS64 on IPv6-only hosts)
GLOBAL_UNICAST.addSubnet('::ffff:0:0', 96, 'ipv6'); // IPv4-mapped: judged by the IPv4 rules above

/** One BlockList per reason, built once: IPv4 rules also as NAT64 and 6to4 IPv6 (BlockList matches IPv4-mapped itself). */
const REFUSED: ReadonlyMap<RefusalReason, BlockList> = (() => {
  const lists = new Map<RefusalReason, BlockList>(REFUSAL_REASONS.map((r) => [r, new BlockList()]));
  for (const [network, prefix, reason] of IPV4_RULES) {
    const list = lists.get(reason)!;
    list.addSubnet(network, prefix, 'ipv4');
    list.addSubnet(...embedded(network, prefix, '64:ff9b::', 96), 'ipv6');
    list.addSubnet(...embedded(network, prefix, '2002:', 16), 'ipv6');
  }
  for (const [network, prefix, reason] of IPV6_RULES) lists.get(reason)!.addSubnet(network, prefix, 'ipv6');
  return lists;
})();

export class DestinationPolicy {
  private readonly allowed = new BlockList();
  private readonly hosts: readonly string[];

  constructor(allow: CallbackAllowList) {
    for (const s of allow.subnets) this.allowed.addSubnet(s.network, s.prefix, s.family);
    this.hosts = allow.hosts;
  }

  /** A host name the operator opened: whatever it resolves to may be reached. */
  allowsHostName(hostname: string): boolean {
    return hostNameAllowed(this.hosts, hostname);
  }

  /** Why a connection to `address` (an IP address) is refused, or undefined when it may be made. */
  refusal(address: string): RefusalReason | undefined {
    // a zone index (fe80::1%eth0) is not understood by BlockList: judge the address without it
    const bare = address.replace(/%.*$/, '').replace(/^\[(.*)\]$/, '$1');
    const version = isIP(bare);
    if (version === 0) return 'reserved';
    const family = version === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(bare, family)) return undefined;
    for (const [reason, list] of REFUSED) if (list.check(bare, family)) return reason;
    if (family === 'ipv6' && !GLOBAL_UNICAST.check(bare, 'ipv6')) {
      return 'reserved'; // not global unicast: IPv4-compatible, discard-only, unassigned
    }
    return undefined;
  }
}
