/**
 * What one signaling socket may send: a message rate and a byte rate, each a token bucket
 * (`@onair/protocol` token-bucket.ts) with ten seconds' worth available at once. Normal use
 * (join, an offer and a burst of ICE candidates per peer of a full room, track updates) stays
 * far below; a socket that spends either budget is refused (room-server.ts closes it with
 * 1008 after an `error` frame).
 */
import { ruleOf, takeTokens, type TokenBucket, type TokenBucketRule } from '@onair/protocol';

export interface SignalingBudgetOptions {
  /** messages per second on average; ten seconds' worth at once */
  messagesPerSecond: number;
  /** bytes per second on average; ten seconds' worth at once */
  bytesPerSecond: number;
}

export const SIGNALING_BUDGET_DEFAULTS: SignalingBudgetOptions = {
  messagesPerSecond: 100,
  bytesPerSecond: 256 * 1024,
};

export type SignalingBudgetKind = 'messages' | 'bytes';

export class SocketBudget {
  readonly #messages: TokenBucketRule;
  readonly #bytes: TokenBucketRule;
  #messageBucket: TokenBucket | undefined;
  #byteBucket: TokenBucket | undefined;

  constructor(options: SignalingBudgetOptions) {
    this.#messages = ruleOf(options.messagesPerSecond);
    this.#bytes = ruleOf(options.bytesPerSecond);
  }

  /** Charges one message of `bytes`; the budget it overdrew, or undefined when it fits. */
  charge(bytes: number, now: number): SignalingBudgetKind | undefined {
    const m = takeTokens(this.#messageBucket, this.#messages, now);
    this.#messageBucket = m.bucket;
    if (!m.ok) return 'messages';
    const b = takeTokens(this.#byteBucket, this.#bytes, now, bytes);
    this.#byteBucket = b.bucket;
    return b.ok ? undefined : 'bytes';
  }
}
