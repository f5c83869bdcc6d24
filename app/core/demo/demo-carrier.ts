// `kioskctl demo-carrier DIR`: a carrier in the crp/1 format with real media,
// so a newcomer (and the tests) see real recordings:
//   KM-123-24/        a PL bailiff's recording, 1280x720 24 fps H.264 + AAC,
//                     a few minutes, with annotations and a protocol
//   KM-45-25/         a PL recording at version 0 and a version 1 superseding it
//   UA-757-12345-25/  a UA videoconference hearing in three parts with the
//                     signed protocol «Протокол судового засідання підсистеми ВКЗ»
//                     (three pages in Ukrainian, for the protocol viewer)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BagWriter } from '../carrier/bagit/writer';
import { ensureTool, run } from '../tools/external-tool';
import { UA_PROTOCOL_TITLE } from '../crp';
import { tinyPdf } from './tiny-pdf';
import { protocolPdf } from './protocol-pdf';

export interface DemoOptions {
  /** Seconds of the long PL recording (default 150: "a few minutes"). */
  readonly longSeconds?: number;
  /** Seconds of each of the shorter recordings and parts (default 20). */
  readonly shortSeconds?: number;
  /** A text embedded in every media file's metadata, for plaintext-on-disk scans. */
  readonly marker?: string;
}

export interface DemoCarrier {
  readonly root: string;
  readonly packages: readonly string[];
  /** The certificate that signed the UA protocol (a demo secretary), PEM. */
  readonly signerCertFile: string;
}

export const DEMO_MARKER = 'COURT-KIOSK-DEMO-PLAINTEXT-MARKER';

function makeMp4(out: string, seconds: number, marker: string, opts: { size?: string; fps?: number; tone?: number } = {}): void {
  const [w, h] = (opts.size ?? '1280x720').split('x').map(Number) as [number, number];
  const fps = opts.fps ?? 24;
  // testsrc2 drawn at a quarter size and scaled up: moving, clock-stamped
  // pictures that encode several times faster and smaller than full-size noise.
  run('ffmpeg', [
    '-y', '-v', 'error',
    '-f', 'lavfi', '-i', `testsrc2=size=${w / 4}x${h / 4}:rate=${fps},scale=${w}:${h}:flags=neighbor`,
    '-f', 'lavfi', '-i', `sine=frequency=${opts.tone ?? 440}:sample_rate=48000`,
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-g', String(fps * 2),
    '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
    '-movflags', '+faststart', '-metadata', `comment=${marker}`,
    out,
  ]);
}

async function* fileChunks(file: string): AsyncIterable<Uint8Array> {
  for await (const c of fs.createReadStream(file, { highWaterMark: 1 << 20 })) yield c as Buffer;
}

