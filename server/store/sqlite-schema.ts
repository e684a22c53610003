import type { Database } from "better-sqlite3";

// Each entry moves the schema from version i to i + 1 (PRAGMA user_version). Entries are
// never edited once released: a change is a new entry, so every existing file migrates.
const migrations: readonly string[] = [
  `
  CREATE TABLE traces (
    id                TEXT PRIMARY KEY,
    developer_id      TEXT NOT NULL,
    repo_url          TEXT NOT NULL,
    status            INTEGER NOT NULL,
    status_detail     TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,  -- ms since epoch
    updated_at        INTEGER NOT NULL,
    sealed_at         INTEGER,
    acked_seq         INTEGER NOT NULL DEFAULT 0,
    score             REAL,              -- see trace-score.ts
    request_id        TEXT,
    upload_token_hash TEXT NOT NULL,
    developer         BLOB NOT NULL,     -- devtrace.v1.Developer
    task              BLOB NOT NULL,     -- devtrace.v1.Task
    environment       BLOB NOT NULL,     -- devtrace.v1.Environment
    qa                BLOB,              -- devtrace.v1.QaResult
    final_patch       TEXT NOT NULL DEFAULT ''
  );
  -- The ListTraces order, and one index per equality filter followed by that order,
  -- so every filter walks an index in page order and stops after one page.
  CREATE INDEX traces_by_time      ON traces (created_at DESC, id DESC);
  CREATE INDEX traces_by_developer ON traces (developer_id, created_at DESC, id DESC);
  CREATE INDEX traces_by_status    ON traces (status, created_at DESC, id DESC);
  CREATE INDEX traces_by_repo      ON traces (repo_url, created_at DESC, id DESC);
  CREATE INDEX traces_by_score     ON traces (score, created_at DESC, id DESC) WHERE score IS NOT NULL;
  CREATE UNIQUE INDEX traces_by_request ON traces (developer_id, request_id) WHERE request_id IS NOT NULL;

  CREATE TABLE events (
    trace_id TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    body     BLOB NOT NULL,              -- devtrace.v1.Event
    PRIMARY KEY (trace_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE qa_jobs (
    id               TEXT NOT NULL UNIQUE,
    trace_id         TEXT NOT NULL UNIQUE,  -- one job per sealed trace
    state            TEXT NOT NULL CHECK (state IN ('queued', 'leased')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    worker_id        TEXT,
    lease_expires_at INTEGER,
    enqueued_at      INTEGER NOT NULL
  );
  CREATE INDEX qa_jobs_runnable ON qa_jobs (state, lease_expires_at);

  CREATE TABLE api_tokens (
    hash       TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // Issue #10: what redaction replaced in a trace's own fields (devtrace.v1.RedactionSummary).
  `
  ALTER TABLE traces ADD COLUMN redaction BLOB;
  `,
];

/** The schema version this release writes. */
export const schemaVersion = migrations.length;

/**
 * Brings the database to schemaVersion, one transaction per step. A file written by a
 * newer release is refused rather than guessed at.
 */
export function migrate(db: Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > schemaVersion) {
    throw new Error(`database schema version ${current} is newer than this release supports (${schemaVersion})`);
  }
  for (let v = current; v < schemaVersion; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
