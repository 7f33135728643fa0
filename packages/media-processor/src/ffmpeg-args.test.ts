import { describe, expect, test } from 'vitest';
import { ffmpegArgs, videoBitrate } from './ffmpeg-args.js';

const base = { segmentSeconds: 2, frameRate: 30, width: 1280, height: 720, audioKbps: 128, x264Preset: 'veryfast' };
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('ffmpegArgs', () => {
  test('copies H.264 and writes fragmented MP4 with AAC to stdout', () => {
    const args = ffmpegArgs({ ...base, videoCodec: 'h264' });
    expect(after(args, '-c:v')).toBe('copy');
    expect(after(args, '-c:a')).toBe('aac');
    expect(after(args, '-af')).toBe('aresample=async=1'); // holes in the recorder's audio filled, so samples match timestamps
    expect(after(args, '-b:a')).toBe('128k');
    expect(after(args, '-i')).toBe('pipe:0');
    expect(after(args, '-movflags')).toBe('+frag_keyframe+empty_moov+default_base_moof');
    expect(args.at(-1)).toBe('pipe:1');
    expect(args).not.toContain('libx264');
    expect(args).not.toContain('-frag_duration');
  });

  test('with LL-HLS parts, cuts a fragment every part (aiming a frame short) and flushes each one', () => {
    const args = ffmpegArgs({ ...base, videoCodec: 'h264', partSeconds: 0.2 });
    expect(after(args, '-frag_duration')).toBe('183000');
    expect(after(args, '-flush_packets')).toBe('1');
    expect(after(args, '-movflags')).toBe('+frag_keyframe+empty_moov+default_base_moof');
    expect(args.at(-1)).toBe('pipe:1');
    expect(ffmpegArgs({ ...base, videoCodec: 'h264', partSeconds: 0 })).not.toContain('-frag_duration');
  });

  test.each([
    [2, 30, '60', 'expr:gte(t,n_forced*2)'],
    [1, 30, '30', 'expr:gte(t,n_forced*1)'],
    [2, 25, '50', 'expr:gte(t,n_forced*2)'],
  ])('re-encodes VP8 with libx264, %i s segments at %i fps → GOP %s', (seg, fps, gop, forced) => {
    const args = ffmpegArgs({ ...base, videoCodec: 'vp8', segmentSeconds: seg, frameRate: fps });
    expect(after(args, '-c:v')).toBe('libx264');
    expect(after(args, '-g')).toBe(gop);
    expect(after(args, '-keyint_min')).toBe(gop);
    expect(after(args, '-sc_threshold')).toBe('0');
    expect(after(args, '-force_key_frames')).toBe(forced);
    expect(after(args, '-preset')).toBe('veryfast');
    // a constant output rate, as an output option (after the input)
    expect(after(args, '-r')).toBe(String(fps));
    expect(args.indexOf('-r')).toBeGreaterThan(args.indexOf('-i'));
  });

  test('copied H.264 keeps the recorded timing (no output rate)', () => {
    expect(ffmpegArgs({ ...base, videoCodec: 'h264' })).not.toContain('-r');
  });

  test('probes at most 0.5 s of input (0 would mean the 5 s default)', () => {
    expect(after(ffmpegArgs({ ...base, videoCodec: 'h264' }), '-analyzeduration')).toBe('500000');
  });

  test('keeps the packets it read while probing (no +nobuffer: the first segment lost ~1.3 s of frames) and estimates no frame rate', () => {
    for (const videoCodec of ['h264', 'vp8'] as const) {
      const args = ffmpegArgs({ ...base, videoCodec });
      expect(after(args, '-fflags')).toBe('+genpts');
      expect(after(args, '-fpsprobesize')).toBe('0');
    }
  });

  test.each([
    [1280, 720, 30, 2_500_000],
    [1920, 1080, 30, 5_625_000],
    [640, 360, 30, 625_000],
    [160, 90, 15, 300_000],
    [1920, 1080, 60, 8_000_000],
  ])('video bitrate for %ix%i@%i is %i', (w, h, fps, bps) => {
    expect(videoBitrate(w, h, fps)).toBe(bps);
  });
});
