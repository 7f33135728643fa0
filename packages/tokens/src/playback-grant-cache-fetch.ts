import { TokenError } from './errors.js';
import { isIntegerInRange, isNonEmptyString, isRecord } from './guards.js';
import type { PlaybackGrantSource } from './playback-grant-cache.js';
import { PlaybackGrantRequestError } from './playback-grant-cache-errors.js';
import { MAX_PLAYBACK_GRANT_TTL } from './playback-grant-claims.js';

/** The part of `fetch` a source needs; globalThis.fetch, undici and node-fetch all fit. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface FetchPlaybackGrantSourceOptions {
  /** Where the REST API lives: your onair server's URL, or https://media.twilio.com. */
  baseUrl: string;
  streamerSid: string;
  /** Basic auth with an API key (preferred)… */
  apiKeySid?: string;
  apiSecret?: string;
  /** …or with the Account SID and auth token. */
  accountSid?: string;
  authToken?: string;
  /** Grant lifetime asked for, seconds; default 60 (the maximum). */
  ttl?: number;
  /** Origins allowed to play (AccessControlAllowOrigin); default: the server's default, any. */
  accessControlAllowOrigin?: string | string[];
  /** Default globalThis.fetch. */
  fetch?: FetchLike;
  /** Gives up on a request after this many ms; default 10000. */
  timeoutMs?: number;
}

export const FETCH_PLAYBACK_GRANT_SOURCE_DEFAULTS = Object.freeze({
  ttl: MAX_PLAYBACK_GRANT_TTL,
  timeoutMs: 10_000,
});

/**
 * A PlaybackGrantSource that POSTs `/v1/PlayerStreamers/{Sid}/PlaybackGrant` with plain
 * fetch: form-encoded `Ttl` (and `AccessControlAllowOrigin`), HTTP Basic auth. A REST
 * error answer becomes PlaybackGrantRequestError ERR_GRANT_REFUSED with the Twilio
 * `code`; no answer becomes ERR_GRANT_UNREACHABLE.
 */
export function fetchPlaybackGrantSource(options: FetchPlaybackGrantSourceOptions): PlaybackGrantSource {
  const opts = { ...FETCH_PLAYBACK_GRANT_SOURCE_DEFAULTS, ...options };
  const url = grantUrl(opts.baseUrl, opts.streamerSid);
  const authorization = basicAuthorization(opts);
  if (!isIntegerInRange(opts.ttl, 1, MAX_PLAYBACK_GRANT_TTL)) {
    throw TokenError.options(`ttl must be an integer number of seconds from 1 to ${MAX_PLAYBACK_GRANT_TTL}`);
  }
  if (!isIntegerInRange(opts.timeoutMs, 1, 2 ** 31 - 1)) throw TokenError.options('timeoutMs must be a positive integer');
  const fetcher = opts.fetch ?? (globalThis.fetch as FetchLike | undefined);
  if (typeof fetcher !== 'function') throw TokenError.options('fetch must be a function (no global fetch here)');

  const form = new URLSearchParams({ Ttl: String(opts.ttl) });
  const origins = opts.accessControlAllowOrigin;
  if (origins !== undefined) form.set('AccessControlAllowOrigin', [origins].flat().join(','));
  const body = form.toString();
  const headers = {
    authorization,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };

  return async () => {
    let status: number;
    let ok: boolean;
    let text: string;
    try {
      const response = await fetcher(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs) });
      ({ status, ok } = response);
      text = await response.text();
    } catch (error) {
      const what = isTimeout(error) ? `timed out after ${opts.timeoutMs} ms` : 'failed';
      throw PlaybackGrantRequestError.unreachable(`PlaybackGrant request to ${url} ${what}`, error);
    }
    const json = parseJson(text);
    if (!ok) throw refused(status, json);
    if (json === undefined) throw TokenError.grantInvalid(`PlaybackGrant answer (HTTP ${status}) is not JSON`);
    return json as { grant: unknown };
  };
}

function grantUrl(baseUrl: unknown, streamerSid: unknown): string {
  if (!isNonEmptyString(streamerSid)) throw TokenError.options('streamerSid must be a non-empty string');
  let base: URL;
  try {
    base = new URL(String(baseUrl));
  } catch {
    throw TokenError.options('baseUrl must be an absolute http(s) URL');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw TokenError.options('baseUrl must be an http(s) URL');
  const prefix = base.href.replace(/\/+$/, '');
  return `${prefix}/v1/PlayerStreamers/${encodeURIComponent(streamerSid)}/PlaybackGrant`;
}

function basicAuthorization(opts: FetchPlaybackGrantSourceOptions): string {
  let user: string;
  let pass: string;
  if (opts.apiKeySid !== undefined || opts.apiSecret !== undefined) {
    if (!isNonEmptyString(opts.apiKeySid) || !isNonEmptyString(opts.apiSecret)) {
      throw TokenError.options('apiKeySid and apiSecret must both be non-empty strings');
    }
    [user, pass] = [opts.apiKeySid, opts.apiSecret];
  } else if (isNonEmptyString(opts.accountSid) && isNonEmptyString(opts.authToken)) {
    [user, pass] = [opts.accountSid, opts.authToken];
  } else {
    throw TokenError.options('give apiKeySid + apiSecret, or accountSid + authToken');
  }
  // btoa takes Latin-1: encode the UTF-8 bytes one character each.
  let binary = '';
  for (const byte of new TextEncoder().encode(`${user}:${pass}`)) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Twilio REST error body `{code, message, more_info, status}` → typed error. */
function refused(status: number, body: unknown): PlaybackGrantRequestError {
  const fields = isRecord(body) ? body : {};
  return PlaybackGrantRequestError.fromRest(status, {
    code: fields['code'],
    message: fields['message'],
    moreInfo: fields['more_info'],
  });
}

function isTimeout(error: unknown): boolean {
  return isRecord(error) && (error['name'] === 'TimeoutError' || error['name'] === 'AbortError');
}
