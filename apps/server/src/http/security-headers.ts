/**
 * Response headers that limit what a browser does with this server's answers:
 * - `X-Content-Type-Options: nosniff` on every response (`noSniff`);
 * - on every HTML page, a Content-Security-Policy that allows only what the pages use, and
 *   `Referrer-Policy: no-referrer` (several carry a token in their URL; none needs a Referer).
 *
 * What the pages use: their own scripts and styles (inline `<style>` blocks and the player's
 * shadow-root style too), fetch and WebSockets to this server (`'self'` covers ws: and wss:
 * of the same host), media from MSE (`blob:`) and WebRTC (`srcObject`), hls.js's worker
 * (made from a `blob:` URL), the `data:,` favicon. Nothing else: no other origins, no plugins,
 * no `<base>`, inline scripts only by their hash.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

export interface PagePolicy {
  /** inline `<script>` bodies the page carries (allowed by their SHA-256) */
  inlineScripts?: readonly string[];
  /** origins besides this one the page fetches from (the embed player's playback origin) */
  connectOrigins?: readonly string[];
  /** who may frame the page; default `'self'` */
  frameAncestors?: string;
}

const scriptHash = (source: string) => `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;

/** An origin as a CSP source: scheme://host[:port] (a `*` port allowed), nothing that could end the directive. */
const isPlainOrigin = (o: string) => /^(https?|wss?):\/\/[a-z0-9.[\]:*-]+$/i.test(o);

/**
 * The composer page (loaded only by the server's own Chromium, from this host) sends its
 * recording to the ingest URL its configuration names: this listener today, and possibly an
 * ingest listener of its own on another local port (as a separate ingest would be, and as
 * tests' sinks are). Loopback only.
 */
export const COMPOSER_PAGE_POLICY: PagePolicy = {
  connectOrigins: ['ws://127.0.0.1:*', 'ws://localhost:*'], // (CSP has no syntax for an IPv6 literal)
};

export function contentSecurityPolicy(policy: PagePolicy = {}): string {
  const scripts = ["'self'", ...(policy.inlineScripts ?? []).map(scriptHash)];
  const connect = ["'self'", ...(policy.connectOrigins ?? []).filter(isPlainOrigin)];
  return [
    "default-src 'self'",
    `script-src ${scripts.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${policy.frameAncestors ?? "'self'"}`,
  ].join('; ');
}

/** CSP, no Referer, no sniffing: the headers of every HTML page. */
export function setPageHeaders(res: Response, policy: PagePolicy = {}): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(policy));
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/** For `express.static`'s `setHeaders`: the page headers on the HTML files it serves. */
export function staticPageHeaders(policy: PagePolicy = {}): (res: Response, path: string) => void {
  return (res, path) => {
    if (path.endsWith('.html')) setPageHeaders(res, policy);
  };
}

/** `X-Content-Type-Options: nosniff` on every response. */
export const noSniff: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};
