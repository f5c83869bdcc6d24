import { describe, expect, it } from 'vitest';
import { checkMetadata, parseRecordingsJson, UA_PROTOCOL_TITLE, type RecordingsFile } from '../../../app/core/crp';

function doc(overrides: { case?: Record<string, unknown>; rec?: Record<string, unknown>; extra?: Array<Record<string, unknown>> } = {}): Record<string, unknown> {
  return {
    profile: 'crp/1',
    case: { jurisdiction: 'PL', signature: 'KM 123/24', court: 'Sąd Rejonowy', caseNumber: null, proceedingsNumber: null, ...overrides.case },
    recordings: [
      {
        identifier: 'KM12324-20240305-01',
        creator: { name: 'Jan Kowalski', court: 'Sąd Rejonowy' },
        title: 'Opis i oszacowanie',
        date: '2024-03-0510:15:00',
        duration: '01:02:03',
        grouping: 'KM 123/24',
        version: 0,
        supersedes: null,
        parts: [{ path: 'data/a.mp4' }],
        annotations: [{ at: '00:12:31', text: 'Oględziny' }],
        attachments: [],
        envelopeSheet: null,
        ...overrides.rec,
      },
      ...(overrides.extra ?? []),
    ],
  };
}

function parse(d: unknown): RecordingsFile {
  const r = parseRecordingsJson(Buffer.from(JSON.stringify(d)));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.doc;
}

function rules(d: unknown): string[] {
  return checkMetadata(parse(d)).problems.map((p) => p.rule);
}

describe('crp/1 recordings.json', () => {
  it('accepts the FORMATS.md example and keeps unknown fields', () => {
    const r = parseRecordingsJson(Buffer.from(JSON.stringify(doc({ rec: { cameraSerial: 'X1' } }))));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.unknownFields).toEqual(['recordings[0].cameraSerial']);
    expect(rules(doc())).toEqual([]);
  });

  it('[Q-2] rejects a BOM, UTF-16 and malformed JSON, naming the file and rule', () => {
    const bom = parseRecordingsJson(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]));
    expect(bom).toMatchObject({ ok: false, problems: [{ file: 'recordings.json', rule: 'crp.recordings-json.bom' }] });
    const u16 = parseRecordingsJson(Buffer.from('\ufeff{}', 'utf16le'));
    expect(u16).toMatchObject({ ok: false, problems: [{ rule: 'crp.recordings-json.encoding' }] });
    expect(parseRecordingsJson(Buffer.from('{"profile": "crp/1",'))).toMatchObject({ ok: false, problems: [{ rule: 'crp.recordings-json.syntax' }] });
    const wrong = parseRecordingsJson(Buffer.from(JSON.stringify({ ...doc(), profile: 'crp/2' })));
    expect(wrong).toMatchObject({ ok: false, problems: [{ field: 'profile' }] });
  });

  it('[PL-3.4] [Q-2] rejects a malformed date, naming the field', () => {
    const p = checkMetadata(parse(doc({ rec: { date: '05.03.2024 10:15' } }))).problems;
    expect(p).toEqual([expect.objectContaining({ file: 'recordings.json', rule: 'pl3.date.format', field: 'recordings[0].date' })]);
  });

  it('[PL-3.5] [Q-2] rejects a malformed duration', () => {
    expect(rules(doc({ rec: { duration: '1:02:03' } }))).toEqual(['pl3.duration.format']);
  });

  it('[PL-3.7] rejects a version 1 without supersedes, and an original that supersedes', () => {
    expect(rules(doc({ rec: { version: 1, supersedes: null } }))).toEqual(['pl3.version.supersedes-missing']);
    expect(rules(doc({ rec: { version: 0, supersedes: { identifier: 'X', version: 0 } } }))).toEqual(['pl3.version.original-supersedes']);
    expect(rules(doc({ rec: { version: 1, supersedes: { identifier: 'KM12324-20240305-01', version: 1 } } }))).toEqual(['pl3.version.supersedes-order']);
  });

  it('[PL-3.7] accepts a version chain 0 -> 1 in one package, rejects the same version twice', () => {
    const v1 = { ...(doc().recordings as Array<Record<string, unknown>>)[0], version: 1, supersedes: { identifier: 'KM12324-20240305-01', version: 0 } };
    expect(rules(doc({ extra: [v1] }))).toEqual([]);
    expect(rules(doc({ extra: [{ ...v1, version: 0, supersedes: null }] }))).toEqual(['pl3.version.duplicate']);
  });

  it('[PL-4.1] a recording without identifier, date or duration is incomplete, not rejected', () => {
    const m = checkMetadata(parse(doc({ rec: { identifier: null, date: null, duration: null } })));
    expect(m.problems).toEqual([]);
    expect(m.recordings[0]?.incomplete).toEqual(['identifier', 'date', 'duration']);
  });

  it('[UA-5] a malformed or missing ЄУН holds the recording for a clerk, never files it by guess', () => {
    const ua = (caseNumber: string | null, proceedingsNumber: string | null = null) =>
      checkMetadata(parse(doc({ case: { jurisdiction: 'UA', signature: caseNumber ?? 'x', caseNumber, proceedingsNumber }, rec: { grouping: null } }))).recordings[0]!.holds;
    expect(ua('757/12345/25-ц')).toEqual([]);
    expect(ua('757/12345/25-ц', '2/757/1234/25')).toEqual([]);
    expect(ua('757-12345-25')).toEqual(['ua.case-number.malformed']);
    expect(ua(null)).toEqual(['ua.case-number.missing']);
    expect(ua('757/12345/25-ц', 'garbage')).toEqual(['ua.proceedings-number.malformed']);
  });

  it('[UA-6] a UA protocol attachment must carry the system title, else it is held', () => {
    const withTitle = (title: string) =>
      checkMetadata(
        parse(
          doc({
            case: { jurisdiction: 'UA', signature: '757/12345/25-ц', caseNumber: '757/12345/25-ц' },
            rec: { grouping: null, attachments: [{ path: 'data/p.pdf', kind: 'protocol', title, signature: 'data/p.pdf.p7s' }] },
          }),
        ),
      ).recordings[0]!.holds;
    expect(withTitle(UA_PROTOCOL_TITLE)).toEqual([]);
    expect(withTitle('Протокол')).toEqual(['ua6.protocol-title']);
  });

  it('[UA-2] parts must be distinct .mp4 files under data/', () => {
    expect(rules(doc({ rec: { parts: [{ path: 'data/a.mp4' }, { path: 'data/a.mp4' }] } }))).toEqual(['ua2.parts.duplicate']);
    expect(rules(doc({ rec: { parts: [{ path: 'a.mp4' }] } }))).toEqual(['crp.part.path']);
    expect(rules(doc({ rec: { parts: [{ path: 'data/a.avi' }] } }))).toEqual(['crp.part.type']);
  });
});
