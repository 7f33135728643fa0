import type { ComposerConfig } from '@onair/protocol';
import { describe, expect, test } from 'vitest';
import { parseComposerConfig, validateComposerConfig } from './config.js';
import { configDefaults } from './defaults.js';
import { ComposerError, ComposerErrorCode } from './errors.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.secret-token-payload.sig';
const SECRET = 'the-ingest-secret';

const full: ComposerConfig = {
  token: TOKEN,
  room: 'RM00000000000000000000000000000000',
  serverUrl: 'http://127.0.0.1:8080',
  ingestUrl: 'ws://127.0.0.1:8080/internal/ingest/ZX1',
  ingestSecret: SECRET,
  width: 1920,
  height: 1080,
  frameRate: 30,
  videoCodec: 'vp8',
  keyFrameIntervalMs: 2000,
  timesliceMs: 250,
  videoBitsPerSecond: 4_000_000,
  audioBitsPerSecond: 128_000,
  hideParticipantIdentities: true,
  backgroundColor: 'rgb(10, 20, 30)',
};

const hashOf = (value: unknown) => `#${encodeURIComponent(JSON.stringify(value))}`;

function refusal(fn: () => unknown): ComposerError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ComposerError);
    return error as ComposerError;
  }
  throw new Error('expected a ComposerError');
}

describe('parseComposerConfig', () => {
  test('a complete config round-trips through the fragment', () => {
    expect(parseComposerConfig(hashOf(full))).toEqual(full);
    expect(parseComposerConfig(hashOf(full).slice(1))).toEqual(full);
  });

  test('what may be left out gets the defaults', () => {
    const { token, room, ingestUrl, ingestSecret } = full;
    const config = parseComposerConfig(hashOf({ token, room, ingestUrl, ingestSecret }));
    expect(config).toEqual({
      token,
      room,
      ingestUrl,
      ingestSecret,
      width: 1280,
      height: 720,
      frameRate: 30,
      videoCodec: 'h264',
      keyFrameIntervalMs: configDefaults.keyFrameIntervalMs,
      timesliceMs: configDefaults.timesliceMs,
      videoBitsPerSecond: Math.round(1280 * 720 * 30 * configDefaults.bitsPerPixel),
      audioBitsPerSecond: configDefaults.audioBitsPerSecond,
      hideParticipantIdentities: false,
      backgroundColor: '#000000',
    });
    expect(config).not.toHaveProperty('serverUrl');
  });

  test.each([
    ['portrait 1080x1920', { width: 1080, height: 1920 }],
    ['small 320x180', { width: 320, height: 180 }],
    ['60 fps', { frameRate: 60 }],
  ])('accepts %s', (_name, patch) => {
    expect(parseComposerConfig(hashOf({ ...full, ...patch }))).toMatchObject(patch);
  });

  test.each([
    ['an empty fragment', '', 'fragment'],
    ['bad URI encoding', '#%E0%A4%A', 'fragment'],
    ['not JSON', '#not-json', 'fragment'],
    ['an array', hashOf([]), 'config'],
    ['no token', hashOf({ ...full, token: undefined }), 'token'],
    ['an empty token', hashOf({ ...full, token: ' ' }), 'token'],
    ['no room', hashOf({ ...full, room: undefined }), 'room'],
    ['no ingest secret', hashOf({ ...full, ingestSecret: undefined }), 'ingestSecret'],
    ['an http ingest URL', hashOf({ ...full, ingestUrl: 'http://127.0.0.1/ingest' }), 'ingestUrl'],
    ['a relative ingest URL', hashOf({ ...full, ingestUrl: '/ingest' }), 'ingestUrl'],
    ['a file: server URL', hashOf({ ...full, serverUrl: 'file:///etc/passwd' }), 'serverUrl'],
    ['2560x1440', hashOf({ ...full, width: 2560, height: 1440 }), 'width/height'],
    ['1920x1200', hashOf({ ...full, width: 1920, height: 1200 }), 'width/height'],
    ['odd width', hashOf({ ...full, width: 641, height: 360 }), 'width/height'],
    ['a fractional width', hashOf({ ...full, width: 640.5 }), 'width'],
    ['a width as string', hashOf({ ...full, width: '640' }), 'width'],
    ['tiny', hashOf({ ...full, width: 8, height: 8 }), 'width/height'],
    ['0 fps', hashOf({ ...full, frameRate: 0 }), 'frameRate'],
    ['120 fps', hashOf({ ...full, frameRate: 120 }), 'frameRate'],
    ['an unknown codec', hashOf({ ...full, videoCodec: 'av1' }), 'videoCodec'],
    ['a 5 ms timeslice', hashOf({ ...full, timesliceMs: 5 }), 'timesliceMs'],
    ['a keyframe interval of 0', hashOf({ ...full, keyFrameIntervalMs: 0 }), 'keyFrameIntervalMs'],
    ['a negative bitrate', hashOf({ ...full, videoBitsPerSecond: -1 }), 'videoBitsPerSecond'],
    ['hideParticipantIdentities as string', hashOf({ ...full, hideParticipantIdentities: 'yes' }), 'hideParticipantIdentities'],
  ])('refuses %s (names %s)', (_name, hash, field) => {
    const error = refusal(() => parseComposerConfig(hash));
    expect(error.code).toBe(ComposerErrorCode.ConfigInvalid);
    expect(error.status).toBe(53000);
    expect(error.message).toContain(field);
    // never the secrets
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(SECRET);
  });

  test('the colour check is pluggable (CSS.supports in the page)', () => {
    const isColor = (value: string) => value.startsWith('#');
    expect(parseComposerConfig(hashOf({ ...full, backgroundColor: '#123' }), { isColor }).backgroundColor).toBe('#123');
    const error = refusal(() => validateComposerConfig({ ...full, backgroundColor: 'url(x)' }, { isColor }));
    expect(error.message).toContain('backgroundColor');
  });
});
