// Shared set-up for the TIS tests: a real PKI from scripts/tis-certs.sh, a
// case directory for the reference server, and an in-memory hashing sink.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Sink } from '../../../app/core/tis/client';
import { TisError } from '../../../app/core/tis/errors';
import { writeTisCase } from '../../../scripts/tis-server/cases';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Pki {
  dir: string;
  read(name: string): string;
}

/** The TisError `p` rejects with; the test fails if it resolves or rejects with anything else. */
export async function rejection(p: Promise<unknown>): Promise<TisError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TisError);
  return e as TisError;
}

export function makeTmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-'));
}

export function makePki(tmp: string): Pki {
  const dir = path.join(tmp, 'pki');
  execFileSync('bash', [path.join(repoRoot, 'scripts/tis-certs.sh'), dir], { stdio: 'pipe' });
  return { dir, read: (name) => fs.readFileSync(path.join(dir, name), 'utf8') };
}

/** Signs `file` detached with openssl cms (DER), as a secretary's signing tool would. */
export function signDetached(pki: Pki, file: string, out: string, signer = 'signer'): void {
  execFileSync('openssl', [
    'cms', '-sign', '-binary', '-in', file, '-signer', path.join(pki.dir, `${signer}.crt`),
    '-inkey', path.join(pki.dir, `${signer}.key`), '-md', 'sha256', '-outform', 'DER', '-out', out,
  ], { stdio: 'pipe' });
}

export const UA_SIGNATURE = '757/12345/25-ц';
export const PL_SIGNATURE = 'KM 123/24';

export interface CaseFiles {
  part1: Buffer;
  part2: Buffer;
  protocol: Buffer;
  protocolP7s: Buffer;
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** A UA videoconference with two parts and a signed protocol, a PL case with a processing part. */
export async function makeCases(root: string, pki: Pki, tmp: string): Promise<CaseFiles> {
  // Sizes not a multiple of the TLS record size, so a fault's extra bytes share a record with the body's end.
  const part1 = randomBytes(300_001);
  const part2 = randomBytes(200_003);
  const protocol = Buffer.from('%PDF-1.4\n% Протокол судового засідання підсистеми ВКЗ\n%%EOF\n');
  const pdf = path.join(tmp, 'protokol.pdf');
  fs.writeFileSync(pdf, protocol);
  signDetached(pki, pdf, `${pdf}.p7s`);
  const protocolP7s = fs.readFileSync(`${pdf}.p7s`);
  await writeTisCase(
    root,
    {
      case: { jurisdiction: 'UA', signature: UA_SIGNATURE, court: 'Печерський районний суд міста Києва', caseNumber: UA_SIGNATURE, proceedingsNumber: '2/757/1234/25' },
      recordings: [
        {
          identifier: 'VKZ-2025-0001',
          creator: { name: 'ВКЗ', court: 'Печерський районний суд міста Києва' },
          title: 'Записи конференції',
          date: '2025-03-0510:15:00',
          duration: '00:10:00',
          grouping: UA_SIGNATURE,
          version: 0,
          supersedes: null,
          parts: [{ name: 'conf-1.mp4' }, { name: 'conf-2.mp4' }],
          annotations: [],
          attachments: [{ name: 'protokol.pdf', kind: 'protocol', title: 'Протокол судового засідання підсистеми ВКЗ', signature: 'protokol.pdf.p7s' }],
          envelopeSheet: null,
          'x-vkz-room': { id: 17, participants: 4 },
        },
      ],
    },
    { 'conf-1.mp4': part1, 'conf-2.mp4': part2, 'protokol.pdf': protocol, 'protokol.pdf.p7s': protocolP7s },
  );
  await writeTisCase(
    root,
    {
      case: { jurisdiction: 'PL', signature: PL_SIGNATURE, court: 'Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie', caseNumber: null, proceedingsNumber: null },
      recordings: [
        {
          identifier: 'KM12324-20240305-01',
          date: '2024-03-0510:15:00',
          duration: '01:02:03',
          parts: [{ name: 'KM12324-20240305-01.mp4', status: 'processing', retryAfter: 90 }],
          attachments: [],
        },
      ],
    },
    {},
  );
  return { part1, part2, protocol, protocolP7s };
}

export class MemorySink implements Sink {
  state: 'open' | 'finished' | 'aborted' = 'open';
  private readonly chunks: Buffer[] = [];
  private readonly hash = createHash('sha256');
  private size = 0;

  async write(chunk: Buffer): Promise<void> {
    if (this.state !== 'open') throw new Error(`write to a ${this.state} sink`);
    this.chunks.push(Buffer.from(chunk));
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  async finish(): Promise<{ sha256: string; size: number }> {
    if (this.state !== 'open') throw new Error(`finish of a ${this.state} sink`);
    this.state = 'finished';
    return { sha256: this.hash.digest('hex'), size: this.size };
  }

  async abort(): Promise<void> {
    this.state = 'aborted';
    this.chunks.length = 0;
  }

  content(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Opens sinks on demand and remembers every one, to prove what was kept. */
export class Sinks {
  readonly all: MemorySink[] = [];
  readonly open = async (): Promise<Sink> => {
    const s = new MemorySink();
    this.all.push(s);
    return s;
  };

  kept(): MemorySink[] {
    return this.all.filter((s) => s.state === 'finished');
  }

  /** Nothing finished, and every sink that was opened was aborted. */
  nothingKept(): boolean {
    return this.kept().length === 0 && this.all.every((s) => s.state === 'aborted');
  }
}
