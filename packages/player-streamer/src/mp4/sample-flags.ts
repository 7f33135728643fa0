/**
 * Sample flags of movie fragments (ISO/IEC 14496-12 §8.8.3.1), 32 bits:
 * reserved(4) is_leading(2) sample_depends_on(2) sample_is_depended_on(2)
 * sample_has_redundancy(2) sample_padding_value(3) sample_is_non_sync_sample(1)
 * sample_degradation_priority(16).
 */
export interface SampleFlags {
  readonly isLeading: number;
  /** 0 unknown, 1 depends on others (not an I picture), 2 does not depend on others (I picture). */
  readonly dependsOn: number;
  readonly isDependedOn: number;
  readonly hasRedundancy: number;
  readonly paddingValue: number;
  readonly isNonSync: boolean;
  readonly degradationPriority: number;
}

export function decodeSampleFlags(flags: number): SampleFlags {
  return {
    isLeading: (flags >>> 26) & 0b11,
    dependsOn: (flags >>> 24) & 0b11,
    isDependedOn: (flags >>> 22) & 0b11,
    hasRedundancy: (flags >>> 20) & 0b11,
    paddingValue: (flags >>> 17) & 0b111,
    isNonSync: ((flags >>> 16) & 1) === 1,
    degradationPriority: flags & 0xffff,
  };
}

export function encodeSampleFlags(flags: Partial<SampleFlags>): number {
  return (
    (((flags.isLeading ?? 0) & 0b11) << 26) +
    (((flags.dependsOn ?? 0) & 0b11) << 24) +
    (((flags.isDependedOn ?? 0) & 0b11) << 22) +
    (((flags.hasRedundancy ?? 0) & 0b11) << 20) +
    (((flags.paddingValue ?? 0) & 0b111) << 17) +
    ((flags.isNonSync ? 1 : 0) << 16) +
    ((flags.degradationPriority ?? 0) & 0xffff)
  );
}

/**
 * Whether a sample is a sync sample (a keyframe a decoder can start from).
 *
 * `sample_is_non_sync_sample` is authoritative (it "provides the same information as the
 * sync sample table"); a sample that declares it depends on others (`sample_depends_on`
 * == 1) is not a sync sample either, even if a writer forgot the non-sync bit. ffmpeg
 * writes 0x02000000 for keyframes (depends_on 2) and 0x01010000 for the others.
 */
export function isSyncSample(flags: number): boolean {
  const decoded = decodeSampleFlags(flags);
  return !decoded.isNonSync && decoded.dependsOn !== 1;
}
