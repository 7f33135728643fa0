/**
 * GET /demo/watch[?streamer=VJ…] — the demo audience page. It does what an application
 * backend does: one PlaybackGrantCache per streamer, filled through this server's own
 * REST API with its own (dev) credentials, and one viewer access token per page load.
 * Without `streamer` it shows the most recently started PlayerStreamer.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode, SidPrefix, isSid, moreInfoUrl } from '@onair/protocol';
import {
  PlaybackGrantCache,
  PlaybackGrantCacheMap,
  PlaybackGrantRequestError,
  TokenError,
  fetchPlaybackGrantSource,
} from '@onair/tokens';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Credentials } from '../config/credentials.js';
import type { RestContext } from '../rest/context.js';
import { MIRROR_STATE, watchErrorPage, watchPage } from './demo-watch-page.js';
import { setPageHeaders } from './security-headers.js';
import { loopbackFetch } from './loopback-fetch.js';

export interface DemoWatchOptions {
  rest: RestContext;
  credentials: Credentials;
  logger: Logger;
}

/** Caches kept at most (one per streamer and host viewers used); the oldest is dropped. */
const MAX_CACHES = 64;

class WatchError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function demoWatch(opts: DemoWatchOptions): RequestHandler {
  const { rest, credentials, logger } = opts;
  // Key: [base URL viewers use, streamer SID, local address, local port] as JSON.
  const caches = new PlaybackGrantCacheMap({
    maxSize: MAX_CACHES,
    create: (key) => {
      const [baseUrl, streamerSid, address, port] = JSON.parse(key) as [string, string, string, number];
      return new PlaybackGrantCache({
        source: fetchPlaybackGrantSource({
          baseUrl,
          streamerSid,
          apiKeySid: credentials.apiKeySid,
          apiSecret: credentials.apiSecret,
          fetch: loopbackFetch({ address, port }),
        }),
        streamerSid,
        accountSid: credentials.accountSid,
        apiKeySid: credentials.apiKeySid,
        apiSecret: credentials.apiSecret,
      });
    },
  });

  const cacheKey = (req: Request, streamerSid: string) => {
    const baseUrl = rest.baseUrl(req);
    if (!URL.canParse(baseUrl)) throw new WatchError(400, ErrorCode.InvalidParameter, 'The Host header is not a valid host');
    return JSON.stringify([baseUrl, streamerSid, req.socket.localAddress ?? '127.0.0.1', req.socket.localPort ?? 0]);
  };

  return async (req, res) => {
    try {
      const streamerSid = await pickStreamer(rest, req.query['streamer']);
      const key = cacheKey(req, streamerSid);
      const identity = `viewer-${randomBytes(6).toString('hex')}`;
      let token: string;
      try {
        token = await caches.for(key).mintViewerToken({ identity });
      } catch (err) {
        caches.delete(key); // an unknown or ended streamer keeps no cache
        throw err;
      }
      res.set('Cache-Control', 'no-store');
      setPageHeaders(res, { inlineScripts: [MIRROR_STATE] });
      res.type('html').send(watchPage({ streamerSid, token, identity }));
    } catch (err) {
      const failure = toWatchError(err);
      if (failure.status >= 500) logger.warn({ err }, 'demo watch page failed');
      sendError(req, res, failure);
    }
  };
}

/** The requested streamer, or the most recently started one. */
async function pickStreamer(rest: RestContext, param: unknown): Promise<string> {
  if (param !== undefined) {
    if (!isSid(SidPrefix.PlayerStreamer, param)) {
      throw new WatchError(400, ErrorCode.InvalidParameter, 'streamer must be a PlayerStreamer SID (VJ followed by 32 hex characters)');
    }
    return param;
  }
  const started = await rest.store.playerStreamers.list({ filter: { status: 'started' }, order: 'desc', limit: -1 });
  const latest = started.reduce<(typeof started)[number] | undefined>(
    (best, s) => (best === undefined || s.dateUpdated > best.dateUpdated ? s : best),
    undefined,
  );
  if (!latest) {
    throw new WatchError(404, ErrorCode.NotFound, 'No stream is live: no PlayerStreamer has started yet');
  }
  return latest.sid;
}

function toWatchError(err: unknown): WatchError {
  if (err instanceof WatchError) return err;
  if (err instanceof PlaybackGrantRequestError && err.code === 'ERR_GRANT_REFUSED' && err.status !== undefined) {
    // the REST API's own verdict (404 unknown streamer, 409 ended …), passed on as it is
    const status = err.status >= 500 ? 502 : err.status;
    return new WatchError(status, err.twilioCode ?? ErrorCode.InternalError, err.message);
  }
  if (err instanceof PlaybackGrantRequestError || err instanceof TokenError) {
    return new WatchError(502, ErrorCode.ServiceUnavailable, 'Could not get a playback grant from the REST API');
  }
  return new WatchError(500, ErrorCode.InternalError, 'Internal server error');
}

function sendError(req: Request, res: Response, e: WatchError): void {
  res.status(e.status);
  res.set('Cache-Control', 'no-store');
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ code: e.code, message: e.message, more_info: moreInfoUrl(e.code), status: e.status });
  } else {
    setPageHeaders(res);
    res.type('html').send(watchErrorPage(e.status, e.code, e.message));
  }
}
