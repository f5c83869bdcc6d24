#!/usr/bin/env node
// Builds what the shells serve and run:
//   dist/renderer/  index.html, app.js (React + hls.js + pdf.js), styles.css, hls.worker.js, pdf.worker.js
//   dist/electron/  main.cjs, preload.cjs (thin glue; electron stays external)
//   dist/verifier/  verify-report.html: the offline report verifier, one self-contained file
// esbuild rather than a dev server: the kiosk only ever needs a static bundle.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const only = process.argv.includes('--renderer-only') ? 'renderer' : 'all';
// --electron-out=DIR builds only the Electron bundles, into DIR: the
// electronegativity test scans exactly what ships without touching dist/.
const electronOut = process.argv.find((a) => a.startsWith('--electron-out='))?.slice('--electron-out='.length);

/** One browser bundle of the renderer (React + hls.js), minified, for Chromium 120+. */
function bundlePage(entry, outfile) {
  return build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outfile,
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
}

async function buildRenderer() {
  const dir = path.join(out, 'renderer');
  fs.mkdirSync(dir, { recursive: true });
  await bundlePage('app/renderer/main.tsx', path.join(dir, 'app.js'));
  // The watermark overlay page: Electron shows it in its own click-through window above the player.
  await bundlePage('app/renderer/watermark-main.tsx', path.join(dir, 'watermark.js'));
  for (const f of ['index.html', 'styles.css', 'watermark.html', 'watermark.css']) fs.copyFileSync(path.join(root, 'app/renderer', f), path.join(dir, f));
  // hls.js's transmux worker as a file of our own origin, so the CSP needs no blob: worker.
  fs.copyFileSync(path.join(root, 'node_modules/hls.js/dist/hls.worker.js'), path.join(dir, 'hls.worker.js'));
  // pdf.js's worker (a module worker) likewise, for the protocol viewer; named .js so it is served as JavaScript.
  fs.copyFileSync(path.join(root, 'node_modules/pdfjs-dist/build/pdf.worker.min.mjs'), path.join(dir, 'pdf.worker.js'));
}

/**
 * The standalone verifier page: its script bundled and inlined into one HTML
 * file, allowed by its SHA-256 in the page's CSP (which allows no network),
 * so it opens from disk with nothing beside it.
 */
async function buildVerifier() {
  const r = await build({
    entryPoints: [path.join(root, 'app/renderer/verifier/main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox128', 'safari17'],
    write: false,
    minify: true,
    charset: 'utf8',
    logLevel: 'warning',
  });
  const script = r.outputFiles[0].text.trimEnd();
  if (script.includes('</script')) throw new Error('the verifier bundle contains </script');
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  const html = fs
    .readFileSync(path.join(root, 'app/renderer/verifier/verify-report.html'), 'utf8')
    .replace('__SCRIPT_HASH__', `sha256-${hash}`)
    .replace('__SCRIPT__', () => script);
  fs.mkdirSync(path.join(out, 'verifier'), { recursive: true });
  fs.writeFileSync(path.join(out, 'verifier', 'verify-report.html'), html);
}

async function buildElectron(dir = path.join(out, 'electron')) {
  fs.mkdirSync(dir, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // es2021 syntax (private fields lowered): electronegativity's parser
    // predates class private fields and would skip the whole bundle with
    // "Error parsing", so the security scan could not read what ships.
    target: ['node20', 'es2021'],
    external: ['electron', 'better-sqlite3', 'usb', 'drivelist'],
    logLevel: 'warning',
  };
  await build({ ...common, entryPoints: [path.join(root, 'app/shells/electron/main.ts')], outfile: path.join(dir, 'main.cjs') });
  await build({ ...common, entryPoints: [path.join(root, 'app/shells/electron/preload.ts')], outfile: path.join(dir, 'preload.cjs') });
}

async function buildNodePrograms() {
  // kioskctl and the web shell as ESM bundles, for installs without tsx.
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  };
  await build({ ...common, entryPoints: [path.join(root, 'app/cli/main.ts')], outfile: path.join(out, 'cli', 'kioskctl.mjs') });
  await build({ ...common, entryPoints: [path.join(root, 'app/shells/web/main.ts')], outfile: path.join(out, 'web', 'main.mjs') });
}

if (electronOut) {
  await buildElectron(path.resolve(electronOut));
  console.log(`built electron shell into ${electronOut}`);
  process.exit(0);
}
await buildRenderer();
await buildVerifier();
if (only === 'all') await buildNodePrograms();
if (only === 'all' && fs.existsSync(path.join(root, 'app/shells/electron/main.ts'))) await buildElectron();
console.log(`built ${only === 'all' ? 'renderer and electron shell' : 'renderer'} into ${path.relative(root, out)}/`);
