/**
 * Entry of the IIFE bundle (`/sdk/player.js`): `window.Onair.Player` and friends, and
 * `<onair-player>` defined on load.
 */
import { defineOnairPlayerElement } from '../element/onair-player-element.js';

export {
  Player,
  PlayerState,
  PlayerEvent,
  PlayerError,
  PlayerErrorCode,
  verifyPlayerGrant,
  defineOnairPlayerElement,
  version,
} from '../index.js';

if (typeof customElements !== 'undefined') defineOnairPlayerElement();
