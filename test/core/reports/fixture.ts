// A real kiosk in a temp data dir with one case in the catalog and review
// sessions written to its viewing log the way the session service writes them.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../app/core/config';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { insertImport, insertRecording, upsertCase } from '../../../app/core/catalog';
import { REPO, scratch } from '../../helpers/paths';

export const CASE = 'I C 1234/26';
export const SHA = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

export interface Fixture {
  readonly kiosk: Kiosk;
  readonly dir: string;
  close(): void;
}

export async function openFixture(): Promise<Fixture> {
  const dir = scratch('kiosk-report-');
  const configFile = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');
  const kiosk = await openKiosk({ dataDir: path.join(dir, 'data'), config: loadConfig(configFile), configFile });
  const now = '2026-03-20T10:00:00.000Z';
  const caseId = upsertCase(kiosk.db, { jurisdiction: 'PL', signature: CASE, court: 'Sąd Rejonowy dla Krakowa-Śródmieścia', caseNumber: null, proceedingsNumber: null, extra: {} }, now);
  const importId = insertImport(kiosk.db, {
    sourceKind: 'demo', sourceRef: 'fixture', packageSha256: null, operator: 'test', startedAt: now, finishedAt: now, outcome: 'imported', provenance: {}, report: {},
  });
  for (const [identifier, title, date, durationSec] of [
    ['KM-2026-0001', 'Zajęcie ruchomości — oględziny lokalu', '2026-03-14T09:30:00', 1520],
    ['KM-2026-0002', 'Opis i oszacowanie nieruchomości', '2026-03-15 11:05:12', 3725],
  ] as const) {
    insertRecording(kiosk.db, {
      caseId, importId, identifier, version: 0, supersedes: null, creator: { name: 'Jan Kowalski', court: 'SR Kraków-Śródmieście' },
      title, date, durationSec, grouping: CASE, status: 'complete', holdReason: null, flags: [], envelopeSheet: null, extra: {},
      parts: [], attachments: [], annotations: [],
    }, now);
  }
  return {
    kiosk,
    dir,
    close() {
      kiosk.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SessionSpec {
  readonly sessionId: string;
  readonly caseSignature?: string;
  readonly viewerName?: string;
  readonly language?: string;
}

/** Appends a whole session (opened, verdicts, playback, closed) as the session service would. */
export function appendSession(kiosk: Kiosk, s: SessionSpec): void {
  const log = kiosk.log;
  const sessionId = s.sessionId;
  const a = { identifier: 'KM-2026-0001', version: 0 };
  const b = { identifier: 'KM-2026-0002', version: 0 };
  log.append('session.opened', {
    sessionId,
    clerk: { id: 'clerk-01', name: 'Anna Nowak', role: 'clerk' },
    viewer: { name: s.viewerName ?? 'Zofia Wiśniewska', documentType: 'id-card', documentLast4: '4821', purpose: 'strona postępowania — wgląd w akta' },
    case: { signature: s.caseSignature ?? CASE, caseNumber: null },
    recordings: [a, b],
    minutesAllowed: 30,
    ...(s.language ? { language: s.language } : {}),
  });
  log.append('integrity.verdict', { sessionId, phase: 'before-playback', ...a, ok: true, problem: null, sha256: SHA });
  log.append('integrity.verdict', { sessionId, phase: 'before-playback', ...b, ok: true, problem: null, sha256: SHA.split('').reverse().join('') });
  log.append('playback.play', { sessionId, ...a, mediaTime: 0, rate: 1 });
  log.append('playback.pause', { sessionId, ...a, mediaTime: 95.4, rate: 1, atEnd: false });
  log.append('playback.seek', { sessionId, ...a, from: 95.4, to: 600 });
  log.append('playback.play', { sessionId, ...a, mediaTime: 600, rate: 1.5 });
  log.append('playback.ranges', { sessionId, ...a, ranges: [[0, 95.4], [600, 725]], seconds: 220.4 });
  log.append('playback.select', { sessionId, ...b });
  log.append('playback.play', { sessionId, ...b, mediaTime: 0, rate: 1 });
  log.append('playback.ranges', { sessionId, ...b, ranges: [[0, 3700]], seconds: 3700 });
  // What the media route handed out, written before the closing entry.
  log.append('media.served', { sessionId, ...a, ranges: [[0, 126], [598, 756]], seconds: 284, bytes: 48_213_774, requests: 71 });
  log.append('media.served', { sessionId, ...b, ranges: [[0, 3725]], seconds: 3725, bytes: 612_004_112, requests: 940 });
  log.append('session.closed', {
    sessionId,
    reason: 'viewer',
    problem: null,
    played: [
      { ...a, ranges: [[0, 95.4], [600, 725]], seconds: 220.4 },
      { ...b, ranges: [[0, 3700]], seconds: 3700 },
    ],
  });
}
