/**
 * The player's files, served from @onair/player's build:
 * - `GET /sdk/player.mjs` — ESM bundle (hls.js included); `GET /sdk/player.js` — IIFE
 *   (`window.Onair.Player`, defines `<onair-player>`). Any origin may load them.
 * - `GET /embed/player?token=<access token>` — the full-page player for iframes, and its
 *   script `/embed/player.js`. The page is framed only by the grant's allowed origins:
 *   `Content-Security-Policy: frame-ancestors <origins>` (`*` when any origin may play), read
 *   from the grant JWT once its signature checks out with this server's keys (expired or
 *   not: an expired grant still shows its error inside the frame). A grant that is not
 *   this server's gets `frame-ancestors 'none'`. The player in the page refuses bad grants
 *   itself (20101) and, when origins are restricted, refuses to play at top level. The
 *   rest of the page's CSP is security-headers.ts's, with the grant's playback origin
 *   added to connect-src.
 */
import { fileURLToPath } from 'node:url';
import { PLAYER_ASSETS, playerAssetsUrl } from '@onair/player/assets';
import { decodeAccessToken } from '@onair/tokens';
import express, { type Response, type Router } from 'express';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK } from 'jose';
import { setPageHeaders } from './security-headers.js';

export interface PlayerPagesOptions {
  /** this server's public grant keys (the JWKS) */
  jwks: () => { keys: Record<string, unknown>[] };
}

const assetsDir = fileURLToPath(playerAssetsUrl);

export function playerPagesRouter(opts: PlayerPagesOptions): Router {
  const router = express.Router();
  const sendAsset = (res: Response, file: string, cache: string) => {
    res.set('Cache-Control', cache);
    res.set('Access-Control-Allow-Origin', '*');
    res.type('text/javascript');
    res.sendFile(file, { root: assetsDir, dotfiles: 'deny' });
  };
  router.get('/sdk/player.mjs', (_req, res) => sendAsset(res, PLAYER_ASSETS.esm, 'public, max-age=300'));
  router.get('/sdk/player.js', (_req, res) => sendAsset(res, PLAYER_ASSETS.iife, 'public, max-age=300'));
  router.get('/embed/player.js', (_req, res) => sendAsset(res, PLAYER_ASSETS.embedScript, 'public, max-age=300'));
  router.get('/embed/player', async (req, res) => {
    const token = typeof req.query['token'] === 'string' ? req.query['token'] : undefined;
    const grant = token ? await verifiedGrant(token, opts.jwks()) : undefined;
    // the page's CSP: framed only by the grant's origins; fetches from its playback origin too.
    // The URL carries a token: never sent on as a Referer.
    setPageHeaders(res, {
      frameAncestors: frameAncestors(grant?.origins),
      connectOrigins: grant ? [grant.playbackOrigin] : [],
    });
    res.set('Cache-Control', 'no-store');
    res.type('html');
    res.sendFile(PLAYER_ASSETS.embedHtml, { root: assetsDir, dotfiles: 'deny' });
  });
  return router;
}

/** The `frame-ancestors` source list for a grant's allowed origins. */
export function frameAncestors(origins: string[] | undefined): string {
  if (!origins || origins.length === 0) return "'none'";
  if (origins.includes('*')) return '*';
  // origins are normalised scheme://host[:port] when the grant is signed; keep only those
  const safe = origins.filter((o) => /^https?:\/\/[a-z0-9.[\]:-]+$/i.test(o));
  return safe.length > 0 ? safe.join(' ') : "'none'";
}

/**
 * The allowed origins and the playback origin of the access token's playback grant, when its
 * grant JWT is signed by one of `jwks`' keys (expiry is not checked here); undefined otherwise.
 */
async function verifiedGrant(
  accessToken: string,
  jwks: { keys: Record<string, unknown>[] },
): Promise<{ origins: string[] | undefined; playbackOrigin: string } | undefined> {
  try {
    const player = decodeAccessToken(accessToken).claims.grants.player;
    if (!player) return undefined;
    const playbackUrl = new URL(player.playbackUrl);
    const jwt = playbackUrl.searchParams.get('token');
    if (!jwt) return undefined;
    const { iat } = decodeJwt(jwt);
    if (typeof iat !== 'number') return undefined;
    const { payload } = await jwtVerify(jwt, createLocalJWKSet({ keys: jwks.keys as JWK[] }), {
      algorithms: ['ES256'],
      currentDate: new Date(iat * 1000),
    });
    const origins = payload['origins'];
    return {
      origins: Array.isArray(origins) && origins.every((o) => typeof o === 'string') ? origins : undefined,
      playbackOrigin: playbackUrl.origin,
    };
  } catch {
    return undefined;
  }
}
