// What the media route handed to a session's player, per recording: every
// byte counted, and the stretches of the recording's timeline its segments
// cover, merged like played ranges. Played ranges say what the viewer saw (as
// the player reports it); served ranges say what left the kiosk, whatever the
// page did with it. The viewing log keeps both (`media.served` beside
// `playback.ranges`), and the viewing report shows them side by side.
import type { PlayedRanges, RecordingRef } from '../../shared/session-contract';
import { addRange, totalSeconds } from './ranges';

export type ServedKind = 'playlist' | 'init' | 'segment' | 'captions';

/** One answer of the media route that carried bytes. */
export interface ServedPiece {
  readonly recording: RecordingRef;
  readonly kind: ServedKind;
  /** Body bytes handed to the response (a range's length for 206). */
  readonly bytes: number;
  /** For a media segment: where it lies on the recording's one timeline, seconds. */
  readonly span: readonly [number, number] | null;
}

/** The running tally of one recording in one session, as written in `media.served`. */
export interface ServedTally extends RecordingRef {
  readonly ranges: PlayedRanges;
  readonly seconds: number;
  readonly bytes: number;
  readonly requests: number;
}

interface Entry {
  tally: ServedTally;
  changed: boolean;
}

export class ServedMedia {
  readonly #by = new Map<string, Entry>();

  add(piece: ServedPiece): void {
    const key = `${piece.recording.identifier}\u0000${piece.recording.version}`;
    const e = this.#by.get(key) ?? {
      tally: { identifier: piece.recording.identifier, version: piece.recording.version, ranges: [], seconds: 0, bytes: 0, requests: 0 },
      changed: false,
    };
    const ranges = piece.span ? addRange(e.tally.ranges, piece.span[0], piece.span[1]) : e.tally.ranges;
    e.tally = { ...e.tally, ranges, seconds: totalSeconds(ranges), bytes: e.tally.bytes + piece.bytes, requests: e.tally.requests + 1 };
    e.changed = true;
    this.#by.set(key, e);
  }

  /** The tallies that changed since the last call (each cumulative), now counted as written. */
  takeChanged(): ServedTally[] {
    const out: ServedTally[] = [];
    for (const e of this.#by.values()) {
      if (!e.changed) continue;
      e.changed = false;
      out.push(e.tally);
    }
    return out;
  }

  clear(): void {
    this.#by.clear();
  }
}
