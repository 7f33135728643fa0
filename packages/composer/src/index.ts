/**
 * @onair/composer — the video-composer-v1 page (built into dist/page/) and its pure layout
 * functions. `composerPageUrl` is the directory the server serves under `/composer/`.
 */
export const composerPageUrl: URL = new URL('../page/', import.meta.url);
