// A Ukrainian КЕП over a protocol (UA-3, UA-4): DSTU 4145 keys, GOST 34.311
// digests, the certificate path to the trust anchors configured in
// kiosk-config, revocation from offline CRL files. The PKI is made in the test
// with the same library the kiosk verifies with (test/helpers/dstu-pki.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BagWriter } from '../../../app/core/carrier/bagit/writer';
import { loadConfig } from '../../../app/core/config';
import { UA_PROTOCOL_TITLE } from '../../../app/core/crp/metadata-rules';
import { importPath, ingestContextFor } from '../../../app/core/ingest';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { isDstuCms, verifyDetachedCms, verifyDstuCms } from '../../../app/core/signature';
import { DEMO_CARRIER, DEMO_PACKAGES } from '../../helpers/demo';
import { crl, issue, newKey, pem, rootCa, signDetached, type Issued } from '../../helpers/dstu-pki';
import { REPO, scratch } from '../../helpers/paths';
import { makeMedia } from '../media/media-fixtures';

const DAY = 86_400_000;
const PROTOCOL = fs.readFileSync(path.join(DEMO_CARRIER, DEMO_PACKAGES.ua, 'data', 'protocol.pdf'));

let root: Issued; // the central certifying authority (a trust anchor)
let provider: Issued; // a qualified provider under it
let secretary: Issued; // issued by the provider
let expired: Issued;
let revoked: Issued;
let stranger: Issued; // issued by a root nobody configured
let rootCrl: Buffer;
let providerCrl: Buffer;

const SECRETARY = { commonName: 'Олена Коваленко', organizationName: 'Печерський районний суд міста Києва', title: 'Секретар судового засідання' };

beforeAll(() => {
  root = rootCa({ commonName: 'Центральний засвідчувальний орган (тест)', organizationName: 'Міністерство цифрової трансформації України' });
  provider = issue(root, { name: { commonName: 'КНЕДП суду (тест)', organizationName: 'ДП «Інформаційні судові системи»' }, serial: 2, ca: true });
  secretary = issue(provider, { name: SECRETARY, serial: 101 });
  expired = issue(provider, { name: { ...SECRETARY, commonName: 'Ігор Петренко' }, serial: 102, from: Date.now() - 400 * DAY, to: Date.now() - DAY });
  revoked = issue(provider, { name: { ...SECRETARY, commonName: 'Марія Шевчук' }, serial: 103 });
  const otherRoot = rootCa({ commonName: 'Невідомий ЦСК', organizationName: 'ТОВ «Ніхто»' });
  stranger = issue(otherRoot, { name: { ...SECRETARY, commonName: 'Андрій Невідомий' }, serial: 7 });
  rootCrl = crl(root, []);
  providerCrl = crl(provider, [103]);
});

/** Each bad variant of a signed protocol, the rule it is refused by, and words the clerk reads. */
function variants(): Array<{ name: string; content: Buffer; p7s: Buffer; rule: string; words: RegExp }> {
  const changed = Buffer.from(PROTOCOL);
  const at = changed.length - 20;
  changed.writeUInt8(changed.readUInt8(at) ^ 0x01, at);
  return [
    { name: 'wrong bytes', content: changed, p7s: signDetached(PROTOCOL, secretary), rule: 'cms.digest-mismatch', words: /not the one that was signed.*GOST 34\.311/ },
    {
      name: 'wrong curve',
      content: PROTOCOL,
      p7s: signDetached(PROTOCOL, secretary, { key: newKey('DSTU_PB_431') }),
      rule: 'cms.dstu.curve-mismatch',
      words: /another DSTU 4145 curve than the key in the certificate of CN=Олена Коваленко.*DSTU_PB_257/,
    },
    { name: 'expired', content: PROTOCOL, p7s: signDetached(PROTOCOL, expired), rule: 'cms.certificate-expired', words: /certificate of CN=Ігор Петренко.* had expired at .*when the protocol was signed/ },
    { name: 'revoked', content: PROTOCOL, p7s: signDetached(PROTOCOL, revoked), rule: 'cms.certificate-revoked', words: /certificate of CN=Марія Шевчук.*\(serial 67\) was revoked by CN=КНЕДП суду/ },
    { name: 'untrusted root', content: PROTOCOL, p7s: signDetached(PROTOCOL, stranger), rule: 'cms.untrusted-signer', words: /not among the trust anchors configured in kiosk-config/ },
  ];
}

