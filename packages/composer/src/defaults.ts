/**
 * Every tunable of the composer in one place: the recording settings a ComposerConfig may
 * leave out, the layout geometry, and the page's timings. Merged once at the edge
 * (`parseComposerConfig`, `computeLayout`, the page's wiring).
 */
import { COMPOSER_DEFAULTS, COMPOSER_LIMITS, type ComposerVideoCodec } from '@onair/protocol';

const [defaultWidth, defaultHeight] = COMPOSER_DEFAULTS.resolution.split('x').map(Number) as [number, number];

/**
 * Values a ComposerConfig may omit (the job always sends them all, from the settings the REST
 * edge completed): the composer's own defaults are protocol's COMPOSER_DEFAULTS.
 */
export const configDefaults = {
  width: defaultWidth,
  height: defaultHeight,
  frameRate: 30,
  videoCodec: 'h264' as ComposerVideoCodec,
  keyFrameIntervalMs: 2_000,
  timesliceMs: 250,
  /** bits per pixel per frame when `videoBitsPerSecond` is absent (≈ 2.8 Mb/s at 720p30) */
  bitsPerPixel: 0.1,
  audioBitsPerSecond: COMPOSER_DEFAULTS.audioBitrateKbps * 1000,
  hideParticipantIdentities: COMPOSER_DEFAULTS.hideParticipantIdentities,
  backgroundColor: COMPOSER_DEFAULTS.backgroundColor,
} as const;

/**
 * What a ComposerConfig may ask for. The canvas's size limits are protocol's
 * COMPOSER_LIMITS: the page re-checks the fragment it is given (anyone may load
 * /composer/), against the same numbers the REST edge checked.
 */
export const configLimits = {
  /** the long side of the canvas, px (either way round) */
  maxLongSide: COMPOSER_LIMITS.maxLongSide,
  maxShortSide: COMPOSER_LIMITS.maxShortSide,
  minSide: COMPOSER_LIMITS.minSide,
  minFrameRate: 1,
  maxFrameRate: 60,
  minKeyFrameIntervalMs: 100,
  maxKeyFrameIntervalMs: 60_000,
  minTimesliceMs: 10,
  maxTimesliceMs: 10_000,
  maxBitsPerSecond: 50_000_000,
  minBitsPerSecond: 8_000,
  maxColorLength: 64,
} as const;

/** Geometry of the grid and presentation layouts. */
export interface LayoutOptions {
  /** tiles in the grid at most */
  maxTiles: number;
  /** speakers beside a presentation at most */
  maxSidebarTiles: number;
  /** gap between tiles and around the edge, as a fraction of the canvas's short side */
  gapRatio: number;
  /** smallest gap, px */
  minGap: number;
  /**
   * Narrowest and widest tile shape (width / height). A cell outside that range gets the
   * largest tile of the nearest allowed shape, centred (background around it).
   */
  minTileAspect: number;
  maxTileAspect: number;
  /** share of the canvas's long side given to the speakers beside a presentation */
  sidebarRatio: number;
}

export const layoutDefaults: Readonly<LayoutOptions> = {
  maxTiles: 9,
  maxSidebarTiles: 5,
  gapRatio: 0.0125,
  minGap: 2,
  minTileAspect: 1,
  /** 16:9 and a little more, so one tile fills a 16:9 canvas once the gaps are taken off */
  maxTileAspect: 1.8,
  sidebarRatio: 0.2,
};

/** Which participants get a tile, and when. */
export interface SelectionOptions {
  /** a tile stays at least this long before a more recent speaker may take its place, ms */
  minShownMs: number;
}

export const selectionDefaults: Readonly<SelectionOptions> = {
  minShownMs: 3_000,
};

/** The page's timings (the browser side). */
export const pageDefaults = {
  /** an audio-only participant gets its name tile after this long, ms (no flash on join) */
  audioOnlyHoldMs: 500,
  /** a participant whose camera has not rendered yet gets a name tile after this long, ms */
  videoWaitMs: 1_500,
  /** the track name that switches to the presentation layout */
  presentationTrackName: 'video-composer-presentation',
  /** IngestStatus period, ms */
  statusIntervalMs: 1_000,
  /** first pause before a new ingest connection, ms; grows while connections keep failing */
  ingestReconnectMs: 400,
  ingestReconnectMaxMs: 3_000,
  /** ms to wait for `ready` after the hello */
  ingestReadyTimeoutMs: 10_000,
  /** a connection whose unsent bytes exceed this is dropped and recording starts over */
  ingestMaxBufferedBytes: 32 * 1024 * 1024,
  /** rejoin backoff after the room connection is lost for good, ms */
  rejoinInitialMs: 1_000,
  rejoinMaxMs: 15_000,
  rejoinMultiplier: 2,
  /** how long one join attempt may take, ms */
  joinTimeoutMs: 15_000,
} as const;

export type PageOptions = typeof pageDefaults;
