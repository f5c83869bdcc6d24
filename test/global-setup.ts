// Runs once before all tests: builds the renderer bundle the shells serve and
// a small demo carrier with real media (ffmpeg), cached in test/.tmp so the
// many tests that import it do not re-encode video.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_CACHE = path.join(REPO, 'test', '.tmp', 'demo-carrier-v3');

export default async function setup(): Promise<void> {
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--renderer-only'], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(DEMO_CACHE, '.complete'))) {
    fs.rmSync(DEMO_CACHE, { recursive: true, force: true });
    const { writeDemoCarrier } = await import('../app/core/demo/demo-carrier');
    await writeDemoCarrier(DEMO_CACHE, { longSeconds: 40, shortSeconds: 8 });
    fs.writeFileSync(path.join(DEMO_CACHE, '.complete'), '');
  }
}
