import { describe, expect, test } from 'vitest';
import type { AudioStatsLike } from './audio-level.js';
import { AudioLevelSampler, audioLevelFromStats } from './audio-level.js';

const inbound = (id: string, fields: Partial<AudioStatsLike>): AudioStatsLike => ({
  id,
  type: 'inbound-rtp',
  kind: 'audio',
  ...fields,
});

describe('audioLevelFromStats', () => {
  test('falls back to audioLevel on the first sample', () => {
    const reading = audioLevelFromStats(
      [inbound('a', { audioLevel: 0.25, totalAudioEnergy: 1, totalSamplesDuration: 10 })],
      new Map(),
    );
    expect(reading.level).toBe(0.25);
    expect(reading.samples.get('a')).toEqual({ energy: 1, duration: 10 });
  });

  test('uses the RMS over the interval when counters moved', () => {
    // 0.5 s at a constant level of 0.2 adds 0.2² × 0.5 = 0.02 energy
    const previous = new Map([['a', { energy: 1, duration: 10 }]]);
    const reading = audioLevelFromStats(
      [inbound('a', { audioLevel: 0, totalAudioEnergy: 1.02, totalSamplesDuration: 10.5 })],
      previous,
    );
    expect(reading.level).toBeCloseTo(0.2, 6);
  });

  test('takes the loudest inbound audio stream and ignores other stats', () => {
    const reading = audioLevelFromStats(
      [
        inbound('a', { audioLevel: 0.1 }),
        inbound('b', { audioLevel: 0.4 }),
        { id: 'v', type: 'inbound-rtp', kind: 'video', audioLevel: 0.9 } as AudioStatsLike,
        { id: 'o', type: 'outbound-rtp', kind: 'audio', audioLevel: 0.9 } as AudioStatsLike,
        { id: 'm', type: 'inbound-rtp', mediaType: 'audio', audioLevel: 0.3 } as AudioStatsLike,
      ],
      new Map(),
    );
    expect(reading.level).toBe(0.4);
  });

  test('no audio → 0; nonsense values are clamped or ignored', () => {
    expect(audioLevelFromStats([], new Map()).level).toBe(0);
    expect(audioLevelFromStats([inbound('a', { audioLevel: 7 })], new Map()).level).toBe(1);
    expect(audioLevelFromStats([inbound('a', { audioLevel: Number.NaN })], new Map()).level).toBe(0);
  });
});

describe('AudioLevelSampler', () => {
  const report = (stats: AudioStatsLike[]) => new Map(stats.map((s) => [s.id, s])) as unknown as RTCStatsReport;

  test('remembers counters per source and reads failures as silence', async () => {
    const sampler = new AudioLevelSampler();
    let energy = 0;
    let duration = 0;
    const source = {
      sid: 'PA1',
      getStats: async () => report([inbound('x', { audioLevel: 0.5, totalAudioEnergy: energy, totalSamplesDuration: duration })]),
    };
    const broken = { sid: 'PA2', getStats: async (): Promise<RTCStatsReport> => Promise.reject(new Error('closed')) };
    expect(await sampler.sample([source, broken])).toEqual(new Map([['PA1', 0.5], ['PA2', 0]]));
    energy = 0.01 * 0.5;
    duration = 0.5;
    const levels = await sampler.sample([source]);
    expect(levels.get('PA1')).toBeCloseTo(0.1, 6);
  });
});
