/**
 * Settings of whatever runs media jobs (the server's embedded worker, or `onair worker`):
 * binaries, capacity, the composer's codec, standby Chromium and sandbox. Read from env only
 * (serve-config.ts and worker-config.ts pass it in).
 */
import { ConfigError, type Env } from './config-error.js';

export interface MediaConfig {
  chromePath: string | undefined;
  ffmpegPath: string | undefined;
  /** concurrent media processors on this machine; undefined: derived from the cores */
  maxProcessors: number | undefined;
  /** what the composer records: h264 (copied by ffmpeg, the default) or vp8 (re-encoded with libx264) */
  composerVideoCodec: 'h264' | 'vp8';
  /** Chromium kept ready (composer page preloaded) for the next media processors; undefined: the default (1) */
  composerStandby: number | undefined;
  /** ONAIR_CHROMIUM_NO_SANDBOX=1: the composer's Chromium runs with --no-sandbox (warned about at start) */
  chromiumNoSandbox: boolean;
}

export const MEDIA_USAGE = `Media: CHROME_PATH, FFMPEG_PATH (found when unset), ONAIR_MAX_PROCESSORS (concurrent
media processors this machine runs; default from the number of cores), ONAIR_COMPOSER_VIDEO_CODEC (h264 |
vp8: what the composer records; vp8 is re-encoded with libx264, for browsers without H.264),
ONAIR_COMPOSER_STANDBY (Chromium kept ready with the composer page loaded, so a new media
processor starts without launching one; default 1, 0 turns it off).
The composer's Chromium runs in its sandbox (as root: as nobody:nogroup, through setpriv;
it needs unprivileged user namespaces). ONAIR_CHROMIUM_NO_SANDBOX=1 runs it with
--no-sandbox instead: only where Chromium cannot be sandboxed; a warning is logged at start.`;

function composerVideoCodec(value: string | undefined): 'h264' | 'vp8' {
  if (!value) return 'h264';
  if (value !== 'h264' && value !== 'vp8') {
    throw new ConfigError(`ONAIR_COMPOSER_VIDEO_CODEC must be h264 or vp8 (got '${value}')`);
  }
  return value;
}

function composerStandby(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 16) {
    throw new ConfigError(`ONAIR_COMPOSER_STANDBY must be a whole number from 0 to 16 (got '${value}')`);
  }
  return Number(value);
}

function maxProcessors(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw new ConfigError(`ONAIR_MAX_PROCESSORS must be a whole number from 1 to 1000 (got '${value}')`);
  }
  return Number(value);
}

function chromiumNoSandbox(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ConfigError(`ONAIR_CHROMIUM_NO_SANDBOX must be 1 or 0 (got '${value}')`);
}

export function readMediaConfig(env: Env): MediaConfig {
  return {
    chromePath: env.CHROME_PATH || undefined,
    ffmpegPath: env.FFMPEG_PATH || undefined,
    maxProcessors: env.ONAIR_MAX_PROCESSORS ? maxProcessors(env.ONAIR_MAX_PROCESSORS) : undefined,
    composerVideoCodec: composerVideoCodec(env.ONAIR_COMPOSER_VIDEO_CODEC),
    composerStandby: env.ONAIR_COMPOSER_STANDBY ? composerStandby(env.ONAIR_COMPOSER_STANDBY) : undefined,
    chromiumNoSandbox: chromiumNoSandbox(env.ONAIR_CHROMIUM_NO_SANDBOX),
  };
}