function duration(sec: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
  return h ? `${two(h)}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** A few Polish cues, spread over the first `seconds` of the recording. */
function demoSubtitles(seconds: number): string {
  const ts = (t: number): string => {
    const ms = Math.round(t * 1000);
    const h = Math.floor(ms / 3_600_000);
    const m = Math.floor((ms % 3_600_000) / 60_000);
    const sec = Math.floor((ms % 60_000) / 1000);
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
  };
  const lines = ['Komornik: Rozpoczynam czynność opisu i oszacowania.', 'Dłużnik jest obecny przy czynności.', 'Przechodzimy do oględzin kuchni.', 'Kończę czynność; protokół zostanie odczytany.'];
  const step = Math.max(2, Math.floor(seconds / lines.length));
  const cues = lines.map((text, i) => `${i + 1}\n${ts(1 + i * step)} --> ${ts(Math.min(seconds, 1 + i * step + step - 1))}\n${text}\n`);
  return `WEBVTT\n\n${cues.join('\n')}`;
}

async function writePackage(dir: string, files: Array<[string, string]>, recordingsJson: unknown, bagInfo: Array<[string, string]>): Promise<void> {
  const w = await BagWriter.create(dir);
  for (const [rel, src] of files) await w.addPayloadFile(rel, fileChunks(src));
  await w.addTagFile('recordings.json', JSON.stringify(recordingsJson, null, 2) + '\n');
  await w.finish([['BagIt-Profile-Identifier', 'crp/1'], ...bagInfo]);
}

export async function writeDemoCarrier(root: string, opts: DemoOptions = {}): Promise<DemoCarrier> {
  ensureTool('ffmpeg');
  ensureTool('openssl');
  const long = opts.longSeconds ?? 150;
  const short = opts.shortSeconds ?? 20;
  const marker = opts.marker ?? DEMO_MARKER;
  fs.mkdirSync(root, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-demo-'));
  try {
    const plCourt = 'Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie';
    const bailiff = { name: 'Jan Kowalski', court: plCourt };

    // 1. PL bailiff's recording with annotations and a protocol.
    const m1 = path.join(work, 'km123.mp4');
    makeMp4(m1, long, marker);
    const p1 = path.join(work, 'protokol.pdf');
    fs.writeFileSync(p1, tinyPdf(['Protokol czynnosci komornika', 'KM 123/24', 'Opis i oszacowanie nieruchomosci', '2024-03-05 10:15']));
    // Subtitles the player can show (WebVTT, Polish), timed inside even the short test recording.
    const vtt = path.join(work, 'napisy.pl.vtt');
    fs.writeFileSync(vtt, demoSubtitles(long));
    await writePackage(
      path.join(root, 'KM-123-24'),
      [['data/KM12324-20240305-01.mp4', m1], ['data/protokol.pdf', p1], ['data/napisy.pl.vtt', vtt]],
      {
        profile: 'crp/1',
        case: { jurisdiction: 'PL', signature: 'KM 123/24', court: plCourt, caseNumber: null, proceedingsNumber: null },
        recordings: [
          {
            identifier: 'KM12324-20240305-01',
            creator: bailiff,
            title: 'Opis i oszacowanie nieruchomości',
            date: '2024-03-0510:15:00',
            duration: duration(long),
            grouping: 'KM 123/24',
            version: 0,
            supersedes: null,
            parts: [{ path: 'data/KM12324-20240305-01.mp4' }],
            annotations: [
              { at: duration(Math.min(30, long - 1)), text: 'Wejście do lokalu' },
              { at: duration(Math.min(70, long - 1)), text: 'Oględziny kuchni' },
              { at: duration(Math.min(120, long - 1)), text: 'Odczytanie protokołu' },
            ],
            attachments: [
              { path: 'data/protokol.pdf', kind: 'protocol', title: 'Protokół czynności', signature: null },
              { path: 'data/napisy.pl.vtt', kind: 'subtitles', title: 'Napisy (polski)', signature: null },
            ],
            envelopeSheet: '12',
            deviceModel: 'demo body camera',
          },
        ],
      },
      [['Source-Organization', 'Komornik Sądowy przy Sądzie Rejonowym dla Krakowa-Śródmieścia w Krakowie Jan Kowalski'], ['External-Description', 'Demo: PL bailiff recording']],
    );

    // 2. PL version 0 and a version 1 that supersedes it (PL-3.7).
    const v0 = path.join(work, 'km45-v0.mp4');
    const v1 = path.join(work, 'km45-v1.mp4');
    makeMp4(v0, short, marker, { tone: 330 });
    makeMp4(v1, short, marker, { tone: 550 });
    const base45 = {
      identifier: 'KM4525-20250114-02',
      creator: bailiff,
      date: '2025-01-1409:00:00',
      duration: duration(short),
      grouping: 'KM 45/25',
      annotations: [],
      attachments: [],
      envelopeSheet: null,
    };
    await writePackage(
      path.join(root, 'KM-45-25'),
      [['data/KM4525-20250114-02-v0.mp4', v0], ['data/KM4525-20250114-02-v1.mp4', v1]],
      {
        profile: 'crp/1',
        case: { jurisdiction: 'PL', signature: 'KM 45/25', court: plCourt, caseNumber: null, proceedingsNumber: null },
        recordings: [
          { ...base45, title: 'Zajęcie ruchomości', version: 0, supersedes: null, parts: [{ path: 'data/KM4525-20250114-02-v0.mp4' }] },
          {
            ...base45,
            title: 'Zajęcie ruchomości (wersja z zamazaniem danych osób trzecich)',
            version: 1,
            supersedes: { identifier: 'KM4525-20250114-02', version: 0 },
            parts: [{ path: 'data/KM4525-20250114-02-v1.mp4' }],
          },
        ],
      },
      [['Source-Organization', 'Komornik Sądowy Jan Kowalski'], ['External-Description', 'Demo: version chain']],
    );

    // 3. UA videoconference hearing: three parts and a signed protocol (UA-2..UA-6).
    const parts = [1, 2, 3].map((n) => {
      const f = path.join(work, `vkz-${n}.mp4`);
      makeMp4(f, short, marker, { tone: 300 + n * 100 });
      return f;
    });
    const proto = path.join(work, 'protocol.pdf');
    fs.writeFileSync(
      proto,
      await protocolPdf({ title: UA_PROTOCOL_TITLE, court: 'Печерський районний суд міста Києва', caseNumber: '757/12345/25-ц', proceedings: '2/757/1234/25', date: '07.02.2025' }),
    );
    const key = path.join(work, 'signer.key');
    const signerCertFile = path.join(root, 'DEMO-SIGNER-CERT.pem');
    run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', signerCertFile, '-days', '3650', '-subj', '/CN=Demo Secretary/O=Demo Court/C=UA']);
    const sig = path.join(work, 'protocol.pdf.p7s');
    run('openssl', ['cms', '-sign', '-binary', '-in', proto, '-signer', signerCertFile, '-inkey', key, '-outform', 'DER', '-out', sig]);
    const caseNo = '757/12345/25-ц';
    await writePackage(
      path.join(root, 'UA-757-12345-25'),
      [
        ['data/vkz-part-1.mp4', parts[0]!],
        ['data/vkz-part-2.mp4', parts[1]!],
        ['data/vkz-part-3.mp4', parts[2]!],
        ['data/protocol.pdf', proto],
        ['data/protocol.pdf.p7s', sig],
      ],
      {
        profile: 'crp/1',
        case: { jurisdiction: 'UA', signature: caseNo, court: 'Печерський районний суд міста Києва', caseNumber: caseNo, proceedingsNumber: '2/757/1234/25' },
        recordings: [
          {
            identifier: 'VKZ-757-12345-25-20250207',
            creator: { name: 'Олена Коваленко', court: 'Печерський районний суд міста Києва' },
            title: 'Судове засідання (відеоконференція)',
            date: '2025-02-07T13:25:00+02:00',
            duration: duration(short * 3),
            grouping: caseNo,
            version: 0,
            supersedes: null,
            parts: [{ path: 'data/vkz-part-1.mp4' }, { path: 'data/vkz-part-2.mp4' }, { path: 'data/vkz-part-3.mp4' }],
            annotations: [{ at: duration(short + 5), text: 'Друга частина конференції' }],
            attachments: [{ path: 'data/protocol.pdf', kind: 'protocol', title: UA_PROTOCOL_TITLE, signature: 'data/protocol.pdf.p7s' }],
            envelopeSheet: null,
          },
        ],
      },
      [['Source-Organization', 'Печерський районний суд міста Києва'], ['External-Description', 'Demo: UA videoconference hearing']],
    );
    fs.rmSync(key, { force: true });
    return { root, packages: ['KM-123-24', 'KM-45-25', 'UA-757-12345-25'].map((p) => path.join(root, p)), signerCertFile };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
