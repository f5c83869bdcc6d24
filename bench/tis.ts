// Bench: a ≥1 GiB part over loopback HTTPS (mutual TLS) from the reference
// TIS server (its own process), through TisClient.download into a hashing
// sink, against curl with the same client certificate writing to /dev/null.
// Usage: npx tsx bench/tis.ts [--mib 1024] [--rounds 2]
// Prints one JSON object; goal: ratio ≥ 0.7.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TisClient, type Sink } from '../app/core/tis/client';
import { writeTisCase } from '../scripts/tis-server/cases';

const { values } = parseArgs({ options: { mib: { type: 'string', default: '1024' }, rounds: { type: 'string', default: '2' } } });
const mib = Number(values.mib);
const rounds = Number(values.rounds);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(repo, 'bench/.work/tis');
const certs = path.join(work, 'pki');
const root = path.join(work, 'root');
const signature = 'BENCH 1/25';
const partName = `part-${mib}MiB.bin`;

execFileSync('bash', [path.join(repo, 'scripts/tis-certs.sh'), certs], { stdio: 'pipe' });
const caseFiles = path.join(root, encodeURIComponent(signature), 'files');
const partFile = path.join(caseFiles, partName);
if (!fs.existsSync(partFile) || fs.statSync(partFile).size !== mib * 1024 * 1024) {
  await writeTisCase(root, { case: { jurisdiction: 'PL', signature }, recordings: [] }, {});
  // Random bytes: nothing on the way can compress them.
  execFileSync('sh', ['-c', `head -c ${mib * 1024 * 1024} /dev/urandom > '${partFile}'`]);
}
await writeTisCase(
  root,
  { case: { jurisdiction: 'PL', signature }, recordings: [{ identifier: 'B', date: null, duration: null, parts: [{ name: partName }] }] },
  {},
);

const server = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/tis-server/main.ts'), '--root', root, '--certs', certs], {
  cwd: repo,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const line = out.split('\n')[0];
    if (out.includes('\n') && line) resolve(line.trim());
  });
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

class HashingSink implements Sink {
  private readonly h = createHash('sha256');
  private n = 0;
  async write(chunk: Buffer): Promise<void> {
    this.h.update(chunk);
    this.n += chunk.length;
  }
  async finish(): Promise<{ sha256: string; size: number }> {
    return { sha256: this.h.digest('hex'), size: this.n };
  }
  async abort(): Promise<void> {}
}

try {
  const client = new TisClient({
    baseUrl: url,
    ca: fs.readFileSync(path.join(certs, 'ca.crt')),
    cert: fs.readFileSync(path.join(certs, 'client.crt')),
    key: fs.readFileSync(path.join(certs, 'client.key')),
    timeoutMs: 120_000,
  });
  const listing = await client.listRecordings(signature); // the server hashes the part here, once
  const part = listing.recordings[0]?.parts[0];
  if (!part || part.status !== 'ready') throw new Error('bench part not ready');
  const href = client.resolve(part.href).href;

  const sinkOnly = new TisClient({
    baseUrl: url,
    ca: fs.readFileSync(path.join(certs, 'ca.crt')),
    cert: fs.readFileSync(path.join(certs, 'client.crt')),
    key: fs.readFileSync(path.join(certs, 'client.key')),
    timeoutMs: 120_000,
    hashInClient: false,
  });
  const timed = async (c: TisClient): Promise<number> => {
    const t0 = process.hrtime.bigint();
    const res = await c.download(part.href, part, async () => new HashingSink());
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (res.status !== 'ok') throw new Error('download not ok');
    return part.size / 1e6 / s;
  };
  /** Plain node:https into nothing: what Node's TLS client alone manages on this machine. */
  const rawNode = async (): Promise<number> => {
    const t0 = process.hrtime.bigint();
    let n = 0;
    await new Promise<void>((resolve, reject) => {
      https
        .get(href, { ca: fs.readFileSync(path.join(certs, 'ca.crt')), cert: fs.readFileSync(path.join(certs, 'client.crt')), key: fs.readFileSync(path.join(certs, 'client.key')), agent: false }, (res) => {
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () => resolve());
          res.on('error', reject);
        })
        .on('error', reject);
    });
    return n / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9);
  };

  const kiosk: number[] = [];
  const kioskSinkOnly: number[] = [];
  const node: number[] = [];
  const curl: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    kiosk.push(await timed(client));
    kioskSinkOnly.push(await timed(sinkOnly));
    node.push(await rawNode());

    const out = execFileSync('curl', [
      '-sS', '--fail', '--cacert', path.join(certs, 'ca.crt'), '--cert', path.join(certs, 'client.crt'),
      '--key', path.join(certs, 'client.key'), '-o', '/dev/null', '-w', '%{size_download} %{time_total}', href,
    ]).toString();
    const [bytes, secs] = out.split(' ').map(Number);
    if (bytes !== part.size) throw new Error(`curl got ${bytes} bytes`);
    curl.push((bytes ?? 0) / 1e6 / (secs ?? 1));
  }
  const best = (xs: number[]): number => Math.max(...xs);
  const round1 = (x: number): number => Math.round(x * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'tis-download',
      bytes: part.size,
      rounds,
      kioskMBps: kiosk.map(round1),
      kioskSinkHashOnlyMBps: kioskSinkOnly.map(round1),
      rawNodeHttpsMBps: node.map(round1),
      curlMBps: curl.map(round1),
      bestKioskMBps: round1(best(kiosk)),
      bestCurlMBps: round1(best(curl)),
      ratio: Math.round((best(kiosk) / best(curl)) * 100) / 100,
      ratioSinkHashOnly: Math.round((best(kioskSinkOnly) / best(curl)) * 100) / 100,
      ratioRawNode: Math.round((best(node) / best(curl)) * 100) / 100,
      goal: 0.7,
      loadavg: os.loadavg().map(round1),
      note: 'kiosk = TisClient.download (mTLS, client SHA-256 + hashing sink); sinkHashOnly = hashInClient:false; rawNode = node:https discarding bytes; curl -o /dev/null; same cert, same server process',
    })}\n`,
  );
} finally {
  server.kill('SIGTERM');
}
