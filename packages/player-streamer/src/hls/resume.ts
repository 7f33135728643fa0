/**
 * Resume: where a packager starts when it continues a stream from the previous packager's
 * snapshot (snapshot.ts), and the snapshot it writes itself. Pure.
 *
 * - The window, media sequence and discontinuity sequence continue as listed.
 * - Part numbers continue after the hinted part (it may be stored already, and a viewer
 *   may hold its bytes from a preload hint), and after RESUME_MARGIN.parts more: the
 *   snapshot is written just after its playlist (it never delays a playlist), so a packager
 *   that died between the two listed a few parts the snapshot does not know. No part name
 *   is ever reused; the numbers only need to be unique and rising, gaps are fine.
 * - Init numbers continue after every input the previous packager opened, and one more (an
 *   input opened after the last snapshot).
 * - The previous packager's unfinished segment is dropped: its parts and the hinted part
 *   are no longer listed, and are deleted once the segments listed at resume have expired
 *   (a viewer holding the older playlist may still ask for them until then).
 * - The first segment published is a discontinuity (the caller marks the previous input
 *   as one that is not any of its own).
 */
import { PlayerStreamerError } from '../errors.js';
import { partFileName } from './files.js';
import type { OpenSegment, PlaylistSegment } from './playlist.js';
import { SNAPSHOT_VERSION, fromSnapshotSegment, toSnapshotSegment, type PackagerSnapshot } from './snapshot.js';
import type { WindowState } from './window.js';

/** How far a resumed packager's numbers skip past the snapshot's (see above). */
export const RESUME_MARGIN = { parts: 16, inputs: 1 } as const;

export interface ResumePoint {
  readonly window: WindowState;
  readonly firstPart: number;
  readonly firstInput: number;
  readonly inits: readonly string[];
  readonly clockEndMs: number;
  /** files of the previous packager no playlist will list again */
  readonly orphans: readonly string[];
  /** the orphans go once the segment with this sequence has expired (-1: at the first segment) */
  readonly orphansAfter: number;
}

/** Checks that the snapshot fits a packager with this TARGETDURATION (it must never change). */
export function checkResumable(snapshot: PackagerSnapshot, playlistTargetDuration: number): void {
  if (snapshot.targetDuration !== playlistTargetDuration) {
    throw new PlayerStreamerError(
      'ERR_HLS_SNAPSHOT_INVALID',
      `the stream was packaged with EXT-X-TARGETDURATION ${snapshot.targetDuration}, this packager writes ${playlistTargetDuration}: it cannot continue it`,
    );
  }
}

export function resumePoint(snapshot: PackagerSnapshot): ResumePoint {
  const listed = snapshot.listed.map(fromSnapshotSegment);
  const orphans = [...new Set([...snapshot.openParts, partFileName(snapshot.nextPart)])];
  return {
    window: {
      listed,
      retained: snapshot.retained.map(fromSnapshotSegment),
      discontinuitySequence: snapshot.discontinuitySequence,
      nextSequence: snapshot.nextSequence,
    },
    firstPart: snapshot.nextPart + 1 + RESUME_MARGIN.parts,
    firstInput: snapshot.nextInput + RESUME_MARGIN.inputs,
    inits: snapshot.inits,
    clockEndMs: snapshot.clockEndMs,
    orphans,
    orphansAfter: listed.at(-1)?.sequence ?? -1,
  };
}

export interface SnapshotSource {
  readonly now: number;
  readonly targetDuration: number;
  readonly window: WindowState;
  /** the part hinted by the playlist written with this snapshot */
  readonly nextPart: number;
  readonly nextInput: number;
  readonly inits: Iterable<string>;
  readonly open: OpenSegment | undefined;
  /** files a resumed packager has not deleted yet (kept in the snapshot for the next one) */
  readonly orphans: readonly string[];
  readonly clockEndMs: number;
}

export function buildSnapshot(source: SnapshotSource): PackagerSnapshot {
  const { window } = source;
  const segments = (list: readonly PlaylistSegment[]) => list.map(toSnapshotSegment);
  return {
    version: SNAPSHOT_VERSION,
    savedAt: source.now,
    targetDuration: source.targetDuration,
    nextSequence: window.nextSequence,
    nextPart: source.nextPart,
    nextInput: source.nextInput,
    discontinuitySequence: window.discontinuitySequence,
    listed: segments(window.listed),
    retained: segments(window.retained),
    inits: [...source.inits],
    openParts: [...new Set([...source.orphans, ...(source.open?.parts.map((p) => p.uri) ?? [])])],
    clockEndMs: Number.isFinite(source.clockEndMs) ? Math.max(0, source.clockEndMs) : 0,
  };
}
