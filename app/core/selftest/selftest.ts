// `kioskctl selftest`: an end-to-end review session without the UI, on a
// scratch data directory — the demo carrier imported, a session opened by a
// test clerk, ranges played, the session ended, the log verified, the report
// exported. Court IT runs it after provisioning a device; it passes only when
// every step passed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPin } from '../auth';
import type { KioskConfig } from '../config';
import { writeDemoCarrier } from '../demo/demo-carrier';
import { importPath, ingestContextFor } from '../ingest';
import { verifyStore } from '../integrity';
import { cipherBackend } from '../store';
import { defaultTlsReader } from '../tis/native-tls-exchange';
import { checkViewingReport, exportViewingReports } from '../reports';
import { openKiosk, type Kiosk } from '../kiosk';
import { createKioskSessionService } from '../session';
import type { SessionService } from '../session/service';
import type { SessionView } from '../../shared/session-contract';

export interface SelftestStep {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface SelftestResult {
  readonly ok: boolean;
  readonly dataDir: string;
  readonly steps: SelftestStep[];
}

export interface SelftestOptions {
  readonly config: KioskConfig;
  readonly configFile: string;
  /** A demo carrier already written (else a short one is made with ffmpeg). */
  readonly demoCarrier?: string;
  /** Extra step run on the finished session, e.g. the report export. */
  readonly exportReport?: (kiosk: Kiosk, caseSignature: string, outDir: string) => Promise<string[]>;
  readonly keep?: boolean;
}

async function defaultExport(kiosk: Kiosk, caseSignature: string, outDir: string): Promise<string[]> {
  const r = await exportViewingReports(kiosk, { caseSignature, outDir });
  const files = r.reports.flatMap((x) => [x.json, x.html, x.pdf]);
  for (const x of r.reports) {
    const report = JSON.parse(fs.readFileSync(x.json, 'utf8')) as Parameters<typeof checkViewingReport>[0];
    const check = checkViewingReport(report, kiosk.signer().publicKeyPem);
    if (!check.ok) throw new Error(`exported report does not verify: ${check.problem}`);
  }
  return files;
}

async function until(s: SessionService, pred: (v: SessionView) => boolean, what: string): Promise<SessionView> {
  for (let i = 0; i < 200; i++) {
    await s.settled();
    const v = s.getSnapshot();
    if (pred(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`session did not reach ${what} (at ${s.getSnapshot().state})`);
}

function send(s: SessionService, e: Record<string, unknown>): void {
  const r = s.send(e);
  if (!r.ok) throw new Error(`${String(e.type)} refused: ${r.problem.rule} ${r.problem.message}`);
}

export async function runSelftest(opts: SelftestOptions): Promise<SelftestResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-selftest-'));
  const steps: SelftestStep[] = [];
  const step = async (name: string, f: () => Promise<string> | string): Promise<boolean> => {
    try {
      steps.push({ name, ok: true, detail: await f() });
      return true;
    } catch (e) {
      steps.push({ name, ok: false, detail: (e as Error).message });
      return false;
    }
  };
  let kiosk: Kiosk | null = null;
  let session: SessionService | null = null;
  const caseSig = 'KM 123/24';
  const identifier = 'KM12324-20240305-01';
  try {
    let carrier = opts.demoCarrier ?? '';
    const ok =
      (await step('demo carrier', async () => {
        if (!carrier) {
          carrier = path.join(dataDir, 'demo-carrier');
          await writeDemoCarrier(carrier, { longSeconds: 12, shortSeconds: 3 });
        }
        return carrier;
      })) &&
      (await step('open a scratch kiosk', async () => {
        // A key of its own beside the scratch data (data-keys, removed with it), never the configured key directory's.
        const { keyDir: _own, ...storage } = opts.config.storage;
        kiosk = await openKiosk({ dataDir: path.join(dataDir, 'data'), config: { ...opts.config, storage }, configFile: opts.configFile });
        return kiosk.layout.root;
      })) &&
      (await step('import the demo carrier', async () => {
        const r = await importPath(ingestContextFor(kiosk!, { operator: 'selftest' }), carrier, 'demo');
        if (r.problems.length) throw new Error(r.problems.map((p) => `${p.file}: ${p.rule}`).join('; '));
        if (r.imported.length < 4) throw new Error(`imported ${r.imported.length} recordings, expected 4`);
        return `${r.imported.length} recordings`;
      })) &&
      (await step('verify the store', async () => {
        const v = await verifyStore(kiosk!);
        if (!v.ok) throw new Error(JSON.stringify(v.recordings.filter((r) => !r.ok)));
        // Court IT sees here which cipher the store runs: the native one, or node:crypto (same bytes, more CPU) and why.
        // And which reads a case file's TLS from the TIS: OpenSSL on a thread of its own, or Node's socket (more CPU) and why.
        const c = await cipherBackend();
        const t = defaultTlsReader();
        return `${v.recordings.length} recordings verified; store cipher: ${c.backend === 'openssl-evp' ? 'OpenSSL EVP (native/aead)' : `node:crypto (native/aead: ${c.reason ?? 'not loaded'})`}; TIS download TLS: ${t.reader === 'openssl-thread' ? 'OpenSSL on its own thread (native/tls)' : `node:tls (native/tls: ${t.reason ?? 'not loaded'})`}`;
      })) &&
      (await step('a clerk opens a session', async () => {
        const pin = String(crypto.randomInt(100000, 999999));
        session = createKioskSessionService(kiosk!, { extraAccounts: [{ id: 'selftest-clerk', name: 'Selftest', role: 'clerk', pinHash: await hashPin(pin) }] });
        send(session, { type: 'clerk.begin' });
        send(session, { type: 'clerk.pin', accountId: 'selftest-clerk', pin });
        await until(session, (v) => v.screen === 'composing', 'composing');
        send(session, { type: 'compose.case', query: caseSig });
        await until(session, (v) => v.composition.lookup === 'found', 'case found');
        send(session, { type: 'compose.recordings', recordings: [{ identifier, version: 0 }] });
        send(session, { type: 'compose.viewer', name: 'Test Viewer', documentType: 'id-card', documentLast4: '0000', purpose: 'selftest' });
        send(session, { type: 'compose.time', minutes: 10 });
        send(session, { type: 'compose.confirm' });
        await until(session, (v) => v.screen === 'handover', 'handover (integrity verified)');
        send(session, { type: 'handover.viewerReady' });
        const v = await until(session, (x) => x.screen === 'viewing', 'viewing');
        return v.state;
      })) &&
      (await step('the viewer plays ranges', async () => {
        const s = session!;
        send(s, { type: 'viewer.play', mediaTime: 0 });
        for (const t of [2, 4]) send(s, { type: 'media.progress', mediaTime: t });
        send(s, { type: 'viewer.pause', mediaTime: 4 });
        send(s, { type: 'viewer.seek', mediaTime: 8 });
        send(s, { type: 'viewer.play', mediaTime: 8 });
        send(s, { type: 'media.progress', mediaTime: 10 });
        send(s, { type: 'viewer.pause', mediaTime: 10 });
        const v = await until(s, (x) => x.playback.status === 'paused', 'paused');
        const played = v.playback.played.find((p) => p.identifier === identifier);
        if (!played || played.seconds < 5) throw new Error(`played ranges not recorded: ${JSON.stringify(v.playback.played)}`);
        return JSON.stringify(played.ranges);
      })) &&
      (await step('the session ends', async () => {
        send(session!, { type: 'viewer.end' });
        await until(session!, (v) => v.screen === 'ended', 'ended');
        send(session!, { type: 'summary.close' });
        await until(session!, (v) => v.screen === 'locked', 'locked');
        return 'ended by the viewer';
      })) &&
      (await step('the viewing log verifies', () => {
        const r = kiosk!.log.verify();
        if (!r.ok) throw new Error(`${r.problem ?? 'mismatch'} at ${r.firstBad}`);
        const types = kiosk!.log.entries(0, r.entries).map((e) => e.type);
        for (const t of ['import.package', 'session.opened', 'playback.ranges', 'session.closed'])
          if (!types.includes(t)) throw new Error(`no ${t} entry in the log`);
        return `${r.entries} entries`;
      })) &&
      (await step('the report is exported', async () => {
        const exporter = opts.exportReport ?? defaultExport;
        const files = await exporter(kiosk!, caseSig, path.join(dataDir, 'reports'));
        if (files.length === 0) throw new Error('no report written');
        return files.map((f) => path.basename(f)).join(', ');
      }));
    return { ok: ok && steps.every((s) => s.ok), dataDir, steps };
  } finally {
    (session as SessionService | null)?.dispose();
    (kiosk as Kiosk | null)?.close();
    if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
