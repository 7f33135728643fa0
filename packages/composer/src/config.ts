/**
 * Reads the ComposerConfig from the page's URL fragment (`#<encodeURIComponent(JSON)>`),
 * validates it once and fills in what may be left out from `configDefaults`. Errors name
 * the field, never its value: the config carries an access token and the ingest secret.
 */
import type { ComposerConfig, ComposerVideoCodec } from '@onair/protocol';
import { configDefaults, configLimits } from './defaults.js';
import { ComposerError } from './errors.js';

export interface ParseConfigOptions {
  /** checks a CSS colour (in the page: `CSS.supports('color', value)`); default: any short string */
  isColor?: (value: string) => boolean;
}

/** Parses `location.hash` (with or without the leading `#`). Throws ComposerError (ERR_CONFIG_INVALID). */
export function parseComposerConfig(hash: string, options: ParseConfigOptions = {}): ComposerConfig {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '') throw ComposerError.config('fragment', 'is empty (expected #<ComposerConfig JSON>)');
  let json: string;
  try {
    json = decodeURIComponent(raw);
  } catch {
    throw ComposerError.config('fragment', 'is not valid URI encoding');
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw ComposerError.config('fragment', 'is not JSON');
  }
  return validateComposerConfig(value, options);
}

/** Validates a parsed ComposerConfig and applies the defaults. Throws ComposerError. */
export function validateComposerConfig(value: unknown, options: ParseConfigOptions = {}): ComposerConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ComposerError.config('config', 'must be a JSON object');
  }
  const input = value as Record<string, unknown>;
  const width = optionalInt(input, 'width', configDefaults.width);
  const height = optionalInt(input, 'height', configDefaults.height);
  checkSize(width, height);
  const frameRate = optionalNumber(input, 'frameRate', configDefaults.frameRate, configLimits.minFrameRate, configLimits.maxFrameRate);
  const backgroundColor = optionalString(input, 'backgroundColor', configDefaults.backgroundColor);
  if (backgroundColor.length > configLimits.maxColorLength || !(options.isColor ?? (() => true))(backgroundColor)) {
    throw ComposerError.config('backgroundColor', 'is not a CSS colour');
  }
  const serverUrl = input.serverUrl === undefined ? undefined : url(input, 'serverUrl', ['http:', 'https:', 'ws:', 'wss:']);
  const config: ComposerConfig = {
    token: requiredString(input, 'token'),
    room: requiredString(input, 'room'),
    ingestUrl: url(input, 'ingestUrl', ['ws:', 'wss:']),
    ingestSecret: requiredString(input, 'ingestSecret'),
    width,
    height,
    frameRate,
    videoCodec: codec(input),
    keyFrameIntervalMs: optionalNumber(
      input,
      'keyFrameIntervalMs',
      configDefaults.keyFrameIntervalMs,
      configLimits.minKeyFrameIntervalMs,
      configLimits.maxKeyFrameIntervalMs,
    ),
    timesliceMs: optionalNumber(input, 'timesliceMs', configDefaults.timesliceMs, configLimits.minTimesliceMs, configLimits.maxTimesliceMs),
    videoBitsPerSecond: optionalNumber(
      input,
      'videoBitsPerSecond',
      Math.round(width * height * frameRate * configDefaults.bitsPerPixel),
      configLimits.minBitsPerSecond,
      configLimits.maxBitsPerSecond,
    ),
    audioBitsPerSecond: optionalNumber(
      input,
      'audioBitsPerSecond',
      configDefaults.audioBitsPerSecond,
      configLimits.minBitsPerSecond,
      configLimits.maxBitsPerSecond,
    ),
    hideParticipantIdentities: optionalBoolean(input, 'hideParticipantIdentities', configDefaults.hideParticipantIdentities),
    backgroundColor,
  };
  if (serverUrl !== undefined) config.serverUrl = serverUrl;
  return config;
}

function checkSize(width: number, height: number): void {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (short < configLimits.minSide) throw ComposerError.config('width/height', `must be at least ${configLimits.minSide} px`);
  if (long > configLimits.maxLongSide || short > configLimits.maxShortSide) {
    throw ComposerError.config('width/height', `must fit ${configLimits.maxLongSide}x${configLimits.maxShortSide} (either orientation)`);
  }
  // H.264 (4:2:0) needs even dimensions
  if (width % 2 !== 0 || height % 2 !== 0) throw ComposerError.config('width/height', 'must be even');
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const v = input[key];
  if (typeof v !== 'string' || v.trim() === '') throw ComposerError.config(key, 'must be a non-empty string');
  return v;
}

function optionalString(input: Record<string, unknown>, key: string, fallback: string): string {
  return input[key] === undefined ? fallback : requiredString(input, key);
}

function optionalBoolean(input: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = input[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw ComposerError.config(key, 'must be a boolean');
  return v;
}

function optionalNumber(input: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number {
  const v = input[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw ComposerError.config(key, 'must be a number');
  if (v < min || v > max) throw ComposerError.config(key, `must be between ${min} and ${max}`);
  return v;
}

function optionalInt(input: Record<string, unknown>, key: string, fallback: number): number {
  const v = input[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw ComposerError.config(key, 'must be an integer');
  return v;
}

function url(input: Record<string, unknown>, key: string, protocols: readonly string[]): string {
  const v = requiredString(input, key);
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw ComposerError.config(key, 'must be an absolute URL');
  }
  if (!protocols.includes(parsed.protocol)) throw ComposerError.config(key, `must use ${protocols.join(' or ')}`);
  return v;
}

function codec(input: Record<string, unknown>): ComposerVideoCodec {
  const v = input.videoCodec;
  if (v === undefined) return configDefaults.videoCodec;
  if (v !== 'h264' && v !== 'vp8') throw ComposerError.config('videoCodec', "must be 'h264' or 'vp8'");
  return v;
}
