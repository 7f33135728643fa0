/**
 * Receives an incoming RTCDataChannel's messages from the moment it is announced, and
 * buffers them (up to `limit`) until the data track it belongs to is known; the
 * `track-published` frame may arrive after the channel.
 */
export class DataChannelInbox {
  readonly channel: RTCDataChannel;
  readonly #limit: number;
  #buffer: Array<string | ArrayBuffer> = [];
  #receiver: ((data: string | ArrayBuffer) => void) | null = null;

  constructor(channel: RTCDataChannel, limit = 256) {
    this.channel = channel;
    this.#limit = limit;
    channel.binaryType = 'arraybuffer';
    channel.addEventListener('message', this.#onMessage);
  }

  /** Delivers buffered and future messages to `receiver`. */
  setReceiver(receiver: (data: string | ArrayBuffer) => void): void {
    this.#receiver = receiver;
    const buffered = this.#buffer;
    this.#buffer = [];
    for (const data of buffered) receiver(data);
  }

  /** Stops listening; the channel itself is closed with its peer connection. */
  close(): void {
    this.channel.removeEventListener('message', this.#onMessage);
    this.#receiver = null;
    this.#buffer = [];
  }

  readonly #onMessage = (event: MessageEvent): void => {
    const data: unknown = event.data;
    if (typeof data !== 'string' && !(data instanceof ArrayBuffer)) return;
    if (this.#receiver) this.#receiver(data);
    else if (this.#buffer.length < this.#limit) this.#buffer.push(data);
  };
}
