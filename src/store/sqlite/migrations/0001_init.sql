-- 0001_init: users and sessions, directory, mentions with full text and hourly rollups, audit, jobs.
-- Times are UTC milliseconds since the Unix epoch. Enums are stored by their stable names.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT 'id',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_username_ci ON users (lower(username));

-- agency_id is not a foreign key: the first admin may be created before the region exists.
CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  agency_id INTEGER NOT NULL,
  PRIMARY KEY (user_id, role, agency_id)
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  remote_ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE agencies (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES agencies (id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  short_name TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL UNIQUE,
  timezone TEXT NOT NULL DEFAULT 'Asia/Jakarta',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  platform TEXT NOT NULL,
  platform_type TEXT NOT NULL,
  handle TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  sec_two_factor INTEGER NOT NULL DEFAULT 0,
  sec_recovery_owned_by_agency INTEGER NOT NULL DEFAULT 0,
  sec_password_in_custody INTEGER NOT NULL DEFAULT 0,
  sec_custodian TEXT NOT NULL DEFAULT '',
  sec_last_review INTEGER,
  verified INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX accounts_platform_handle ON accounts (platform, lower(handle));
CREATE INDEX accounts_agency ON accounts (agency_id);

CREATE TABLE appointments (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  user_id INTEGER REFERENCES users (id),
  role TEXT NOT NULL,
  person_name TEXT NOT NULL,
  nip TEXT NOT NULL DEFAULT '',
  position TEXT NOT NULL DEFAULT '',
  decree_number TEXT NOT NULL DEFAULT '',
  decree_date TEXT NOT NULL DEFAULT '',
  valid_from TEXT NOT NULL DEFAULT '',
  valid_until TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX appointments_agency ON appointments (agency_id);

CREATE TABLE mentions (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  external_id TEXT NOT NULL,
  url TEXT NOT NULL DEFAULT '',
  author_handle TEXT NOT NULL DEFAULT '',
  author_name TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  agency_code TEXT NOT NULL DEFAULT '',
  in_reply_to TEXT NOT NULL DEFAULT '',
  shared_from TEXT NOT NULL DEFAULT '',
  shares INTEGER NOT NULL DEFAULT 0,
  likes INTEGER NOT NULL DEFAULT 0,
  replies INTEGER NOT NULL DEFAULT 0,
  sentiment TEXT NOT NULL DEFAULT '',
  sentiment_confidence REAL NOT NULL DEFAULT 0,
  input_kind TEXT NOT NULL DEFAULT '',
  input_kind_confidence REAL NOT NULL DEFAULT 0,
  hoax_score REAL NOT NULL DEFAULT 0,
  has_personal_data INTEGER NOT NULL DEFAULT 0,
  agency_id INTEGER REFERENCES agencies (id),
  account_id INTEGER REFERENCES accounts (id),
  ingested_at INTEGER NOT NULL,
  UNIQUE (platform, external_id)
);
CREATE INDEX mentions_created ON mentions (created_at DESC, id DESC);
CREATE INDEX mentions_agency_created ON mentions (agency_id, created_at DESC, id DESC);
CREATE INDEX mentions_author ON mentions (lower(author_handle), created_at DESC);

-- Full text over the mention text and author, kept in step with `mentions` by triggers, so every
-- writer (ingest, retention, repair) indexes in the same transaction as the row change.
CREATE VIRTUAL TABLE mentions_fts USING fts5 (
  text, author_handle, author_name,
  content = 'mentions', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER mentions_fts_ai AFTER INSERT ON mentions BEGIN
  INSERT INTO mentions_fts (rowid, text, author_handle, author_name)
  VALUES (new.id, new.text, new.author_handle, new.author_name);
END;
CREATE TRIGGER mentions_fts_ad AFTER DELETE ON mentions BEGIN
  INSERT INTO mentions_fts (mentions_fts, rowid, text, author_handle, author_name)
  VALUES ('delete', old.id, old.text, old.author_handle, old.author_name);
END;
CREATE TRIGGER mentions_fts_au AFTER UPDATE OF text, author_handle, author_name ON mentions BEGIN
  INSERT INTO mentions_fts (mentions_fts, rowid, text, author_handle, author_name)
  VALUES ('delete', old.id, old.text, old.author_handle, old.author_name);
  INSERT INTO mentions_fts (rowid, text, author_handle, author_name)
  VALUES (new.id, new.text, new.author_handle, new.author_name);
END;

-- Dashboards read these counters, never GROUP BY over raw mentions. agency_id 0 = unassigned
-- (a primary key cannot hold NULL); sentiment '' = unlabelled.
CREATE TABLE rollup_hourly (
  hour INTEGER NOT NULL,
  agency_id INTEGER NOT NULL,
  platform TEXT NOT NULL,
  sentiment TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (hour, agency_id, platform, sentiment)
);

-- Hash-chained: hash = SHA-256 over prev_hash and the entry's fields (store::AuditHash).
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_user_id INTEGER,
  actor_name TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  entity TEXT NOT NULL DEFAULT '',
  entity_id TEXT NOT NULL DEFAULT '',
  agency_id INTEGER,
  details_json TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_actor ON audit_log (actor_name);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  queue TEXT NOT NULL,
  payload_json TEXT NOT NULL DEFAULT '{}',
  dedupe_key TEXT,
  state TEXT NOT NULL,
  run_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 5,
  locked_by TEXT NOT NULL DEFAULT '',
  locked_until INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_queue_state_run ON jobs (queue, state, run_at);
CREATE INDEX jobs_queue_state_lease ON jobs (queue, state, locked_until);
CREATE UNIQUE INDEX jobs_dedupe_active ON jobs (dedupe_key)
  WHERE dedupe_key IS NOT NULL AND state IN ('pending', 'running', 'failed');
