// HLS packaging of stored (encrypted) MP4 recordings for hls.js: index once at
// import, then serve init/media segments and a playlist on demand.
export {
  type MediaIndex,
  type IndexedTrack,
  type IndexedSegment,
  type SegmentTrackRange,
  type SampleLayout,
  MEDIA_INDEX_FORMAT,
  TARGET_SEGMENT_SEC,
  indexMp4,
} from './media-index';
export { initSegment, mediaSegment, segmentCount } from './fragment';
export {
  type Playlist,
  type PlaylistPart,
  type PartSpan,
  INIT_SEGMENT_NAME,
  mediaSegmentName,
  parseSegmentName,
  playlist,
} from './playlist';
