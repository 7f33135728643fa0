import { describe, expect, test } from 'vitest';
import { ComposerError, ComposerErrorCode } from './errors.js';
import { chooseRecorderFormat } from './recorder-format.js';

const MKV_H264 = 'video/x-matroska;codecs=avc1,opus';
const WEBM_H264 = 'video/webm;codecs=h264,opus';
const WEBM_VP8 = 'video/webm;codecs=vp8,opus';

const supports = (...types: string[]) => (t: string) => types.includes(t);

describe('chooseRecorderFormat', () => {
  test.each([
    ['h264, Chromium 156 (everything)', 'h264', [MKV_H264, WEBM_H264, WEBM_VP8], { mimeType: MKV_H264, videoCodec: 'h264' }],
    ['h264 without Matroska', 'h264', [WEBM_H264, WEBM_VP8], { mimeType: WEBM_H264, videoCodec: 'h264' }],
    ['h264 without any H.264: VP8, and says so', 'h264', [WEBM_VP8], { mimeType: WEBM_VP8, videoCodec: 'vp8' }],
    ['vp8 goes straight to VP8 even when H.264 exists', 'vp8', [MKV_H264, WEBM_H264, WEBM_VP8], { mimeType: WEBM_VP8, videoCodec: 'vp8' }],
  ] as const)('%s', (_name, preferred, supported, want) => {
    expect(chooseRecorderFormat(preferred, supports(...supported))).toEqual(want);
  });

  test.each([
    ['h264', [] as string[]],
    ['vp8', [MKV_H264]],
  ] as const)('%s with nothing usable → ERR_NO_RECORDER_FORMAT', (preferred, supported) => {
    let error: unknown;
    try {
      chooseRecorderFormat(preferred, supports(...supported));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComposerError);
    expect((error as ComposerError).code).toBe(ComposerErrorCode.NoRecorderFormat);
    expect((error as ComposerError).message).toContain(WEBM_VP8);
  });

  test('asks in preference order and stops at the first yes', () => {
    const asked: string[] = [];
    chooseRecorderFormat('h264', (t) => {
      asked.push(t);
      return t === WEBM_H264;
    });
    expect(asked).toEqual([MKV_H264, WEBM_H264]);
  });
});
