// The forensic watermark (on by default): the viewer's initials, the session,
// the device and the time, semi-transparent and drifting across the picture
// so that a photograph or a film of the screen names its source. On Linux
// Electron's setContentProtection does nothing, so this is the deterrent there.
// It is drawn on a canvas that takes no pointer events; the Electron shell
// also draws it in an overlay window the renderer cannot reach (see docs/playback.md).
import { useEffect, useRef } from 'react';

export interface WatermarkProps {
  readonly viewerName: string;
  readonly sessionId: string;
  readonly deviceId: string;
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0]!.toLocaleUpperCase())
    .join('')
    .slice(0, 4);
}

/** Where the mark sits at time t (ms): a slow Lissajous path, so it never rests in one corner to be cropped. */
export function driftPosition(tMs: number, w: number, h: number, textW: number): { x: number; y: number } {
  const s = tMs / 1000;
  const x = ((Math.sin(s / 23) + 1) / 2) * Math.max(0, w - textW);
  const y = 30 + ((Math.sin(s / 17 + 1.3) + 1) / 2) * Math.max(0, h - 60);
  return { x, y };
}

export function Watermark({ viewerName, sessionId, deviceId }: WatermarkProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    const who = initials(viewerName);
    const sid = sessionId.slice(0, 8);
    const draw = () => {
      const { clientWidth: w, clientHeight: h } = el;
      if (el.width !== w || el.height !== h) {
        el.width = w;
        el.height = h;
      }
      const now = new Date();
      const text = `${who} · ${sid} · ${deviceId} · ${now.toLocaleTimeString('pl-PL', { hour12: false })}`;
      ctx.clearRect(0, 0, w, h);
      ctx.font = `600 ${Math.max(16, Math.round(h / 22))}px 'DejaVu Sans', sans-serif`;
      const textW = ctx.measureText(text).width;
      const { x, y } = driftPosition(now.getTime(), w, h, textW);
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(0,0,0,0.35)';
      ctx.fillStyle = 'rgba(255,255,255,0.42)';
      ctx.strokeText(text, x, y);
      ctx.fillText(text, x, y);
      // A second, fainter copy on the opposite diagonal: one crop cannot remove both.
      const o = driftPosition(now.getTime() + 41_000, w, h, textW);
      ctx.fillStyle = 'rgba(255,255,255,0.22)';
      ctx.fillText(text, w - textW - o.x, h - o.y);
    };
    draw();
    const id = window.setInterval(draw, 1000);
    return () => window.clearInterval(id);
  }, [viewerName, sessionId, deviceId]);
  return <canvas ref={canvas} className="watermark" aria-hidden="true" data-testid="watermark" />;
}
