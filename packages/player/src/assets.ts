/**
 * `@onair/player/assets` — where the built bundles and the embed page live, for the server
 * that serves them (`/sdk/player.mjs`, `/sdk/player.js`, `/embed/player`). Free of DOM and
 * Node APIs, so Node can import it without loading the browser SDK.
 */
export const playerAssetsUrl: URL = new URL('./', import.meta.url);

/** File names inside {@link playerAssetsUrl}. */
export const PLAYER_ASSETS = {
  /** ESM bundle with hls.js and the grant checks included (`/sdk/player.mjs`) */
  esm: 'onair-player.mjs',
  /** IIFE bundle: `window.Onair.Player`, registers `<onair-player>` (`/sdk/player.js`) */
  iife: 'onair-player.iife.js',
  /** the `/embed/player` page and its script */
  embedHtml: 'pages/embed-player.html',
  embedScript: 'pages/embed-player.js',
} as const;
