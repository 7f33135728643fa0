/** What came of asking the media element to play. */
export type PlayOutcome =
  /** playing with sound as asked */
  | 'played'
  /** the browser blocked sound: playing muted (show "tap to unmute") */
  | 'played-muted'
  /** the browser blocked playback even muted (needs a user gesture) */
  | 'blocked'
  /** interrupted by a new load or pause; not an error */
  | 'aborted';

/**
 * Plays `video`; when the autoplay policy refuses playback with sound (NotAllowedError),
 * mutes it and tries again, as browsers allow muted autoplay.
 */
export async function playWithAutoplayFallback(video: HTMLMediaElement): Promise<PlayOutcome> {
  try {
    await video.play();
    return 'played';
  } catch (error) {
    if (errorName(error) === 'AbortError') return 'aborted';
    if (errorName(error) !== 'NotAllowedError' || video.muted) return 'blocked';
  }
  video.muted = true;
  try {
    await video.play();
    return 'played-muted';
  } catch (error) {
    return errorName(error) === 'AbortError' ? 'aborted' : 'blocked';
  }
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
}
