/** What every service shares: the store, the account, callbacks, events and a clock. */
import type { TypedEmitter } from '@onair/protocol';
import type { Logger } from 'pino';
import type { StatusCallback } from '../callbacks/sender.js';
import { callbackTimestamp } from '../callbacks/timestamp.js';
import type {
  Callbackable,
  MediaProcessor,
  Participant,
  PlayerStreamer,
  Room,
} from '../store/records.js';
import type { Store } from '../store/repository.js';

/** State changes a user cares about; later subsystems (signaling, media) subscribe here. */
export type ServerEvents = {
  roomCreated: (room: Room) => void;
  roomEnded: (room: Room) => void;
  participantDisconnected: (participant: Participant) => void;
  playerStreamerCreated: (streamer: PlayerStreamer) => void;
  playerStreamerEnded: (streamer: PlayerStreamer) => void;
  mediaProcessorCreated: (processor: MediaProcessor) => void;
  mediaProcessorEnded: (processor: MediaProcessor) => void;
};

export interface ServiceContext {
  store: Store;
  accountSid: string;
  logger: Logger;
  callbacks: { send(callback: StatusCallback): void };
  events: TypedEmitter<ServerEvents>;
  /** epoch milliseconds */
  clock: () => number;
}

const sequence = new WeakMap<ServiceContext, Map<string, number>>();

/**
 * Sends a status callback for `resource` when it has a StatusCallback URL. `scope` is the
 * SID whose events are numbered together (SequenceNumber), e.g. the room.
 */
export function notify(
  ctx: ServiceContext,
  resource: Callbackable,
  scope: string,
  event: string,
  params: Record<string, string | number | boolean | null | undefined>,
): void {
  if (!resource.statusCallback) return;
  let counters = sequence.get(ctx);
  if (!counters) sequence.set(ctx, (counters = new Map()));
  const seq = counters.get(scope) ?? 0;
  counters.set(scope, seq + 1);
  const body: Record<string, string> = {
    AccountSid: ctx.accountSid,
    StatusCallbackEvent: event,
    Timestamp: callbackTimestamp(new Date(ctx.clock())),
    SequenceNumber: String(seq),
  };
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) body[k] = String(v);
  ctx.callbacks.send({ url: resource.statusCallback, method: resource.statusCallbackMethod, params: body });
}
