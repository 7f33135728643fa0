/** The express application: health, JWKS, the authenticated /v1 API, and Twilio-style errors. */
import express, { type Express, type RequestHandler } from 'express';
import { PLAYBACK_PATH } from '@onair/protocol';
import { heldMs, type OriginIngest } from '@onair/player-streamer';
import type { Logger } from 'pino';
import type { Credentials } from '../config/credentials.js';
import type { RestContext } from '../rest/context.js';
import { mediaProcessorsRouter } from '../rest/media-processors.js';
import { mediaRecordingsRouter } from '../rest/media-recordings.js';
import { participantsRouter } from '../rest/participants.js';
import { playerStreamersRouter } from '../rest/player-streamers.js';
import { roomsRouter } from '../rest/rooms.js';
import type { Metrics } from '../metrics.js';
import { ApiError } from '../services/api-error.js';
import { basicAuth } from './auth.js';
import { demoApi } from './demo-api.js';
import { demoWatch } from './demo-watch.js';
import { errorHandler } from './error-handler.js';
import { GUARDED_WHEN_EXPOSED, credentialsWhenExposed } from './exposed-auth.js';
import { hostCheck } from './host-check.js';
import type { HostPolicy } from './host-policy.js';
import { sameOriginOnly } from './origin-check.js';
import { playerPagesRouter } from './player-pages.js';
import type { RestBudgets } from './rest-budgets.js';
import { COMPOSER_PAGE_POLICY, noSniff, staticPageHeaders } from './security-headers.js';

export interface AppOptions {
  rest: RestContext;
  credentials: Credentials;
  logger: Logger;
  metrics: Metrics;
  isReady: () => boolean;
  demoDir?: string | undefined;
  /** the built composer page (served under /composer/ for the MediaProcessor's Chromium) */
  composerDir?: string | undefined;
  /** the playback origin (`@onair/player-streamer`), everything under PLAYBACK_PATH */
  playback?: ((req: express.Request, res: express.Response) => Promise<void>) | undefined;
  /** which Host headers are answered (absent: any) */
  hostPolicy?: HostPolicy | undefined;
  /** bound to a non-loopback address: /demo/api, /demo/watch and /metrics require the API credentials */
  exposed?: boolean;
  /** ONAIR_PUBLIC_URL: its origin counts as the server's own for the /v1 Origin check */
  publicUrl?: string | undefined;
  /** /v1 budgets: failed authentications per address, requests per credential */
  restBudgets?: RestBudgets | undefined;
  /** where workers push what they package (`@onair/player-streamer` createOriginIngest), under ORIGIN_PATH */
  originIngest?: OriginIngest | undefined;
}

/** Workers' endpoints: the push endpoint, and `GET /origin/account` (the Account SID a worker's composer tokens name). */
export const ORIGIN_PATH = '/origin';

export const BODY_LIMIT = '1mb';

/**
 * Refuses form bodies whose percent-escapes are not UTF-8: the form decoder would keep
 * them as literal text ("bad%FF") and store it.
 */
function verifyUtf8Form(_req: unknown, _res: unknown, buf: Buffer): void {
  for (const part of buf.toString('latin1').split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw ApiError.invalidParameter('The request body is not valid UTF-8 form data');
    }
  }
}

/** Access log without query strings (they may carry tokens). */
function accessLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl === PLAYBACK_PATH ? PLAYBACK_PATH : 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      // a Low-Latency HLS request held until the stream reached it: only the server's own time
      metrics.httpDuration.observe({ method: req.method, route }, Math.max(0, ms - heldMs(res)) / 1000);
      // playback session tokens travel in the path: never logged
      const path = req.originalUrl.split('?')[0]!.replace(/^(\/playback\/[^/]+\/s\/)[^/]+/, '$1…');
      logger.info({ method: req.method, path, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    next();
  };
}

export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(noSniff);
  app.use(accessLog(opts.logger, opts.metrics));
  if (opts.hostPolicy) app.use(hostCheck(opts.hostPolicy));
  // off loopback these ask for the API credentials: guessing them costs the same budget as on /v1
  if (opts.exposed && opts.restBudgets) app.use([...GUARDED_WHEN_EXPOSED], opts.restBudgets.authFailures);
  app.use([...GUARDED_WHEN_EXPOSED], credentialsWhenExposed(opts.exposed ?? false, opts.credentials));

  app.get('/healthz', (_req, res) => {
    if (opts.isReady()) res.status(200).json({ status: 'ok' });
    else res.status(503).json({ status: 'starting' });
  });
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.set('Access-Control-Allow-Origin', '*');
    // the player reads the server's clock from Date to check grant expiry (cross-origin too)
    res.set('Access-Control-Expose-Headers', 'Date');
    res.json(opts.rest.grants.jwks());
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', opts.metrics.registry.contentType);
    res.send(await opts.metrics.registry.metrics());
  });

  if (opts.composerDir) {
    app.use(
      '/composer',
      express.static(opts.composerDir, { index: 'composer.html', fallthrough: true, setHeaders: staticPageHeaders(COMPOSER_PAGE_POLICY) }),
    );
  }
  if (opts.demoDir) {
    app.use('/demo/api', demoApi({ rest: opts.rest, credentials: opts.credentials, metrics: opts.metrics }));
    app.get('/demo/watch', demoWatch({ rest: opts.rest, credentials: opts.credentials, logger: opts.logger }));
    app.use(
      '/demo',
      express.static(opts.demoDir, { extensions: ['html'], index: 'index.html', fallthrough: true, setHeaders: staticPageHeaders() }),
    );
  }

  // grant-gated playback sessions, playlists and segments: before the authenticated API
  const playback = opts.playback;
  if (playback) app.use(PLAYBACK_PATH, (req, res) => void playback(req, res));

  app.use(playerPagesRouter({ jwks: () => opts.rest.grants.jwks() }));

  // workers: the same credentials as /v1, the same budget for guessing them
  const ingest = opts.originIngest;
  if (ingest) {
    if (opts.restBudgets) app.use(ORIGIN_PATH, opts.restBudgets.authFailures);
    app.get(`${ORIGIN_PATH}/account`, basicAuth(opts.credentials), (_req, res) => {
      res.json({ account_sid: opts.credentials.accountSid });
    });
    app.use(ORIGIN_PATH, (req, res) => void ingest(req, res));
  }

  const v1 = express.Router();
  v1.use(sameOriginOnly(opts.publicUrl));
  if (opts.restBudgets) v1.use(opts.restBudgets.authFailures);
  v1.use(basicAuth(opts.credentials));
  if (opts.restBudgets) v1.use(opts.restBudgets.perCredential);
  v1.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 1000, verify: verifyUtf8Form }));
  v1.use(roomsRouter(opts.rest));
  v1.use(participantsRouter(opts.rest));
  v1.use(playerStreamersRouter(opts.rest));
  v1.use(mediaProcessorsRouter(opts.rest));
  v1.use(mediaRecordingsRouter(opts.rest));
  app.use('/v1', v1);

  app.use((req, _res, next) => next(ApiError.notFound(req.path)));
  app.use(errorHandler(opts.logger));
  return app;
}
