// Progress of an import, for the UI and for the terminal's progress bar.
export interface ImportProgress {
  readonly package: string;
  readonly file: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly rateBytesPerSec: number;
  readonly etaSec: number | null;
}

export type ProgressListener = (p: ImportProgress) => void;

export function progressTracker(pkg: string, bytesTotal: number, filesTotal: number, listener: ProgressListener | undefined, now: () => number = Date.now) {
  const started = now();
  let bytesDone = 0;
  let filesDone = 0;
  let lastEmit = 0;
  let file = '';
  const emit = (force: boolean) => {
    if (!listener) return;
    const t = now();
    if (!force && t - lastEmit < 100) return;
    lastEmit = t;
    const secs = Math.max((t - started) / 1000, 1e-3);
    const rate = bytesDone / secs;
    listener({ package: pkg, file, bytesDone, bytesTotal, filesDone, filesTotal, rateBytesPerSec: rate, etaSec: rate > 0 ? (bytesTotal - bytesDone) / rate : null });
  };
  return {
    startFile(name: string) {
      file = name;
      emit(true);
    },
    add(n: number) {
      bytesDone += n;
      emit(false);
    },
    fileDone() {
      filesDone++;
      emit(true);
    },
  };
}
