/** Seconds of media buffered ahead of the play head. */
export function bufferedAhead(video: HTMLMediaElement): number {
  const { buffered, currentTime } = video;
  for (let i = 0; i < buffered.length; i++) {
    if (buffered.start(i) <= currentTime + 0.1 && currentTime < buffered.end(i)) return buffered.end(i) - currentTime;
  }
  return 0;
}

/** Frames the element has decoded and dropped so far. */
export function frameCounts(video: HTMLVideoElement): { framesDecoded: number; framesDropped: number } {
  if (typeof video.getVideoPlaybackQuality !== 'function') return { framesDecoded: 0, framesDropped: 0 };
  const quality = video.getVideoPlaybackQuality();
  return { framesDecoded: quality.totalVideoFrames, framesDropped: quality.droppedVideoFrames };
}
