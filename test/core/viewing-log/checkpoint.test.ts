import { describe, expect, it } from 'vitest';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  CheckpointError,
  ed25519Signer,
  generateEd25519Signer,
  keyHash,
  parseNote,
  parseVerifierKey,
  signCheckpoint,
  verifierKey,
  verifyCheckpoint,
} from '../../../app/core/viewing-log/checkpoint';

const root = createHash('sha256').update('some tree').digest();
const origin = 'court-kiosk/DEV-0001';

describe('checkpoint notes', () => {
  const signer = generateEd25519Signer('court-kiosk-DEV-0001');
  const vkey = verifierKey(signer.name, signer.publicKeyRaw);

  it('[DC-6] round-trips: the signed note has the C2SP layout and verifies with the verifier key', () => {
    const note = signCheckpoint({ origin, size: 12345, root }, signer);
    const lines = note.split('\n');
    expect(lines.slice(0, 4)).toEqual([origin, '12345', root.toString('base64'), '']);
    expect(lines[4]).toMatch(/^\u2014 court-kiosk-DEV-0001 [A-Za-z0-9+/]+=*$/u);
    const blob = Buffer.from((lines[4] ?? '').split(' ')[2] ?? '', 'base64');
    expect(blob.length).toBe(68);
    expect(blob.subarray(0, 4).equals(keyHash(signer.name, signer.publicKeyRaw))).toBe(true);
    expect(note.endsWith('\n')).toBe(true);

    const c = verifyCheckpoint(note, vkey, origin);
    expect(c.size).toBe(12345);
    expect(c.root.equals(root)).toBe(true);
    expect(c.origin).toBe(origin);
  });

  it('key hash and verifier key follow the C2SP signed-note definition', () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from(signer.name), Buffer.from([0x0a, 0x01]), signer.publicKeyRaw]))
      .digest()
      .subarray(0, 4);
    expect(vkey).toBe(
      `${signer.name}+${expected.toString('hex')}+${Buffer.concat([Buffer.from([1]), signer.publicKeyRaw]).toString('base64')}`,
    );
    const p = parseVerifierKey(vkey);
    expect(p.publicKeyRaw.equals(signer.publicKeyRaw)).toBe(true);
    expect(() => parseVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/u, '+00000000+'))).toThrow(CheckpointError);
  });

  it('a signer built from a PEM private key signs the same as one from the KeyObject', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const a = ed25519Signer('k', privateKey);
    const b = ed25519Signer('k', privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    expect(signCheckpoint({ origin, size: 1, root }, a)).toBe(signCheckpoint({ origin, size: 1, root }, b));
  });

  it('[Q-3] a tampered body fails (size, root or origin changed)', () => {
    const note = signCheckpoint({ origin, size: 10, root }, signer);
    expect(() => verifyCheckpoint(note.replace('\n10\n', '\n11\n'), vkey)).toThrow(/does not verify/u);
    const other = createHash('sha256').update('other').digest().toString('base64');
    expect(() => verifyCheckpoint(note.replace(root.toString('base64'), other), vkey)).toThrow(/does not verify/u);
    expect(() => verifyCheckpoint(note.replace(origin, 'court-kiosk/DEV-0002'), vkey)).toThrow(/does not verify/u);
    // The body is fine but it is for another device.
    expect(() => verifyCheckpoint(note, vkey, 'court-kiosk/DEV-0002')).toThrow(/origin/u);
  });

  it('[Q-3] a note signed by a different key with the same name fails', () => {
    const impostor = generateEd25519Signer(signer.name);
    const note = signCheckpoint({ origin, size: 10, root }, impostor);
    expect(() => verifyCheckpoint(note, vkey)).toThrow(CheckpointError);
    // Even if the impostor copies our key hash into the signature line.
    const ourHash = keyHash(signer.name, signer.publicKeyRaw);
    const lines = note.split('\n');
    const blob = Buffer.from((lines[4] ?? '').split(' ')[2] ?? '', 'base64');
    ourHash.copy(blob, 0);
    lines[4] = `\u2014 ${signer.name} ${blob.toString('base64')}`;
    expect(() => verifyCheckpoint(lines.join('\n'), vkey)).toThrow(/does not verify/u);
  });

  it('[Q-3] a note whose signature line names another key fails', () => {
    const note = signCheckpoint({ origin, size: 10, root }, signer);
    expect(() => verifyCheckpoint(note.replace(`\u2014 ${signer.name} `, '\u2014 someone-else '), vkey)).toThrow(/not signed by key/u);
    // A verifier key with another name does not accept our signature either.
    const renamed = verifierKey('someone-else', signer.publicKeyRaw);
    expect(() => verifyCheckpoint(note, renamed)).toThrow(/not signed by key/u);
  });

  it('ignores cosignatures by unknown keys but still requires ours', () => {
    const note = signCheckpoint({ origin, size: 10, root }, signer);
    const cosigner = generateEd25519Signer('witness');
    const cosigned = note + signCheckpoint({ origin, size: 10, root }, cosigner).split('\n\n')[1];
    expect(parseNote(cosigned).signatures.length).toBe(2);
    expect(verifyCheckpoint(cosigned, vkey).size).toBe(10);
    expect(verifyCheckpoint(cosigned, verifierKey('witness', cosigner.publicKeyRaw)).size).toBe(10);
  });

  it('rejects malformed notes', () => {
    const note = signCheckpoint({ origin, size: 10, root }, signer);
    expect(() => verifyCheckpoint(note.replace('\n\n', '\n'), vkey)).toThrow(CheckpointError);
    expect(() => verifyCheckpoint(note.replace('\u2014', '-'), vkey)).toThrow(/em dash/u);
    expect(() => verifyCheckpoint(note.slice(0, -1), vkey)).toThrow(CheckpointError);
  });
});

it('parses verifier keys whose base64 contains "+" (many keys do)', () => {
  let tried = 0;
  for (;;) {
    const s = generateEd25519Signer('k');
    tried++;
    const v = verifierKey('k', s.publicKeyRaw);
    if (!v.split('+').slice(2).join('+').includes('+')) continue;
    expect(parseVerifierKey(v).publicKeyRaw.equals(s.publicKeyRaw)).toBe(true);
    break;
  }
  expect(tried).toBeGreaterThan(0);
});