describe('DSTU 4145 signatures (verifier)', () => {
  // As the issue has kiosk-config name them: the central authority and the court's qualified provider.
  const trust = () => ({ anchors: [root.der, provider.der], crls: [rootCrl, providerCrl] });

  it('[UA-4] [UA-3] a protocol signed with a DSTU 4145 key, certificate issued by a provider under the configured anchor: verified, with signer, issuer, validity and algorithm', async () => {
    const p7s = signDetached(PROTOCOL, secretary);
    expect(isDstuCms(p7s)).toBe(true);
    const r = verifyDstuCms(PROTOCOL, p7s, trust());
    expect(r).toMatchObject({
      ok: true,
      signerSubject: expect.stringContaining('CN=Олена Коваленко, O=Печерський районний суд міста Києва') as unknown,
      issuer: expect.stringContaining('CN=КНЕДП суду (тест)') as unknown,
      algorithm: 'DSTU 4145 (DSTU_PB_257), GOST 34.311',
    });
    // The import's one entry point sends a КЕП here, PEM anchors as kiosk-config holds them.
    expect(await verifyDetachedCms(PROTOCOL, p7s, [pem(root.der), pem(provider.der)], [rootCrl, providerCrl])).toMatchObject({ ok: true });
    // A provider neither configured nor carried in the signature leaves the path open: said, with the issuer's name.
    expect(verifyDstuCms(PROTOCOL, p7s, { anchors: [root.der], crls: [rootCrl, providerCrl] })).toMatchObject({
      ok: false, rule: 'cms.untrusted-signer', message: expect.stringMatching(/was issued by CN=КНЕДП суду \(тест\).*not among the trust anchors/) as unknown,
    });
  });

  it('[UA-4] each bad variant is refused by its own rule, in words', () => {
    for (const v of variants()) {
      const r = verifyDstuCms(v.content, v.p7s, trust());
      expect(r.ok, v.name).toBe(false);
      if (r.ok) continue;
      expect(r.rule, v.name).toBe(v.rule);
      expect(r.message, v.name).toMatch(v.words);
    }
  });

  it('[UA-4] revocation status that cannot be known offline is said so, never taken as good: no CRL of the issuer, or one out of date', () => {
    const p7s = signDetached(PROTOCOL, secretary);
    const none = verifyDstuCms(PROTOCOL, p7s, { anchors: [root.der, provider.der], crls: [rootCrl] });
    expect(none).toMatchObject({ ok: false, rule: 'cms.revocation-unknown', message: expect.stringMatching(/no revocation list signed by CN=КНЕДП суду/) as unknown });
    const stale = crl(provider, [], { thisUpdate: new Date(Date.now() - 30 * DAY), nextUpdate: new Date(Date.now() - DAY) });
    expect(verifyDstuCms(PROTOCOL, p7s, { anchors: [root.der, provider.der], crls: [rootCrl, stale] })).toMatchObject({ ok: false, rule: 'cms.revocation-unknown', message: expect.stringMatching(/out of date/) as unknown });
    // A list signed by someone else is not the provider's.
    const forged = crl({ ...provider, key: newKey() }, []);
    expect(verifyDstuCms(PROTOCOL, p7s, { anchors: [root.der, provider.der], crls: [rootCrl, forged] })).toMatchObject({ ok: false, rule: 'cms.revocation-unknown' });
  });

  it('[UA-4] with no DSTU anchor configured nothing verifies', () => {
    expect(verifyDstuCms(PROTOCOL, signDetached(PROTOCOL, secretary), { anchors: [], crls: [] })).toMatchObject({ ok: false, rule: 'cms.trusted.none' });
  });
});

