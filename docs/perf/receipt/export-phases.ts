// One kiosk, one imported 1 GiB recording, four rounds of two exports each:
// cold (the store's files dropped from the page cache) and warm (the object
// read into it first). Run from bench/ (npx tsx bench/export-phases.ts),
// with CK_T=1 and, for the phase split in phases.txt, these lines put in
// app/core/export/export-case.ts at a0dcea3 before lines 148, 155, 201,
// 217, 219 and 232 (each with its own line number N), then taken out again:
//   if (process.env.CK_T) process.stderr.write(`T N ${performance.now().toFixed(1)}\n`);
// copy = 148..155 (copyVerified), receipt = 201..217 (prepareReceipt),
// log+proof = 217..219 (log append, checkpoint, addLogProof), after-copy = 155..end.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../app/core/config';
import { exportCase } from '../../../app/core/export';
import { importPath, ingestContextFor } from '../../../app/core/ingest';
import { openKiosk } from '../../../app/core/kiosk';
import { makeBigCarrier } from '../../../bench/big-carrier';
import { asKioskProcess, evictFromCache, measureAsync } from '../../../bench/measure';
asKioskProcess();
const root = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'exp-warm-'));
const { carrier } = await makeBigCarrier(work, 1024);
const configFile = path.join(root, 'kiosk-config', 'court-kiosk-pl.json');
const kiosk = await openKiosk({ dataDir: path.join(work, 'data'), config: loadConfig(configFile), configFile });
await importPath(ingestContextFor(kiosk, { operator: 'bench' }), carrier);
fs.rmSync(carrier, { recursive: true, force: true });
const caseSig = (kiosk.db.prepare('SELECT signature FROM cases').get() as { signature: string }).signature;
const files = fs.readdirSync(path.join(work, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
const obj = files.filter((f) => /[0-9a-f]{64}-[0-9a-f]{8}$/.test(f)).reduce((a, b) => (fs.statSync(b).size > fs.statSync(a).size ? b : a));
for (let i = 0; i < 4; i++) {
  for (const mode of ['cold', 'warm']) {
    const target = path.join(work, `t-${i}-${mode}`);
    fs.mkdirSync(target);
    execFileSync('sync');
    evictFromCache(...files);
    if (mode === 'warm') execFileSync('sh', ['-c', `cat "${obj}" > /dev/null`]);
    const m = await measureAsync(async () => {
      process.env.CK_T && process.stderr.write(`T start ${performance.now().toFixed(1)}\n`); await exportCase(kiosk, { caseSignature: caseSig, to: target, purpose: 'backup', recipient: 'bench', operator: 'bench' });
    });
    process.env.CK_T && process.stderr.write(`T end ${performance.now().toFixed(1)}\n`);
    const t = m.threads!;
    console.log(mode, m.wall.toFixed(3), m.cpu.toFixed(2), t.main, t.others.slice(0, 2));
    fs.rmSync(target, { recursive: true, force: true });
  }
}
kiosk.close();
fs.rmSync(work, { recursive: true, force: true });
