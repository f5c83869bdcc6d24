// Screenshots of a Wayland output taken with grim, as binary PPM (grim -t
// ppm): no image library needed to read pixels.
import { execFileSync } from 'node:child_process';

export interface Shot {
  readonly width: number;
  readonly height: number;
  /** RGB, row by row. */
  readonly rgb: Buffer;
}

export function parsePpm(buf: Buffer): Shot {
  // "P6\n<w> <h>\n<max>\n" then the pixels.
  const head = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 64).toString('latin1'));
  if (!head) throw new Error('not a binary PPM');
  const width = Number(head[1]);
  const height = Number(head[2]);
  return { width, height, rgb: buf.subarray(head[0].length, head[0].length + width * height * 3) };
}

export function grim(env: NodeJS.ProcessEnv): Shot {
  return parsePpm(execFileSync('grim', ['-t', 'ppm', '-'], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 }));
}

function px(s: Shot, x: number, y: number): [number, number, number] {
  const i = (y * s.width + x) * 3;
  return [s.rgb[i]!, s.rgb[i + 1]!, s.rgb[i + 2]!];
}

/**
 * Pixels of the output's border (outermost rows and columns) that are the
 * compositor's own black, where no client covers the output.
 */
export function uncoveredBorder(s: Shot): number {
  let n = 0;
  const black = (x: number, y: number) => px(s, x, y).every((c) => c === 0);
  for (let x = 0; x < s.width; x++) n += Number(black(x, 0)) + Number(black(x, s.height - 1));
  for (let y = 0; y < s.height; y++) n += Number(black(0, y)) + Number(black(s.width - 1, y));
  return n;
}

/** The fraction of pixels that differ (any channel by more than 16) between two shots of the same size. */
export function difference(a: Shot, b: Shot): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let n = 0;
  for (let i = 0; i < a.rgb.length; i += 3) {
    if (Math.abs(a.rgb[i]! - b.rgb[i]!) > 16 || Math.abs(a.rgb[i + 1]! - b.rgb[i + 1]!) > 16 || Math.abs(a.rgb[i + 2]! - b.rgb[i + 2]!) > 16) n++;
  }
  return n / (a.width * a.height);
}

/** The fraction of pixels whose channel sum (0-765) passes `test`: how much of a shot is light, or dark. */
export function shareOf(s: Shot, test: (sum: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < s.rgb.length; i += 3) if (test(s.rgb[i]! + s.rgb[i + 1]! + s.rgb[i + 2]!)) n++;
  return n / (s.width * s.height);
}
