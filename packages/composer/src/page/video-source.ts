/**
 * One subscribed remote video track, playing in a muted `<video>` that the renderer draws
 * from. The elements live in an invisible holder (they must be in the document and playing
 * for Chromium to keep decoding into them).
 */
export class VideoSource {
  readonly trackSid: string;
  readonly trackName: string;
  readonly element: HTMLVideoElement;
  /** when it was subscribed (ms, performance.now()) */
  readonly since: number;

  constructor(trackSid: string, trackName: string, track: MediaStreamTrack, holder: HTMLElement, now: number) {
    this.trackSid = trackSid;
    this.trackName = trackName;
    this.since = now;
    const element = document.createElement('video');
    element.muted = true;
    element.playsInline = true;
    element.dataset.trackSid = trackSid;
    element.srcObject = new MediaStream([track]);
    holder.append(element);
    this.element = element;
    element.play().catch(() => {
      // a stalled or removed element: `rendering` stays false and a name tile is drawn instead
    });
  }

  /** A frame is there to draw. */
  get rendering(): boolean {
    const v = this.element;
    return v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && v.videoWidth > 0 && v.videoHeight > 0;
  }

  close(): void {
    this.element.pause();
    this.element.srcObject = null;
    this.element.remove();
  }
}
