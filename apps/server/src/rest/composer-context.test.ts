import { describe, expect, test } from 'vitest';
import { COMPOSER_DEFAULTS, COMPOSER_LIMITS } from '@onair/protocol';
import { check, composerContextSchema, parseComposerRequest } from './composer-context.js';
import { ApiError } from '../services/api-error.js';

const base = { room: { name: 'show' }, outputs: ['VJ' + '0'.repeat(32)] };

describe('ExtensionContext.recordings', () => {
  test.each([
    ['absent', {}, undefined],
    ['empty list (no recording)', { recordings: [] }, []],
    ['one mp4', { recordings: [{ containerFormat: 'mp4' }] }, [{ containerFormat: 'mp4' }]],
  ])('accepts %s', (_name, extra, recordings) => {
    const r = check(composerContextSchema, { ...base, ...extra });
    expect(r).toEqual({ ok: true, value: { ...base, ...(recordings ? { recordings } : {}) } });
  });

  test.each([
    ['a string', 'mp4', 'recordings: must be an array like [{"containerFormat": "mp4"}]'],
    ['an object', { containerFormat: 'mp4' }, 'recordings: must be an array like [{"containerFormat": "mp4"}]'],
    ['null', null, 'recordings: must be an array like [{"containerFormat": "mp4"}]'],
    ['two recordings', [{ containerFormat: 'mp4' }, { containerFormat: 'mp4' }], 'recordings: may name at most one recording'],
    ['webm', [{ containerFormat: 'webm' }], 'recordings.0.containerFormat: must be "mp4" (the only container format recordings are made in)'],
    ['MP4 in capitals', [{ containerFormat: 'MP4' }], 'recordings.0.containerFormat: must be "mp4" (the only container format recordings are made in)'],
    ['a number format', [{ containerFormat: 4 }], 'recordings.0.containerFormat: must be "mp4" (the only container format recordings are made in)'],
    ['no format', [{}], 'recordings.0.containerFormat: is required (use "mp4")'],
    ['a string item', ['mp4'], 'recordings.0: must be an object like {"containerFormat": "mp4"}'],
    ['an unknown key', [{ containerFormat: 'mp4', bucket: 's3://x' }], 'recordings.0: has unknown key(s) bucket; only containerFormat is allowed'],
  ])('refuses %s with a clear message', (_name, recordings, message) => {
    const r = check(composerContextSchema, { ...base, recordings });
    expect(r).toEqual({ ok: false, message });
  });
});

describe('parseComposerRequest: one parse, every default, every limit', () => {
  const VJ = 'VJ' + '1'.repeat(32);
  test('a minimal request gets every default of COMPOSER_DEFAULTS', () => {
    expect(parseComposerRequest('video-composer-v1', JSON.stringify({ room: { name: 'show' }, outputs: [VJ, VJ] }))).toEqual({
      room: 'show',
      outputs: [VJ],
      identity: COMPOSER_DEFAULTS.identity,
      width: 1280,
      height: 720,
      audioKbps: COMPOSER_DEFAULTS.audioBitrateKbps,
      hideParticipantIdentities: COMPOSER_DEFAULTS.hideParticipantIdentities,
      backgroundColor: COMPOSER_DEFAULTS.backgroundColor,
      recording: undefined,
    });
  });

  test('what the request says wins, portrait included', () => {
    const settings = parseComposerRequest(
      'video-composer-v1',
      JSON.stringify({ room: { name: 'RM' + '2'.repeat(32) }, outputs: [VJ], identity: 'me', resolution: '720x1280', audioBitrate: 64, recordings: [{ containerFormat: 'mp4' }] }),
      JSON.stringify({ hideParticipantIdentities: true, backgroundColor: '#123456' }),
    );
    expect(settings).toMatchObject({ identity: 'me', width: 720, height: 1280, audioKbps: 64, hideParticipantIdentities: true, backgroundColor: '#123456', recording: { containerFormat: 'mp4' } });
  });

  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      return { status: (err as ApiError).status, message: (err as ApiError).message };
    }
    throw new Error('not refused');
  };

  test.each([
    ['the long side', `${COMPOSER_LIMITS.maxLongSide + 2}x720`],
    ['the short side', `1280x${COMPOSER_LIMITS.maxShortSide + 2}`],
    ['an odd side', '1281x720'],
    ['a side under the minimum', `${COMPOSER_LIMITS.minSide - 2}x720`],
  ])('refuses a resolution past %s of COMPOSER_LIMITS', (_what, res) => {
    const r = refusal(() => parseComposerRequest('video-composer-v1', JSON.stringify({ room: { name: 'x' }, outputs: [VJ], resolution: res })));
    expect(r.status).toBe(400);
    expect(r.message).toMatch(/^Invalid parameter ExtensionContext: resolution: must be even/);
  });

  test('refuses an unknown extension, bad JSON and a bad environment, naming the parameter', () => {
    expect(refusal(() => parseComposerRequest('nope', '{}')).message).toMatch(/^Invalid parameter Extension: 'nope' is not available/);
    expect(refusal(() => parseComposerRequest('video-composer-v1', '{')).message).toMatch(/^Invalid parameter ExtensionContext: must be valid JSON/);
    expect(
      refusal(() => parseComposerRequest('video-composer-v1', JSON.stringify({ room: { name: 'x' }, outputs: [VJ] }), '{"backgroundColor":"red"}')).message,
    ).toBe('Invalid parameter ExtensionEnvironment: backgroundColor: must be a hex colour like #000000');
    expect(
      refusal(() => parseComposerRequest('video-composer-v1', JSON.stringify({ room: { name: 'x' }, outputs: Array.from({ length: COMPOSER_LIMITS.maxOutputs + 1 }, () => VJ) }))).message,
    ).toBe(`Invalid parameter ExtensionContext: outputs: may name at most ${COMPOSER_LIMITS.maxOutputs} PlayerStreamers`);
  });
});
