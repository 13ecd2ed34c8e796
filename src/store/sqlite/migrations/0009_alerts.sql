-- 0009_alerts: listening alerts (spikes, negative-sentiment surges, hoax matches) with per-agency
-- thresholds, the evaluator's cursors and each user's "seen until" mark for the unread badge.

-- One row per agency that changed the defaults (absent = the defaults of alerts/detector.h).
CREATE TABLE alert_settings (
  agency_id INTEGER PRIMARY KEY REFERENCES agencies (id),
  enabled INTEGER NOT NULL,
  spike_score REAL NOT NULL,          -- robust score that opens a spike alert
  spike_min_count INTEGER NOT NULL,   -- mentions in the hour needed before a spike can open
  negative_score REAL NOT NULL,       -- robust score of the negative count
  negative_min_count INTEGER NOT NULL,
  negative_min_share REAL NOT NULL,   -- negative / all mentions in the hour, 0..1
  hoax_threshold REAL NOT NULL,       -- hoax_score at or above this alarms, 0..1
  calm_hours INTEGER NOT NULL,        -- quiet hours before an open alert is closed
  telegram_chat_id TEXT NOT NULL DEFAULT '',  -- optional agency group chat for alert messages
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES users (id),
  version INTEGER NOT NULL DEFAULT 1
);

-- AUTOINCREMENT: alert ids appear in e-mails and Telegram messages; never reuse one.
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  query_id INTEGER,                -- NULL: the agency's topic (all its queries) or a hoax match
  kind TEXT NOT NULL,              -- spike | negative | hoax
  state TEXT NOT NULL,             -- open | closed
  opened_at INTEGER NOT NULL,
  last_hot_at INTEGER NOT NULL,    -- last evaluation that still saw the condition
  closed_at INTEGER,
  window_start INTEGER NOT NULL,   -- evidence: mentions created in [window_start, window_end)
  window_end INTEGER NOT NULL,
  observed INTEGER NOT NULL,       -- count in the hottest hour (hoax: matching mentions)
  baseline REAL NOT NULL,          -- median of the seasonal baseline (hoax: the threshold)
  score REAL NOT NULL,             -- highest robust score seen (hoax: highest hoax score)
  details TEXT NOT NULL DEFAULT '{}',
  evidence_ids TEXT NOT NULL DEFAULT '[]'  -- JSON array of mention ids (hoax: the matches)
);
-- De-duplication: at most one open alert per agency + query (or topic) + kind.
CREATE UNIQUE INDEX alerts_one_open ON alerts (agency_id, ifnull(query_id, 0), kind)
  WHERE state = 'open';
CREATE INDEX alerts_agency_opened ON alerts (agency_id, opened_at DESC);
CREATE INDEX alerts_opened ON alerts (opened_at DESC, id DESC);

-- Named positions of the evaluator (e.g. the last mention id checked for hoax matches).
CREATE TABLE alert_cursors (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

-- Per user: alerts opened at or before seen_until count as read (the unread badge).
CREATE TABLE alert_seen (
  user_id INTEGER PRIMARY KEY REFERENCES users (id),
  seen_until INTEGER NOT NULL
);
