-- 0004_inbox: cases, their history and notes, dispositions with deadlines, replies, ready answers,
-- notifications, holiday overrides and per-region inbox settings (issue 6). Times are UTC ms.

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  platform TEXT NOT NULL,
  case_key TEXT NOT NULL,
  citizen_key TEXT NOT NULL,
  citizen_handle TEXT NOT NULL DEFAULT '',
  citizen_name TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  input_kind TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  reopened INTEGER NOT NULL DEFAULT 0,
  priority TEXT NOT NULL DEFAULT 'normal',
  assignee_id INTEGER REFERENCES users (id),
  mention_count INTEGER NOT NULL DEFAULT 0,
  first_mention_at INTEGER NOT NULL,
  last_mention_at INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  first_response_at INTEGER,
  first_responder_id INTEGER,
  closed_at INTEGER,
  due_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- The inbox list: per agency and state in activity or deadline order (keyset paging), and the
-- same across a whole scope; "mine"; the citizen's history; the grouping key.
CREATE INDEX cases_agency_state_activity ON cases (agency_id, state, last_activity_at DESC, id DESC);
CREATE INDEX cases_activity ON cases (last_activity_at DESC, id DESC);
CREATE INDEX cases_due ON cases (due_at, id) WHERE due_at IS NOT NULL;
CREATE INDEX cases_assignee ON cases (assignee_id, last_activity_at DESC, id DESC)
  WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_citizen ON cases (citizen_key, id DESC);
CREATE INDEX cases_key ON cases (case_key, id DESC);
CREATE INDEX cases_created ON cases (agency_id, created_at);

CREATE TABLE case_mentions (
  mention_id INTEGER PRIMARY KEY REFERENCES mentions (id),
  case_id INTEGER NOT NULL REFERENCES cases (id)
);
CREATE INDEX case_mentions_case ON case_mentions (case_id);

CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  at INTEGER NOT NULL,
  actor_user_id INTEGER,
  kind TEXT NOT NULL,
  details_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE case_notes (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  author_user_id INTEGER NOT NULL REFERENCES users (id),
  text TEXT NOT NULL,
  mentions_json TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, id);

CREATE TABLE dispositions (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  parent_id INTEGER REFERENCES dispositions (id),
  from_agency_id INTEGER NOT NULL REFERENCES agencies (id),
  to_agency_id INTEGER NOT NULL REFERENCES agencies (id),
  question TEXT NOT NULL,
  context TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  answer TEXT NOT NULL DEFAULT '',
  refusal_reason TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL REFERENCES users (id),
  answered_by INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,
  answered_at INTEGER,
  deadline_at INTEGER NOT NULL,
  sla_mode TEXT NOT NULL,
  sla_ms INTEGER NOT NULL,
  timezone TEXT NOT NULL,
  reminder_points_json TEXT NOT NULL DEFAULT '[]',
  reminders_sent INTEGER NOT NULL DEFAULT 0,
  escalated INTEGER NOT NULL DEFAULT 0,
  -- When the SLA sweep must look at it next (next reminder point, or the deadline); NULL = never.
  next_alert_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dispositions_case ON dispositions (case_id, id);
CREATE INDEX dispositions_to ON dispositions (to_agency_id, state, deadline_at);
CREATE INDEX dispositions_from ON dispositions (from_agency_id, state, deadline_at);
CREATE INDEX dispositions_alert ON dispositions (next_alert_at) WHERE next_alert_at IS NOT NULL;
CREATE INDEX dispositions_created ON dispositions (to_agency_id, created_at);

CREATE TABLE replies (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  text TEXT NOT NULL,
  state TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  answer_id INTEGER,
  created_by INTEGER NOT NULL REFERENCES users (id),
  approved_by INTEGER REFERENCES users (id),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  platform TEXT NOT NULL,
  in_reply_to TEXT NOT NULL DEFAULT '',
  recipient TEXT NOT NULL DEFAULT '',
  platform_id TEXT NOT NULL DEFAULT '',
  platform_url TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX replies_case ON replies (case_id, id);
CREATE INDEX replies_state ON replies (state, updated_at);

CREATE TABLE ready_answers (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '',
  approved INTEGER NOT NULL DEFAULT 0,
  approved_by INTEGER REFERENCES users (id),
  valid_from TEXT NOT NULL DEFAULT '',
  valid_until TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  uses INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ready_answers_agency ON ready_answers (agency_id, id);
-- Tags are stored space-separated so they are searchable words.
CREATE VIRTUAL TABLE ready_answers_fts USING fts5 (
  title, body, tags,
  content = 'ready_answers', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER ready_answers_fts_ai AFTER INSERT ON ready_answers BEGIN
  INSERT INTO ready_answers_fts (rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
END;
CREATE TRIGGER ready_answers_fts_ad AFTER DELETE ON ready_answers BEGIN
  INSERT INTO ready_answers_fts (ready_answers_fts, rowid, title, body, tags)
  VALUES ('delete', old.id, old.title, old.body, old.tags);
END;
CREATE TRIGGER ready_answers_fts_au AFTER UPDATE OF title, body, tags ON ready_answers BEGIN
  INSERT INTO ready_answers_fts (ready_answers_fts, rowid, title, body, tags)
  VALUES ('delete', old.id, old.title, old.body, old.tags);
  INSERT INTO ready_answers_fts (rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
END;

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  kind TEXT NOT NULL,
  case_id INTEGER,
  disposition_id INTEGER,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  read INTEGER NOT NULL DEFAULT 0,
  dedupe_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user ON notifications (user_id, read, id DESC);

-- The shipped official holiday list lives in the binary (core/sla.cc); these are the
-- administrator's additions (removed = 0) and removals of official days (removed = 1).
CREATE TABLE holiday_overrides (
  date TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  removed INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);

CREATE TABLE inbox_settings (
  region_id INTEGER PRIMARY KEY REFERENCES agencies (id),
  mode TEXT NOT NULL,
  hours INTEGER NOT NULL,
  reminder_minutes_json TEXT NOT NULL,
  require_reply_approval INTEGER NOT NULL DEFAULT 0,
  schedule_json TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL
);
