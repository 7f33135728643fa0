/** The room server's options and their defaults (one object, merged once). */
import { SIGNALING_BUDGET_DEFAULTS, type SignalingBudgetKind, type SignalingBudgetOptions } from './socket-budget.js';

export interface RoomsLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface RoomServerOptions {
  /** ping period; a session silent for twice this is dropped */
  heartbeatIntervalMs: number;
  /** how long a dropped socket's participant may resume */
  resumeGraceMs: number;
  /** how long a new socket may take to send `join` */
  joinTimeoutMs: number;
  logger: RoomsLogger;
  /** what one socket may send (socket-budget.ts) */
  budget: SignalingBudgetOptions;
  /** called when a socket spent its budget (and is closed), or a publish is refused for MaxConcurrentPublishedTracks (for metrics) */
  onLimit: (kind: SignalingBudgetKind | 'published-tracks') => void;
  /** how long a socket closed for its budget may take to close before it is cut */
  budgetCloseGraceMs: number;
}

export const ROOM_SERVER_DEFAULTS: RoomServerOptions = {
  heartbeatIntervalMs: 2_500,
  resumeGraceMs: 5_000,
  joinTimeoutMs: 10_000,
  logger: { info: () => {}, warn: () => {} },
  budget: SIGNALING_BUDGET_DEFAULTS,
  onLimit: () => {},
  budgetCloseGraceMs: 2_000,
};
