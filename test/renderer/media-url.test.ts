import { describe, expect, it } from 'vitest';
import { isOwnMediaUrl } from '../../app/renderer/player/media-url';

describe('the player loads only kiosk media', () => {
  const origin = 'http://127.0.0.1:4000';
  it('[DC-5] accepts own-origin /media/ URLs, relative or absolute', () => {
    expect(isOwnMediaUrl('/media/cap/rec/playlist.m3u8', origin)).toBe(true);
    expect(isOwnMediaUrl('http://127.0.0.1:4000/media/cap/rec/0.m4s', origin)).toBe(true);
  });
  it('[DC-5] refuses other origins, schemes and paths', () => {
    for (const u of ['https://evil.example/media/x.m4s', 'http://127.0.0.1:4001/media/x', 'data:video/mp4;base64,AAAA', 'blob:http://127.0.0.1:4000/abc', 'file:///etc/passwd', '/api/recordings', 'http://user:pw@127.0.0.1:4000/media/x'])
      expect(isOwnMediaUrl(u, origin), u).toBe(false);
  });
});
