#!/usr/bin/env bash
# Makes a small, real MP4 recording for tests and demos: testsrc2 video plus a
# sine tone, encoded by ffmpeg. Tests call it at run time instead of keeping
# binary fixtures in git.
#
#   scripts/make-test-media.sh OUT.mp4 [--seconds N] [--size WxH] [--fps F]
#       [--codec h264|mpeg4|hevc] [--profile baseline|main] [--gop SECONDS]
#       [--faststart|--moov-at-end] [--no-audio] [--no-video] [--marker TEXT]
#
# --marker TEXT puts TEXT into the file's `comment` metadata, so a test can scan
# a disk for it and prove that no plaintext copy of the recording was written.
# Defaults: 4 s, 1280x720, 24 fps, H.264 main (with B-frames), AAC 48 kHz
# stereo, a keyframe every 2 s, moov at the end (ffmpeg's default).
set -euo pipefail

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
out="$1"; shift
case "$out" in -*) usage ;; esac

seconds=4 size=1280x720 fps=24 codec=h264 profile=main gop=2 moov=end
audio=1 video=1 marker=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --fps) fps="$2"; shift 2 ;;
    --codec) codec="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --gop) gop="$2"; shift 2 ;;
    --faststart) moov=start; shift ;;
    --moov-at-end) moov=end; shift ;;
    --no-audio) audio=0; shift ;;
    --no-video) video=0; shift ;;
    --marker) marker="$2"; shift 2 ;;
    *) echo "make-test-media: unknown option $1" >&2; usage ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "make-test-media: --seconds must be a number" >&2; exit 2; }
[[ "$size" =~ ^[0-9]+x[0-9]+$ ]] || { echo "make-test-media: --size must be WxH" >&2; exit 2; }
[[ "$fps" =~ ^[0-9]+(/[0-9]+)?$ ]] || { echo "make-test-media: --fps must be N or N/M" >&2; exit 2; }
[ "$video" = 1 ] || [ "$audio" = 1 ] || { echo "make-test-media: nothing to encode" >&2; exit 2; }

if ! command -v ffmpeg >/dev/null 2>&1; then
  # CI runs on a fresh Debian as root.
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
fi

# Keyframe interval in frames, so the HLS packager can cut segments of a few seconds.
gop_frames=$(awk -v f="$fps" -v g="$gop" 'BEGIN { split(f, a, "/"); r = a[1] / (a[2] ? a[2] : 1); n = int(r * g + 0.5); print (n < 1 ? 1 : n) }')

args=(-hide_banner -loglevel error -y)
[ "$video" = 1 ] && args+=(-f lavfi -i "testsrc2=size=${size}:rate=${fps}")
[ "$audio" = 1 ] && args+=(-f lavfi -i "sine=frequency=440:sample_rate=48000")
args+=(-t "$seconds")

if [ "$video" = 1 ]; then
  case "$codec" in
    h264)
      args+=(-c:v libx264 -preset ultrafast -crf 30 -profile:v "$profile" -pix_fmt yuv420p
        -g "$gop_frames" -keyint_min "$gop_frames" -sc_threshold 0)
      # ultrafast turns B-frames off; main keeps a few so tests see composition offsets.
      [ "$profile" = baseline ] || args+=(-bf 2 -x264-params "b-adapt=0")
      ;;
    mpeg4) args+=(-c:v mpeg4 -q:v 5 -g "$gop_frames") ;;
    hevc) args+=(-c:v libx265 -preset ultrafast -tag:v hvc1 -pix_fmt yuv420p -g "$gop_frames"
      -x265-params "log-level=error:keyint=${gop_frames}:min-keyint=${gop_frames}:scenecut=0") ;;
    *) echo "make-test-media: --codec must be h264, mpeg4 or hevc" >&2; exit 2 ;;
  esac
fi
if [ "$audio" = 1 ]; then
  args+=(-c:a aac -b:a 96k -ac 2)
fi
[ -n "$marker" ] && args+=(-metadata "comment=${marker}")
[ "$moov" = start ] && args+=(-movflags +faststart)

mkdir -p "$(dirname "$out")"
ffmpeg "${args[@]}" -f mp4 "$out"
