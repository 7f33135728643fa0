/**
 * @onair/player — the browser player of onair streams, shaped like Twilio's Player SDK:
 * `Player.connect(accessToken)` → {@link Player} (states, typed events, play/pause/volume),
 * plus the `<onair-player>` custom element.
 */
export { Player, verifyPlayerGrant } from './player.js';
export type { PlayerStats } from './player.js';
export { PlayerState } from './player-state.js';
export { PlayerEvent } from './events/player-event.js';
export type { PlayerEventCallbacks, Quality, VolumeState, VideoSize } from './events/player-event.js';
export { TypedEmitter } from '@onair/protocol';
export type { EventCallbacks } from '@onair/protocol';
export { PlayerError, PlayerErrorCode } from './errors.js';
export { playerDefaults } from './defaults.js';
export type { ConnectOptions } from './defaults.js';
export { isOriginRestricted } from './grant/check-grant.js';
export type { VerifiedPlayerGrant } from './grant/check-grant.js';
export { ONAIR_PLAYER_TAG, defineOnairPlayerElement } from './element/onair-player-element.js';
export type { OnairPlayerElement } from './element/onair-player-element.js';
export { version } from './version.js';
