/**
 * The status callbacks' HTTP client: one request, no redirects followed, and a connection
 * only to an address the {@link DestinationPolicy} accepts. The address is judged at
 * connect time, after DNS (a custom `lookup` on the socket), so a name that resolves to a
 * public address when checked and a private one when connecting (DNS rebinding) cannot
 * slip past; IP-literal hosts, which Node connects to without a lookup, are judged first.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { DestinationPolicy, RefusalReason } from './destination-policy.js';

/** A callback destination the policy refuses; never retried. */
export class CallbackRefusedError extends Error {
  override readonly name = 'CallbackRefusedError';
  readonly code = 'ECALLBACKREFUSED';
  constructor(
    readonly reason: RefusalReason,
    /** the refused IP address (not a secret: it says which range matched) */
    readonly address: string,
  ) {
    super(`callback destination refused: ${address} is ${reason}`);
  }
}

/** `dns.lookup` with `all: true`, injectable for tests (a resolver that rebinds). */
export type Resolver = (
  hostname: string,
  options: { all: true; family?: number; hints?: number },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/** A socket `lookup` that resolves, then keeps only the addresses the policy accepts (refusing when none is left). */
export function guardedLookup(policy: DestinationPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : options.family === 'IPv6' ? 6 : options.family === 'IPv4' ? 4 : 0;
    resolve(hostname, { all: true, family, ...(options.hints !== undefined ? { hints: options.hints } : {}) }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      let refused: CallbackRefusedError | undefined;
      const accepted = addresses.filter((a) => {
        const reason = policy.refusal(a.address);
        if (reason !== undefined) refused ??= new CallbackRefusedError(reason, a.address);
        return reason === undefined;
      });
      const first = accepted[0];
      if (first === undefined) {
        const error = refused ?? Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
        return callback(error, '', 0);
      }
      // Node asks for every address (all: true) when it races IPv4 and IPv6, for one otherwise
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, accepted);
      else callback(null, first.address, first.family);
    });
  };
}

export interface GuardedFetchOptions {
  /** DNS resolution; default `dns.lookup` (getaddrinfo, as every Node client) */
  resolve?: Resolver;
}

/**
 * A `fetch`-shaped function for the sender: it sends `init.method`, `init.headers` and
 * `init.body`, honours `init.signal`, never follows a redirect, and resolves with the status
 * and `Retry-After` once the response headers arrive (the body is discarded unread).
 */
export function guardedFetch(policy: DestinationPolicy, options: GuardedFetchOptions = {}): typeof fetch {
  const lookup = guardedLookup(policy, options.resolve);
  const fetchLike = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      }
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      const byName = policy.allowsHostName(host);
      if (isIP(host) !== 0 && !byName) {
        const reason = policy.refusal(host);
        if (reason !== undefined) return reject(new CallbackRefusedError(reason, host));
      }
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(url, {
        method: init.method ?? 'GET',
        headers: headersOf(init.headers),
        // a fresh agent per request: no pooled socket outlives the check that admitted it
        agent: false,
        ...(byName ? {} : { lookup }),
        ...(init.signal ? { signal: init.signal } : {}),
      });
      // `on`, not `once`: a late socket error after the response must not go unhandled
      req.on('error', reject);
      req.once('response', (res: IncomingMessage) => {
        // never read (nor wait for) the body: a hostile endpoint could stream it forever
        res.destroy();
        try {
          resolve(toResponse(res));
        } catch (err) {
          reject(err);
        }
      });
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
  return fetchLike as typeof fetch;
}

function headersOf(headers: RequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {};
  return Object.fromEntries(new Headers(headers).entries());
}

function toResponse(res: IncomingMessage): Response {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) throw Object.assign(new Error(`invalid HTTP status ${status}`), { code: 'EBADSTATUS' });
  const retryAfter = res.headers['retry-after'];
  const headers: Record<string, string> = {};
  if (typeof retryAfter === 'string' && /^[\x20-\x7e]*$/.test(retryAfter)) headers['retry-after'] = retryAfter;
  return new Response(null, { status, headers });
}
