/**
 * Mixes every subscribed audio track into one MediaStreamAudioDestinationNode with WebAudio.
 * The output track exists from the start and carries silence while nobody talks, so the
 * recording always has an audio stream.
 *
 * That silence must be real samples: a MediaStreamAudioDestinationNode fed by nothing
 * delivers no audio at all, and a MediaRecorder recording audio + video then delivers
 * nothing either (measured: 0 bytes in 3.5 s), so an empty room would record no video. A
 * zero-valued ConstantSourceNode keeps the graph rendering from the start.
 *
 * Chromium only feeds a remote WebRTC track into WebAudio while the track also plays in a
 * media element, so each input also gets a muted `<audio>` (the mix is the only sound).
 * A limiter after the sum keeps several loud speakers from clipping.
 */
import { logWarn } from './page-state.js';

const STARTUP_CHECK_MS = 2_000;

interface Input {
  source: MediaStreamAudioSourceNode;
  element: HTMLAudioElement;
}

export class AudioMixer {
  readonly #context: AudioContext;
  readonly #bus: GainNode;
  readonly #destination: MediaStreamAudioDestinationNode;
  readonly #inputs = new Map<string, Input>();
  readonly #holder: HTMLElement;
  #closed = false;

  constructor(holder: HTMLElement, sampleRate = 48_000) {
    this.#holder = holder;
    this.#context = new AudioContext({ sampleRate, latencyHint: 'playback' });
    this.#destination = this.#context.createMediaStreamDestination();
    this.#destination.channelCount = 2;
    this.#bus = this.#context.createGain();
    const limiter = this.#context.createDynamicsCompressor();
    limiter.threshold.value = -3;
    limiter.knee.value = 0;
    limiter.ratio.value = 20;
    limiter.attack.value = 0.003;
    limiter.release.value = 0.25;
    this.#bus.connect(limiter).connect(this.#destination);
    // digital silence that keeps the graph rendering (see above)
    const silence = this.#context.createConstantSource();
    silence.offset.value = 0;
    silence.connect(this.#bus);
    silence.start();
    void this.#resume();
    // resume() may neither resolve nor reject when the autoplay policy holds it back
    setTimeout(() => {
      if (!this.#closed && this.#context.state !== 'running') {
        logWarn(`the AudioContext is ${this.#context.state}: the recording's audio stays silent (autoplay policy?)`);
      }
    }, STARTUP_CHECK_MS);
  }

  /** The mixed audio (always present). */
  get track(): MediaStreamTrack {
    const track = this.#destination.stream.getAudioTracks()[0];
    if (!track) throw new Error('MediaStreamAudioDestinationNode has no audio track');
    return track;
  }

  get inputs(): number {
    return this.#inputs.size;
  }

  /** Adds a track to the mix under `id` (a track SID); replaces an input with the same id. */
  add(id: string, track: MediaStreamTrack): void {
    if (this.#closed) return;
    this.remove(id);
    const stream = new MediaStream([track]);
    const element = document.createElement('audio');
    element.muted = true;
    element.srcObject = stream;
    element.dataset.trackSid = id;
    this.#holder.append(element);
    element.play().catch((error: unknown) => logWarn(`audio ${id}: play() failed`, error));
    const source = this.#context.createMediaStreamSource(stream);
    source.connect(this.#bus);
    this.#inputs.set(id, { source, element });
    void this.#resume();
  }

  remove(id: string): void {
    const input = this.#inputs.get(id);
    if (!input) return;
    this.#inputs.delete(id);
    input.source.disconnect();
    input.element.pause();
    input.element.srcObject = null;
    input.element.remove();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of [...this.#inputs.keys()]) this.remove(id);
    void this.#context.close().catch(() => undefined);
  }

  async #resume(): Promise<void> {
    if (this.#context.state !== 'suspended') return;
    try {
      await this.#context.resume();
    } catch (error) {
      logWarn('the AudioContext could not start; the recording may lack audio', error);
    }
  }
}
