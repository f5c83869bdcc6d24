// The seek bar: a native range input (keyboard and screen-reader friendly)
// with the annotations and the part boundaries of a multi-part recording
// (UA-2) marked on it.
import type { MediaAnnotation, MediaPartSpan } from '../../../shared/media-contract';
import { clock } from './format';

interface Props {
  label: string;
  position: number;
  duration: number;
  parts: readonly MediaPartSpan[];
  annotations: readonly MediaAnnotation[];
  partLabel(n: number): string;
  onSeek(to: number): void;
}

export function SeekBar({ label, position, duration, parts, annotations, partLabel, onSeek }: Props) {
  const pct = (t: number) => `${duration > 0 ? Math.min(100, Math.max(0, (t / duration) * 100)) : 0}%`;
  return (
    <div className="seek">
      <input
        type="range"
        min={0}
        max={Math.max(duration, 0.001)}
        step={1}
        value={Math.min(position, duration)}
        onChange={(e) => onSeek(Number(e.target.value))}
        aria-label={label}
        aria-valuetext={`${clock(position)} / ${clock(duration)}`}
        data-testid="seek"
      />
      <div className="marks" aria-hidden="true">
        {parts.slice(1).map((p, i) => (
          <span key={`p${p.startSec}`} className="mark part" style={{ left: pct(p.startSec) }} title={partLabel(i + 2)} data-testid="part-mark" />
        ))}
        {annotations.map((a) => (
          <span key={`a${a.atSec}-${a.text}`} className="mark annotation-mark" style={{ left: pct(a.atSec) }} title={a.text} data-testid="annotation-mark" />
        ))}
      </div>
    </div>
  );
}
