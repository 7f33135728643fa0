/** The fields of an RTCStats entry used to measure a remote participant's loudness. */
export interface AudioStatsLike {
  readonly id: string;
  readonly type: string;
  readonly kind?: string;
  /** older browsers */
  readonly mediaType?: string;
  readonly audioLevel?: number;
  readonly totalAudioEnergy?: number;
  readonly totalSamplesDuration?: number;
}

/** Cumulative energy counters of one inbound audio stream at the previous sample. */
export interface EnergySample {
  readonly energy: number;
  readonly duration: number;
}

export interface AudioLevelReading {
  /** the loudest inbound audio stream's level over the last interval (0..1) */
  readonly level: number;
  /** counters to pass as `previous` next time, by stats id */
  readonly samples: Map<string, EnergySample>;
}

/**
 * The audio level of a peer connection's inbound audio. When the energy counters moved
 * since the previous sample, the level is the RMS over that interval
 * (√(Δ totalAudioEnergy / Δ totalSamplesDuration)): steadier than the instantaneous
 * `audioLevel`, which is the fallback.
 */
export function audioLevelFromStats(
  stats: Iterable<AudioStatsLike>,
  previous: ReadonlyMap<string, EnergySample>,
): AudioLevelReading {
  let level = 0;
  const samples = new Map<string, EnergySample>();
  for (const stat of stats) {
    if (stat.type !== 'inbound-rtp' || (stat.kind ?? stat.mediaType) !== 'audio') continue;
    let streamLevel = typeof stat.audioLevel === 'number' ? stat.audioLevel : 0;
    if (typeof stat.totalAudioEnergy === 'number' && typeof stat.totalSamplesDuration === 'number') {
      const sample = { energy: stat.totalAudioEnergy, duration: stat.totalSamplesDuration };
      samples.set(stat.id, sample);
      const before = previous.get(stat.id);
      const duration = before ? sample.duration - before.duration : 0;
      if (before && duration > 0) {
        streamLevel = Math.sqrt(Math.max(0, sample.energy - before.energy) / duration);
      }
    }
    if (Number.isFinite(streamLevel)) level = Math.max(level, Math.min(1, streamLevel));
  }
  return { level, samples };
}

/** Something whose inbound audio can be sampled: a remote participant's peer connection. */
export interface AudioSource {
  readonly sid: string;
  getStats(): Promise<RTCStatsReport>;
}

/** Samples many peer connections, remembering each one's counters between samples. */
export class AudioLevelSampler {
  #previous = new Map<string, ReadonlyMap<string, EnergySample>>();

  /** Levels by participant SID; a source whose stats fail reads as silent. */
  async sample(sources: readonly AudioSource[]): Promise<Map<string, number>> {
    const readings = await Promise.all(
      sources.map(async (source) => {
        try {
          const report = await source.getStats();
          const stats = [...report.values()] as AudioStatsLike[];
          return [source.sid, audioLevelFromStats(stats, this.#previous.get(source.sid) ?? new Map())] as const;
        } catch {
          return [source.sid, { level: 0, samples: new Map<string, EnergySample>() }] as const;
        }
      }),
    );
    this.#previous = new Map(readings.map(([sid, reading]) => [sid, reading.samples]));
    return new Map(readings.map(([sid, reading]) => [sid, reading.level]));
  }
}
