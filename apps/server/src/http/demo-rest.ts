/**
 * The demo's REST client: calls this server's own `/v1` API over loopback with the (dev)
 * credentials, exactly as an application backend would, so the demo uses nothing the
 * public API does not offer. The credentials stay on the server; refusals from the API
 * come back as ApiErrors carrying the API's own status and Twilio error code.
 */
import { ErrorCode } from '@onair/protocol';
import type { Request } from 'express';
import type { Credentials } from '../config/credentials.js';
import type { RestContext } from '../rest/context.js';
import { ApiError } from '../services/api-error.js';
import { loopbackFetch } from './loopback-fetch.js';

export type RestParams = Record<string, string | number | undefined>;

export interface DemoRest {
  get<T>(path: string, params?: RestParams): Promise<T>;
  post<T>(path: string, params?: RestParams): Promise<T>;
}

const TIMEOUT_MS = 15_000;

/** A client bound to the request's own socket (the address and port it came in on). */
export function demoRest(rest: RestContext, credentials: Credentials, req: Request): DemoRest {
  const baseUrl = rest.baseUrl(req);
  if (!URL.canParse(baseUrl)) throw ApiError.invalidParameter('The Host header is not a valid host');
  const fetch = loopbackFetch({ address: req.socket.localAddress ?? '127.0.0.1', port: req.socket.localPort ?? 0 });
  const authorization = `Basic ${Buffer.from(`${credentials.apiKeySid}:${credentials.apiSecret}`).toString('base64')}`;

  const form = (params: RestParams = {}) => {
    const f = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) f.set(k, String(v));
    return f.toString();
  };

  const call = async <T>(method: 'GET' | 'POST', path: string, params?: RestParams): Promise<T> => {
    const query = method === 'GET' ? form(params) : '';
    const body = method === 'POST' ? form(params) : '';
    let res: Awaited<ReturnType<typeof fetch>>;
    let text: string;
    try {
      res = await fetch(`${baseUrl}${path}${query ? `?${query}` : ''}`, {
        method,
        headers: { authorization, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      text = await res.text();
    } catch {
      throw new ApiError(502, ErrorCode.ServiceUnavailable, 'The demo could not reach the REST API');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(502, ErrorCode.ServiceUnavailable, `The REST API answered ${res.status} without JSON`);
    }
    if (!res.ok) {
      const e = json as { code?: unknown; message?: unknown };
      const status = res.status >= 500 ? 502 : res.status;
      throw new ApiError(
        status,
        typeof e.code === 'number' ? e.code : ErrorCode.InternalError,
        typeof e.message === 'string' ? e.message : `The REST API answered ${res.status}`,
      );
    }
    return json as T;
  };

  return {
    get: (path, params) => call('GET', path, params),
    post: (path, params) => call('POST', path, params),
  };
}
