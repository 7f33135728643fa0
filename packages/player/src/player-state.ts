/**
 * The player's states (Twilio Player SDK names) and the one function that moves between
 * them. Every state change goes through {@link nextState}, so the rules live here only.
 */
export enum PlayerState {
  /** created; the session is opening or the stream has no segment yet */
  Idle = 'idle',
  /** the stream is loaded and can play (also: paused) */
  Ready = 'ready',
  /** playback stalled waiting for data, after it had been playing */
  Buffering = 'buffering',
  /** frames are being shown */
  Playing = 'playing',
  /** the stream ended (EXT-X-ENDLIST reached, the stream is gone) or the player was disconnected */
  Ended = 'ended',
}

/** What happened, as seen by the player. */
export type PlayerSignal =
  /** the playlist was parsed and media attached */
  | 'loaded'
  /** the media element started or resumed showing frames */
  | 'playing'
  /** the media element waits for data */
  | 'stalled'
  /** paused by the application or the user */
  | 'paused'
  /** end of stream, or disconnect() */
  | 'ended';

const TABLE: Readonly<Record<PlayerState, Partial<Record<PlayerSignal, PlayerState>>>> = {
  [PlayerState.Idle]: { loaded: PlayerState.Ready, ended: PlayerState.Ended },
  [PlayerState.Ready]: { playing: PlayerState.Playing, ended: PlayerState.Ended },
  [PlayerState.Buffering]: { playing: PlayerState.Playing, paused: PlayerState.Ready, ended: PlayerState.Ended },
  [PlayerState.Playing]: { stalled: PlayerState.Buffering, paused: PlayerState.Ready, ended: PlayerState.Ended },
  [PlayerState.Ended]: {},
};

/**
 * The state after `signal` in `state`; the same state when the signal means nothing there
 * (a stall before the first frame is not `buffering`: the start goes idle → ready → playing).
 */
export function nextState(state: PlayerState, signal: PlayerSignal): PlayerState {
  return TABLE[state][signal] ?? state;
}