describe('DSTU 4145 protocols imported under kiosk-config', () => {
  let dir: string;
  let kiosk: Kiosk;

  beforeAll(async () => {
    dir = scratch('dstu-import-');
    // kiosk-config names the anchor (the central authority's certificate file) and the CRL files.
    fs.writeFileSync(path.join(dir, 'czo-root.pem'), pem(root.der));
    fs.writeFileSync(path.join(dir, 'provider.pem'), pem(provider.der));
    fs.writeFileSync(path.join(dir, 'czo-root.crl'), rootCrl);
    fs.writeFileSync(path.join(dir, 'provider.crl'), providerCrl);
    const base = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
    delete base.$schema;
    const configFile = path.join(dir, 'kiosk.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        ...base,
        trustedSigners: [
          { name: 'Центральний засвідчувальний орган', certFile: 'czo-root.pem' },
          { name: 'КНЕДП суду', certFile: 'provider.pem' },
        ],
        revocationLists: [
          { name: 'ЦЗО', crlFile: 'czo-root.crl' },
          { name: 'КНЕДП суду', crlFile: 'provider.crl' },
        ],
      }),
    );
    kiosk = await openKiosk({ dataDir: path.join(dir, 'data'), config: loadConfig(configFile), configFile });
  });

  afterAll(() => {
    kiosk?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[UA-4] [UA-3] a package whose protocol is signed with a DSTU 4145 key under the configured anchor imports as verified; each bad variant is held with its reason in words', async () => {
    const carrier = scratch('dstu-carrier-');
    const media = scratch('dstu-media-');
    const mp4 = fs.readFileSync(makeMedia(media, 'tiny.mp4', ['--seconds', '2', '--size', '320x240', '--fps', '24']));
    fs.rmSync(media, { recursive: true, force: true });
    const cases = [{ name: 'good', content: PROTOCOL, p7s: signDetached(PROTOCOL, secretary), rule: null, words: null }, ...variants()];
    for (const [n, v] of cases.entries()) {
      const w = await BagWriter.create(path.join(carrier, `KEP-${n}`));
      const once = (b: Buffer) =>
        (async function* (): AsyncIterable<Uint8Array> {
          yield b;
        })();
      await w.addPayloadFile('data/part.mp4', once(mp4));
      await w.addPayloadFile('data/protocol.pdf', once(v.content));
      await w.addPayloadFile('data/protocol.pdf.p7s', once(v.p7s));
      const ecn = `757/${900 + n}/25-ц`;
      await w.addTagFile(
        'recordings.json',
        JSON.stringify({
          profile: 'crp/1',
          case: { jurisdiction: 'UA', signature: ecn, court: 'Печерський районний суд міста Києва', caseNumber: ecn, proceedingsNumber: null },
          recordings: [
            {
              identifier: `KEP-${n}`, creator: { name: 'Олена Коваленко', court: 'Печерський районний суд міста Києва' }, title: 'Судове засідання',
              date: '2025-02-07T13:25:00+02:00', duration: '00:02', grouping: ecn, version: 0, supersedes: null,
              parts: [{ path: 'data/part.mp4' }], annotations: [],
              attachments: [{ path: 'data/protocol.pdf', kind: 'protocol', title: UA_PROTOCOL_TITLE, signature: 'data/protocol.pdf.p7s' }],
              envelopeSheet: null,
            },
          ],
        }),
      );
      await w.finish([['BagIt-Profile-Identifier', 'crp/1']]);
    }
    try {
      const r = await importPath(ingestContextFor(kiosk, { operator: 'test' }), carrier);
      expect(r.problems).toEqual([]);
      for (const [n, v] of cases.entries()) {
        const row = kiosk.db
          .prepare(`SELECT r.status, r.hold_reason, a.signature_verdict_json FROM recordings r JOIN attachments a ON a.recording_id = r.id WHERE r.identifier = ?`)
          .get(`KEP-${n}`) as { status: string; hold_reason: string | null; signature_verdict_json: string };
        const verdict = JSON.parse(row.signature_verdict_json) as { ok: boolean; rule?: string; message?: string; signer?: string };
        if (v.rule === null) {
          expect(row, v.name).toMatchObject({ status: 'complete', hold_reason: null });
          expect(verdict, v.name).toMatchObject({ ok: true, signer: expect.stringContaining('CN=Олена Коваленко') as unknown });
          continue;
        }
        expect(row.status, v.name).toBe('held');
        expect(verdict, v.name).toMatchObject({ ok: false, rule: v.rule });
        const holds = JSON.parse(row.hold_reason ?? '[]') as Array<{ rule: string; words: string }>;
        expect(holds.map((h) => h.rule), v.name).toEqual(['ua4.protocol-signature']);
        expect(holds[0]!.words, v.name).toMatch(/^the protocol signature does not verify \(UA-4\): /);
        expect(holds[0]!.words, v.name).toMatch(v.words);
      }
    } finally {
      fs.rmSync(carrier, { recursive: true, force: true });
    }
  });
});
