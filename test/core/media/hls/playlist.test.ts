import { describe, expect, it } from 'vitest';
import { type MediaIndex, MEDIA_INDEX_FORMAT, parseSegmentName, playlist } from '../../../../app/core/media';

function fakeIndex(durations: number[]): MediaIndex {
  let at = 0;
  return {
    format: MEDIA_INDEX_FORMAT,
    fileSize: 1,
    durationSec: durations.reduce((a, b) => a + b, 0),
    tracks: [],
    layout: { runCount: 0, runs: '', gaps: '' },
    segments: durations.map((d) => {
      const s = { startSec: at, durationSec: d, tracks: [] };
      at += d;
      return s;
    }),
  };
}

describe('playlist', () => {
  it('[UA-2] writes one VOD playlist for several parts, a discontinuity and init map before each later part', () => {
    const pl = playlist([
      { index: fakeIndex([4, 4, 2.5]), uriPrefix: 'r/7/0/' },
      { index: fakeIndex([5.25, 1]), uriPrefix: 'r/7/1/' },
    ]);
    expect(pl.m3u8).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:6',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MAP:URI="r/7/0/init.mp4"',
        '#EXTINF:4.000000,',
        'r/7/0/0.m4s',
        '#EXTINF:4.000000,',
        'r/7/0/1.m4s',
        '#EXTINF:2.500000,',
        'r/7/0/2.m4s',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="r/7/1/init.mp4"',
        '#EXTINF:5.250000,',
        'r/7/1/0.m4s',
        '#EXTINF:1.000000,',
        'r/7/1/1.m4s',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    expect(pl.parts).toEqual([
      { startSec: 0, durationSec: 10.5 },
      { startSec: 10.5, durationSec: 6.25 },
    ]);
    expect(pl.durationSec).toBe(16.75);
  });

  it('refuses a URI prefix that would break the playlist syntax', () => {
    expect(() => playlist([{ index: fakeIndex([4]), uriPrefix: 'a"b/' }])).toThrow(/quotes/);
    expect(() => playlist([{ index: fakeIndex([4]), uriPrefix: 'a\n#EXT-X-ENDLIST\n' }])).toThrow();
  });

  it('maps segment names back to what to serve, and nothing else', () => {
    expect(parseSegmentName('init.mp4')).toBe('init');
    expect(parseSegmentName('0.m4s')).toBe(0);
    expect(parseSegmentName('17.m4s')).toBe(17);
    for (const bad of ['017.m4s', '-1.m4s', '1.m4s/', '../0.m4s', '1.5.m4s', 'init.mp4x', '']) expect(parseSegmentName(bad)).toBeNull();
  });
});
