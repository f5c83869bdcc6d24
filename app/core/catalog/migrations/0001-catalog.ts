// 0001: the catalog of cases, recordings (every PL-3 field), their parts,
// attachments, annotations, the encrypted objects behind them, imports,
// completions (PL-4.1), deletions (PL-7) and integrity events (DC-4).
import type { Migration } from './types';

export const m0001Catalog: Migration = {
  version: 1,
  name: 'catalog',
  up(db) {
    db.exec(`
      CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('PL','UA')),
        signature TEXT NOT NULL UNIQUE,          -- PL-3.6 grouping (sygnatura akt)
        court TEXT,
        case_number TEXT,                        -- UA-5 ЄУН
        proceedings_number TEXT,                 -- UA-5
        extra_json TEXT NOT NULL DEFAULT '{}',   -- unknown fields, kept (FORMATS.md)
        created_at TEXT NOT NULL
      );

      -- Encrypted, content-addressed objects. wrapped_key is NULL once shredded.
      CREATE TABLE objects (
        id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        wrapped_key BLOB,
        created_at TEXT NOT NULL,
        shredded_at TEXT
      );
      CREATE INDEX objects_sha256 ON objects(sha256);

      CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        source_kind TEXT NOT NULL CHECK (source_kind IN ('carrier','plain-folder','tis','demo')),
        source_ref TEXT NOT NULL,
        package_sha256 TEXT,                     -- tag manifest hash: idempotency key
        operator TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('imported','unchanged','rejected','partial')),
        provenance_json TEXT NOT NULL DEFAULT '{}',
        report_json TEXT NOT NULL
      );

      CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        identifier TEXT,                         -- PL-3.1; NULL while incomplete (PL-4.1)
        version INTEGER NOT NULL CHECK (version >= 0),  -- PL-3.7
        supersedes_identifier TEXT,
        supersedes_version INTEGER,
        creator_name TEXT,                       -- PL-3.2
        creator_court TEXT,
        title TEXT,                              -- PL-3.3
        date TEXT,                               -- PL-3.4, stored ISO (YYYY-MM-DDThh:mm:ss[offset])
        duration_sec REAL,                       -- PL-3.5 as declared
        grouping TEXT,                           -- PL-3.6
        status TEXT NOT NULL CHECK (status IN ('complete','incomplete','held')),
        hold_reason TEXT,
        flags_json TEXT NOT NULL DEFAULT '[]',   -- PL-4.2, PL-4.3, duration-mismatch
        envelope_sheet TEXT,                     -- PL-10
        extra_json TEXT NOT NULL DEFAULT '{}',
        import_id INTEGER NOT NULL REFERENCES imports(id),
        row_mac BLOB,                            -- keyed hash over metadata + parts (Q-3)
        purged_at TEXT,
        created_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX recordings_identity ON recordings(identifier, version) WHERE identifier IS NOT NULL;
      CREATE INDEX recordings_case ON recordings(case_id);

      CREATE TABLE parts (
        recording_id INTEGER NOT NULL REFERENCES recordings(id),
        seq INTEGER NOT NULL,                    -- UA-2: order within the recording
        name TEXT NOT NULL,
        object_id TEXT REFERENCES objects(id),
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        media_json TEXT,                         -- probe result (codec, size, fps, duration)
        PRIMARY KEY (recording_id, seq)
      );

      CREATE TABLE attachments (
        recording_id INTEGER NOT NULL REFERENCES recordings(id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        title TEXT,
        name TEXT NOT NULL,
        object_id TEXT REFERENCES objects(id),
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        signature_name TEXT,
        signature_object_id TEXT REFERENCES objects(id),
        signature_sha256 TEXT,
        signature_size INTEGER,
        signature_verdict_json TEXT,
        PRIMARY KEY (recording_id, seq)
      );

      CREATE TABLE annotations (
        recording_id INTEGER NOT NULL REFERENCES recordings(id),
        seq INTEGER NOT NULL,
        at_sec REAL NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (recording_id, seq)
      );

      -- PL-4.1: who completed which field of an incomplete recording.
      CREATE TABLE completions (
        id INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recordings(id),
        field TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT NOT NULL,
        operator TEXT NOT NULL,
        at TEXT NOT NULL
      );

      -- PL-7: kept after the recordings themselves are gone.
      CREATE TABLE deletions (
        id INTEGER PRIMARY KEY,
        case_signature TEXT NOT NULL,
        transfer_ref TEXT NOT NULL,
        operator TEXT NOT NULL,
        at TEXT NOT NULL,
        recordings_json TEXT NOT NULL,
        certificate TEXT NOT NULL
      );

      CREATE TABLE integrity_events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        subject TEXT NOT NULL,
        recording_id INTEGER,
        reason TEXT NOT NULL,
        context TEXT NOT NULL
      );
    `);
  },
};
