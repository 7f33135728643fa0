/**
 * Every tunable of the composer in one place: the recording settings a ComposerConfig may
 * leave out, the layout geometry, and the page's timings. Merged once at the edge
 * (`parseComposerConfig`, `computeLayout`, the page's wiring).
 */
import type { ComposerVideoCodec } from '@onair/protocol';

/** Values a ComposerConfig may omit (the job normally sends them all). */
export const configDefaults = {
  width: 1280,
  height: 720,
  frameRate: 30,
  videoCodec: 'h264' as ComposerVideoCodec,
  keyFrameIntervalMs: 2_000,
  timesliceMs: 250,
  /** bits per pixel per frame when `videoBitsPerSecond` is absent (≈ 2.8 Mb/s at 720p30) */
  bitsPerPixel: 0.1,
  audioBitsPerSecond: 128_000,
  hideParticipantIdentities: false,
  backgroundColor: '#000000',
} as const;

/** What a ComposerConfig may ask for. */
export const configLimits = {
  /** the long side of the canvas, px (1920x1080 either way round) */
  maxLongSide: 1920,
  maxShortSide: 1080,
  minSide: 16,
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
