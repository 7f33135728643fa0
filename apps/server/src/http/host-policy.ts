/**
 * Which `Host` headers this server answers: loopback names, the host of the public URL, and
 * the addresses it is bound to (for a wildcard bind, the machine's interface addresses).
 * Anything else is refused before the header is used to build a URL, which closes DNS
 * rebinding (a foreign name pointed at this server) and Host-header injection into the
 * `url`/`links` fields and playback URLs.
 *
 * A request without Host is accepted: Node already refuses HTTP/1.1 without one, and a
 * browser always sends one, so only HTTP/1.0 tools (some load-balancer health checks) reach
 * here without it, and no rebinding is possible that way.
 */
import { isIP } from 'node:net';

export interface HostPolicyOptions {
  /** the --host the server listens on (an address, a name, or a wildcard) */
  bindHost: string;
  /** ONAIR_PUBLIC_URL */
  publicUrl: string | undefined;
  /** the machine's interface addresses, asked for when the bind is a wildcard */
  interfaceAddresses: () => string[];
  clock?: () => number;
}

/** Interface addresses are read again at most this often (a miss triggers the read). */
export const HOST_POLICY_REFRESH_MS = 1_000;

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);
/** A Host header: a reg-name or IPv4 literal, or a bracketed IPv6 literal, then an optional port. */
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::\d{1,5})?$/;

/** True for a bind address that only loopback clients can reach. */
export function isLoopbackBind(host: string): boolean {
  const name = normalizeHostname(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  return name !== undefined && isLoopbackName(name);
}

/**
 * The hostname of a Host header (or a bare host), normalised as URLs normalise it: lower
 * case, IPv4 in dotted decimal (`0x7f.1` → `127.0.0.1`), IPv6 compressed and in brackets,
 * one trailing dot dropped. Undefined when it is not a host.
 */
export function normalizeHostname(header: string): string | undefined {
  if (!HOST_HEADER.test(header)) return undefined;
  let hostname: string;
  try {
    hostname = new URL(`http://${header}/`).hostname;
  } catch {
    return undefined;
  }
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

function isLoopbackName(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

/** A bare address (as os.networkInterfaces() lists it) in the form normalizeHostname returns. */
function addressAsHostname(address: string): string | undefined {
  const bare = address.split('%')[0]!; // an IPv6 zone index cannot travel in a Host header
  return normalizeHostname(isIP(bare) === 6 ? `[${bare}]` : bare);
}

export class HostPolicy {
  private readonly fixed = new Set<string>();
  private readonly wildcard: boolean;
  private interfaces = new Set<string>();
  private readAt = -Infinity;
  private readonly clock: () => number;

  constructor(private readonly opts: HostPolicyOptions) {
    this.clock = opts.clock ?? Date.now;
    this.wildcard = WILDCARDS.has(opts.bindHost);
    if (!this.wildcard) {
      const bound = addressAsHostname(opts.bindHost);
      if (bound) this.fixed.add(bound);
    }
    if (opts.publicUrl) this.fixed.add(new URL(opts.publicUrl).hostname);
  }

  /** Adds the address the listener actually got (a bind by name resolves to one). */
  addBoundAddress(address: string): void {
    if (WILDCARDS.has(address)) return;
    const bound = addressAsHostname(address);
    if (bound) this.fixed.add(bound);
  }

  /** True when the `Host` header names this server (or is absent). */
  allows(header: string | undefined): boolean {
    if (header === undefined) return true;
    const hostname = normalizeHostname(header);
    if (hostname === undefined) return false;
    if (isLoopbackName(hostname) || this.fixed.has(hostname)) return true;
    if (!this.wildcard) return false;
    if (this.interfaces.has(hostname)) return true;
    // an address added since the last read (DHCP, a new interface): read again, not too often
    const now = this.clock();
    if (now - this.readAt < HOST_POLICY_REFRESH_MS) return false;
    this.readAt = now;
    this.interfaces = new Set(
      this.opts.interfaceAddresses().map(addressAsHostname).filter((h): h is string => h !== undefined),
    );
    return this.interfaces.has(hostname);
  }
}
