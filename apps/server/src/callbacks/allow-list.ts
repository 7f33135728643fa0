/**
 * `ONAIR_CALLBACK_ALLOW`: the destinations that status callbacks may reach besides public
 * addresses. A comma list of CIDRs (`127.0.0.0/8`, `fd00::/8`), single addresses
 * (`10.0.0.5`, `::1`) and host names (`hooks.internal`, `*.corp.example`).
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export interface AllowedSubnet {
  readonly network: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

export interface CallbackAllowList {
  readonly subnets: readonly AllowedSubnet[];
  /** lower-case ASCII host names without a trailing dot; `*.example.com` matches names below example.com */
  readonly hosts: readonly string[];
}

export const EMPTY_ALLOW_LIST: CallbackAllowList = Object.freeze({ subnets: Object.freeze([]), hosts: Object.freeze([]) });

/** Throws an Error naming the offending entry; the caller wraps it for its setting. */
export function parseCallbackAllow(text: string): CallbackAllowList {
  const subnets: AllowedSubnet[] = [];
  const hosts: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const subnet = parseSubnet(entry);
    if (subnet) subnets.push(subnet);
    else hosts.push(parseHostName(entry));
  }
  return Object.freeze({ subnets: Object.freeze(subnets), hosts: Object.freeze(hosts) });
}

/** Whether `hostname` (as the URL parser gives it) is named by one of `hosts`. */
export function hostNameAllowed(hosts: readonly string[], hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return hosts.some((h) => (h.startsWith('*.') ? name.endsWith(h.slice(1)) : name === h));
}

function parseSubnet(entry: string): AllowedSubnet | undefined {
  const slash = entry.indexOf('/');
  const address = unbracket(slash === -1 ? entry : entry.slice(0, slash));
  const version = isIP(address);
  if (version === 0) {
    if (slash !== -1) throw new Error(`'${entry}' is not a CIDR such as 127.0.0.0/8 or fd00::/8`);
    return undefined;
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (slash === -1) return { network: address, prefix: max, family };
  const prefix = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    throw new Error(`'${entry}' has a prefix length outside 0..${max}`);
  }
  return { network: address, prefix: Number(prefix), family };
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function parseHostName(entry: string): string {
  const wildcard = entry.startsWith('*.');
  const ascii = domainToASCII(wildcard ? entry.slice(2) : entry).replace(/\.$/, '');
  const labels = ascii.split('.');
  const last = labels[labels.length - 1] ?? '';
  const ok =
    ascii !== '' &&
    ascii.length <= 253 &&
    labels.every((l) => LABEL.test(l)) &&
    // a name ending in a number is read as an IPv4 address by URL parsers
    !/^(\d+|0x[0-9a-f]*)$/.test(last);
  if (!ok) throw new Error(`'${entry}' is neither a CIDR (such as 127.0.0.0/8), an IP address nor a host name`);
  return wildcard ? `*.${ascii}` : ascii;
}

function unbracket(s: string): string {
  return s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
}
