/**
 * The page's state on `<body>`, for the job and for tests:
 *   data-state         loading | joining | composing | stopped | error (ComposerPageState)
 *   data-error-code    the room's error code, or 53000      (with data-error-name = ERR_…)
 *   data-participants  visible participants in the room
 *   data-tiles         tiles drawn in the last frame        (data-video-tiles: of them, cameras/presentations)
 *   data-recorder      the MediaRecorder mimeType, once recording
 *   data-fps           canvas frames drawn over the last second
 * Attributes are written only when they change.
 */
import type { ComposerPageState } from '@onair/protocol';
import { ComposerError } from '../errors.js';

const LOG_PREFIX = '[onair composer]';

export class PageState {
  readonly #body: HTMLElement;
  #state: ComposerPageState = 'loading';

  constructor(body: HTMLElement) {
    this.#body = body;
    this.#set('state', 'loading');
  }

  get state(): ComposerPageState {
    return this.#state;
  }

  /** Moves to `state` unless the page already ended (stopped and error are final). */
  setState(state: ComposerPageState): void {
    if (this.#state === 'error' || (this.#state === 'stopped' && state !== 'error')) return;
    this.#state = state;
    this.#set('state', state);
  }

  /** Final: shows the error and logs it (messages never hold the token or the secret). */
  fail(error: unknown): void {
    const composerError = error instanceof ComposerError ? error : ComposerError.internal(describe(error), error);
    logError(composerError.message);
    this.#set('errorCode', String(composerError.status));
    this.#set('errorName', composerError.code);
    this.setState('error');
  }

  counts(counts: { participants: number; tiles: number; videoTiles: number; fps: number }): void {
    this.#set('participants', String(counts.participants));
    this.#set('tiles', String(counts.tiles));
    this.#set('videoTiles', String(counts.videoTiles));
    this.#set('fps', String(counts.fps));
  }

  recorder(mimeType: string | null): void {
    if (mimeType === null) delete this.#body.dataset.recorder;
    else this.#set('recorder', mimeType);
  }

  #set(key: string, value: string): void {
    if (this.#body.dataset[key] !== value) this.#body.dataset[key] = value;
  }
}

export function logError(message: string, ...details: unknown[]): void {
  console.error(`${LOG_PREFIX} ${message}`, ...details);
}

export function logWarn(message: string, ...details: unknown[]): void {
  console.warn(`${LOG_PREFIX} ${message}`, ...details);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
