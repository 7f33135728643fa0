/**
 * @onair/composer — the video-composer-v1 page (built into dist/page/) and its pure layout
 * functions. `composerPageUrl` is the directory the server serves under `/composer/`.
 *
 * Everything exported here is free of DOM access, so Node can import it.
 */
export const composerPageUrl: URL = new URL('../page/', import.meta.url);

export { computeLayout, chooseGrid, clampAspect, gapFor } from './layout/grid-layout.js';
export type { LayoutInput, LayoutTile, PlacedTile, TileKind, TileRole, GridShape } from './layout/grid-layout.js';
export { coverSourceRect, containDestRect } from './layout/fit.js';
export type { Rect } from './layout/rect.js';
export { rankSpeakers, selectTiles } from './layout/tile-selection.js';
export type { SpeakerCandidate, ShownTile } from './layout/tile-selection.js';
export { chooseRecorderFormat, RECORDER_FORMATS } from './recorder-format.js';
export type { RecorderFormat } from './recorder-format.js';
export { parseComposerConfig, validateComposerConfig } from './config.js';
export type { ParseConfigOptions } from './config.js';
export { backoffDelay, isRetryableRoomError } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { ComposerError, ComposerErrorCode, GENERIC_ERROR_STATUS } from './errors.js';
export { configDefaults, configLimits, layoutDefaults, selectionDefaults, pageDefaults } from './defaults.js';
export type { LayoutOptions, SelectionOptions, PageOptions } from './defaults.js';
