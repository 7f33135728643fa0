/**
 * The media elements a track is attached to. Shared by local and remote audio/video
 * tracks (composition, not inheritance), mirroring twilio-video.js `attach()`/`detach()`:
 * an element keeps at most one track per kind, so an audio and a video track may share
 * one `<video>`.
 */
export class AttachedElements {
  readonly #elements = new Set<HTMLMediaElement>();
  readonly #kind: 'audio' | 'video';
  readonly #track: () => MediaStreamTrack;

  constructor(kind: 'audio' | 'video', track: () => MediaStreamTrack) {
    this.#kind = kind;
    this.#track = track;
  }

  /**
   * Shows the track in `target` (an element or a CSS selector), or in a new
   * `<video autoplay playsinline>` / `<audio autoplay>` when none is given.
   */
  attach(target?: HTMLMediaElement | string): HTMLMediaElement {
    const element = target === undefined ? this.#createElement() : resolveElement(target);
    const track = this.#track();
    const others = currentTracks(element).filter((t) => t.kind !== track.kind);
    element.srcObject = new MediaStream([...others, track]);
    this.#elements.add(element);
    return element;
  }

  /** Removes the track from `target`, or from every element it is attached to. */
  detach(target?: HTMLMediaElement | string): HTMLMediaElement[] {
    const elements = target === undefined ? [...this.#elements] : [resolveElement(target)];
    const track = this.#track();
    for (const element of elements) {
      this.#elements.delete(element);
      const current = currentTracks(element);
      if (!current.includes(track)) continue;
      const rest = current.filter((t) => t !== track);
      element.srcObject = rest.length > 0 ? new MediaStream(rest) : null;
    }
    return elements;
  }

  /** The elements the track is currently attached to. */
  get elements(): HTMLMediaElement[] {
    return [...this.#elements];
  }

  #createElement(): HTMLMediaElement {
    const element = document.createElement(this.#kind);
    element.autoplay = true;
    if (element instanceof HTMLVideoElement) {
      element.playsInline = true;
      element.setAttribute('playsinline', '');
    }
    return element;
  }
}

function resolveElement(target: HTMLMediaElement | string): HTMLMediaElement {
  if (typeof target !== 'string') return target;
  const found = document.querySelector(target);
  if (!(found instanceof HTMLMediaElement)) {
    throw new TypeError(`no <audio> or <video> element matches "${target}"`);
  }
  return found;
}

function currentTracks(element: HTMLMediaElement): MediaStreamTrack[] {
  const source = element.srcObject;
  return source instanceof MediaStream ? source.getTracks() : [];
}
