#!/bin/sh
# An FFMPEG_PATH for composer.bench.ts's opt-in workaround (ONAIR_BENCH_VP8_OUTPUT_RATE):
# runs the real ffmpeg ($ONAIR_BENCH_REAL_FFMPEG), adding `-r $ONAIR_BENCH_VP8_OUTPUT_RATE`
# before the output (the last argument) when it re-encodes with libx264. Without an output
# rate, ffmpeg 4.1 takes MediaRecorder's WebM at its 1 ms time base and duplicates frames up
# to 1000 fps. Any other run is passed through unchanged.
real="${ONAIR_BENCH_REAL_FFMPEG:?ONAIR_BENCH_REAL_FFMPEG is not set}"
case " $* " in
  *" libx264 "*) ;;
  *) exec "$real" "$@" ;;
esac
n=$#
i=0
for arg in "$@"; do
  i=$((i + 1))
  if [ "$i" -eq "$n" ]; then set -- "$@" -r "${ONAIR_BENCH_VP8_OUTPUT_RATE:-30}"; fi
  set -- "$@" "$arg"
done
shift "$n"
exec "$real" "$@"
