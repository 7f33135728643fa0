/**
 * Who gets a tile, and where: pure functions over the participants the page knows.
 *
 * Which: the current dominant speaker first, then the most recent dominant speakers, then
 * join order (`rankSpeakers`); as many as fit (9 in the grid, 5 beside a presentation).
 * Where: tiles keep their places while they stay (a new dominant speaker is highlighted
 * where it is instead of swapping every tile around), a newcomer takes the place of the
 * tile it replaces, and a tile stays at least `minShownMs` before a more recent speaker may
 * push it out. So the grid does not thrash while people take turns talking.
 */
import { selectionDefaults, type SelectionOptions } from '../defaults.js';

export interface SpeakerCandidate {
  /** the participant's SID */
  id: string;
  /** when the composer first saw the participant, as a sequence number (lower = earlier) */
  joinOrder: number;
  /** when the participant was last the dominant speaker (ms), or null if never */
  lastDominantAt: number | null;
  /** the dominant speaker right now */
  dominant: boolean;
  /** may get a tile now: its camera rendered a frame, or it has waited long enough for a name tile */
  ready: boolean;
}

export interface ShownTile {
  id: string;
  /** when the tile appeared (ms) */
  shownAt: number;
}

/** Candidates in priority order: dominant now, then most recently dominant, then join order. */
export function rankSpeakers<T extends SpeakerCandidate>(candidates: readonly T[]): T[] {
  const recency = (c: SpeakerCandidate) => (c.dominant ? Infinity : (c.lastDominantAt ?? -Infinity));
  return [...candidates].sort((a, b) => {
    const ra = recency(a);
    const rb = recency(b);
    if (ra !== rb) return rb > ra ? 1 : -1;
    return a.joinOrder - b.joinOrder;
  });
}

/**
 * The tiles to show now, in display order, given what was shown before (`previous`, the
 * last result). Participants no longer among `candidates` lose their tile at once.
 */
export function selectTiles(
  candidates: readonly SpeakerCandidate[],
  previous: readonly ShownTile[],
  now: number,
  capacity: number,
  overrides: Partial<SelectionOptions> = {},
): ShownTile[] {
  const { minShownMs } = { ...selectionDefaults, ...overrides };
  const before = new Map(previous.map((tile) => [tile.id, tile]));
  // once shown, a tile stays eligible (no flicker while a track renegotiates)
  const ranked = rankSpeakers(candidates.filter((c) => c.ready || before.has(c.id)));
  const chosen = new Set<string>();
  const limit = Math.max(0, capacity);
  for (const c of ranked) {
    const shown = before.get(c.id);
    if (chosen.size < limit && shown && now - shown.shownAt < minShownMs) chosen.add(c.id);
  }
  for (const c of ranked) {
    if (chosen.size >= limit) break;
    chosen.add(c.id);
  }
  const newcomers = ranked.filter((c) => chosen.has(c.id) && !before.has(c.id));
  const placed: ShownTile[] = [];
  for (const tile of previous) {
    if (chosen.has(tile.id)) placed.push(tile);
    else {
      const next = newcomers.shift();
      if (next) placed.push({ id: next.id, shownAt: now });
    }
  }
  for (const c of newcomers) placed.push({ id: c.id, shownAt: now });
  return placed;
}
