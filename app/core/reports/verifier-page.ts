// The standalone verifier page (app/renderer/verifier, built into
// dist/verifier/verify-report.html by scripts/build.mjs), shipped beside what
// the kiosk hands out, so whoever receives a report can check it offline.
import fs from 'node:fs';
import path from 'node:path';
import { appRootFrom } from '../app-root';

export const VERIFIER_PAGE = 'verify-report.html';

/** Copies the built page into `dir`; null when this installation was not built (a source checkout before `npm run build`). */
export function shipVerifierPage(dir: string): string | null {
  const built = path.join(appRootFrom(import.meta.url), 'dist', 'verifier', VERIFIER_PAGE);
  if (!fs.existsSync(built)) return null;
  const to = path.join(dir, VERIFIER_PAGE);
  fs.copyFileSync(built, `${to}.part`);
  fs.renameSync(`${to}.part`, to);
  return to;
}
