import { describe, expect, test } from 'vitest';
import { check, composerContextSchema } from './extension-context.js';

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
