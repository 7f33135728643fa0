/**
 * `<onair-player token="…">`: a custom element that plays a stream with {@link Player}.
 * Its `<video>` lives in an open shadow root. Attributes: `token` (an access token with a
 * player grant; changing it reconnects), `muted` (start muted), `controls` (show the
 * browser's controls). It reflects `data-state` (`idle|ready|buffering|playing|ended|error`)
 * and `data-error-code`, and dispatches `statechange` and `playererror` DOM events
 * (`detail`: the state / the PlayerError). When the browser blocks sound it plays muted and
 * shows a "Tap to unmute" button.
 *
 * The class is built on first definition, so importing this module outside a browser is safe.
 */
import type { PlayerError } from '../errors.js';
import { Player } from '../player.js';

export const ONAIR_PLAYER_TAG = 'onair-player';

const STYLE = `
:host { display: block; position: relative; background: #000; aspect-ratio: 16 / 9; }
video { display: block; width: 100%; height: 100%; object-fit: contain; background: #000; }
button { position: absolute; left: 50%; bottom: 12%; transform: translateX(-50%); padding: .6em 1.2em;
  border: 0; border-radius: 2em; background: rgba(0,0,0,.7); color: #fff; font: 600 15px system-ui, sans-serif; cursor: pointer; }
button[hidden] { display: none; }
`;

/** The element's public surface. */
export interface OnairPlayerElement extends HTMLElement {
  /** the Player, once connected */
  readonly player: Player | undefined;
  readonly videoElement: HTMLVideoElement;
}

/** Defines `<onair-player>` (or `tagName`) once; returns its constructor. */
export function defineOnairPlayerElement(tagName: string = ONAIR_PLAYER_TAG): CustomElementConstructor {
  const existing = customElements.get(tagName);
  if (existing) return existing;
  const constructor = createElementClass();
  customElements.define(tagName, constructor);
  return constructor;
}

function createElementClass(): CustomElementConstructor {
  return class extends HTMLElement implements OnairPlayerElement {
    static readonly observedAttributes = ['token', 'muted', 'controls'];
    readonly videoElement: HTMLVideoElement;
    readonly #unmute: HTMLButtonElement;
    #player: Player | undefined;
    #generation = 0;
    /** a connect is under way (its Player not yet set) */
    #connecting = false;

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = STYLE;
      this.videoElement = document.createElement('video');
      this.videoElement.playsInline = true;
      this.#unmute = document.createElement('button');
      this.#unmute.type = 'button';
      this.#unmute.textContent = 'Tap to unmute';
      this.#unmute.hidden = true;
      this.#unmute.addEventListener('click', () => {
        this.#player?.setMuted(false);
        void this.#player?.play();
      });
      root.append(style, this.videoElement, this.#unmute);
    }

    get player(): Player | undefined {
      return this.#player;
    }

    connectedCallback(): void {
      // an upgraded element already started connecting from attributeChangedCallback: one session, not two
      if (!this.#player && !this.#connecting) void this.#connect();
    }

    disconnectedCallback(): void {
      this.#stop();
    }

    attributeChangedCallback(name: string, oldValue: string | null, value: string | null): void {
      if (name === 'controls') this.videoElement.controls = value !== null;
      if (name === 'muted') this.videoElement.muted = value !== null;
      if (name === 'token' && oldValue !== value && this.isConnected) void this.#connect();
    }

    #stop(): void {
      this.#generation++;
      this.#connecting = false;
      this.#player?.disconnect();
      this.#player = undefined;
    }

    async #connect(): Promise<void> {
      this.#stop();
      const generation = this.#generation;
      this.#setState('idle');
      const token = this.getAttribute('token');
      if (!token) return;
      let player: Player;
      this.#connecting = true;
      try {
        player = await Player.connect(token, { autoplay: true, video: this.videoElement });
      } catch (error) {
        if (generation === this.#generation) this.#setError(error as PlayerError);
        return;
      } finally {
        if (generation === this.#generation) this.#connecting = false;
      }
      if (generation !== this.#generation) return player.disconnect();
      this.#player = player;
      this.#setState(player.state);
      player.on('stateChanged', (state) => this.#setState(state));
      player.on('volumeChanged', ({ mutedByAutoplayPolicy }) => (this.#unmute.hidden = !mutedByAutoplayPolicy));
      player.on('error', (error) => this.#setError(error));
    }

    #setState(state: string): void {
      if (this.dataset['state'] === 'error') return;
      this.dataset['state'] = state;
      this.dispatchEvent(new CustomEvent('statechange', { detail: state }));
    }

    #setError(error: PlayerError): void {
      this.dataset['state'] = 'error';
      this.dataset['errorCode'] = String(error.code ?? '');
      this.dispatchEvent(new CustomEvent('playererror', { detail: error }));
    }
  };
}
