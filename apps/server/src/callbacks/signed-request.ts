/** Turns a status callback into the exact, signed HTTP request that delivers it (and the log-safe forms of its URL). */
import { randomUUID } from 'node:crypto';
import { twilioSignature } from './signature.js';

export interface StatusCallback {
  url: string;
  method: 'POST' | 'GET';
  params: Record<string, string>;
}

export interface SignedRequest {
  /** Exact URL fetched and signed (GET: with params appended to the query). */
  requestUrl: string;
  /** origin + pathname: the only form of the URL that is ever logged. */
  logUrl: string;
  event: string | undefined;
  init: { method: 'POST' | 'GET'; headers: Record<string, string>; body?: string };
}

export type Prepared = { ok: true; request: SignedRequest } | { ok: false; reason: string; logUrl: string | undefined };

/** Validates `callback` and builds its signed request; never throws for bad input. */
export function signedRequest(callback: StatusCallback, authToken: string, userAgent: string): Prepared {
  if (!isRecord(callback) || typeof callback.url !== 'string') return { ok: false, reason: 'invalid callback', logUrl: undefined };
  let parsed: URL;
  try {
    parsed = new URL(callback.url);
  } catch {
    return { ok: false, reason: 'invalid url', logUrl: undefined };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: `unsupported protocol ${parsed.protocol}`, logUrl: undefined };
  }
  const logUrl = parsed.origin + parsed.pathname;
  const method = typeof callback.method === 'string' ? callback.method.toUpperCase() : '';
  if (method !== 'POST' && method !== 'GET') return { ok: false, reason: 'unsupported method', logUrl };

  // Copy now: the caller may mutate its object after send() returns.
  const params: Record<string, string> = {};
  if (isRecord(callback.params)) {
    for (const [key, value] of Object.entries(callback.params)) {
      if (value !== undefined && value !== null) params[key] = String(value);
    }
  }
  const event = params['StatusCallbackEvent'];
  const query = new URLSearchParams(params).toString();

  const headers: Record<string, string> = {
    'User-Agent': userAgent,
    Accept: '*/*',
    'I-Twilio-Idempotency-Token': randomUUID(),
  };
  if (method === 'POST') {
    // POST: sign the URL as configured plus the form params.
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['X-Twilio-Signature'] = twilioSignature(authToken, callback.url, params);
    return { ok: true, request: { requestUrl: callback.url, logUrl, event, init: { method, headers, body: query } } };
  }
  // GET: params go into the query string; Twilio signs the resulting full URL with no params.
  const requestUrl = appendQuery(callback.url, query);
  headers['X-Twilio-Signature'] = twilioSignature(authToken, requestUrl, {});
  return { ok: true, request: { requestUrl, logUrl, event, init: { method, headers } } };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The StatusCallbackEvent of an arbitrary (possibly invalid) callback, for logs. */
export function eventOf(callback: unknown): string | undefined {
  const event = isRecord(callback) && isRecord(callback['params']) ? callback['params']['StatusCallbackEvent'] : undefined;
  return typeof event === 'string' ? event : undefined;
}

/** origin + pathname, or undefined: never the query string or credentials. */
export function safeLogUrl(callback: unknown): string | undefined {
  if (!isRecord(callback) || typeof callback['url'] !== 'string') return undefined;
  try {
    const u = new URL(callback['url']);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin + u.pathname : undefined;
  } catch {
    return undefined;
  }
}

/** A short, log-safe description of a network error (never contains the full URL). */
export function describeError(err: unknown, request: SignedRequest): string {
  if (!(err instanceof Error)) return typeof err;
  const cause: unknown = err.cause;
  const code = isRecord(cause) ? cause['code'] : (err as Error & { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const message = cause instanceof Error ? cause.message : err.message;
  return `${err.name}: ${message.split(request.requestUrl).join(request.logUrl)}`;
}

/** Appends an encoded query to a URL string, keeping its existing query and fragment. */
function appendQuery(url: string, query: string): string {
  if (query === '') return url;
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const separator = !beforeHash.includes('?') ? '?' : /[?&]$/.test(beforeHash) ? '' : '&';
  return beforeHash + separator + query + hash;
}
