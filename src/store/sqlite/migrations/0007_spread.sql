-- 0007_spread: what spreads and who spreads it (share cascades, author activity), and officers'
-- label corrections kept for retraining.

-- The author's follower count when a connector reports it; NULL = unknown (never guessed).
ALTER TABLE mentions ADD COLUMN author_followers INTEGER;

-- Cascades are assembled at read time from the stored graph: a child names its parent by the
-- platform's external id (in_reply_to / shared_from), so a child stored before its parent joins
-- the cascade as soon as the parent arrives. Partial indexes: only replies and shares carry an
-- entry, so posts cost nothing extra at ingest. Readers must repeat the `<> ''` condition.
CREATE INDEX mentions_reply_parent ON mentions (platform, in_reply_to) WHERE in_reply_to <> '';
CREATE INDEX mentions_share_parent ON mentions (platform, shared_from) WHERE shared_from <> '';

-- Author profiles look up one author's mentions per platform in a window.
CREATE INDEX mentions_platform_author ON mentions (platform, lower(author_handle), created_at);

-- One row per correction, never updated or deleted: who changed which label of which mention,
-- when, from what to what. The mention row carries the corrected label; this table keeps the
-- history (and the model's original output, old_value/old_confidence of the first correction).
CREATE TABLE label_corrections (
  id INTEGER PRIMARY KEY,
  mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
  task TEXT NOT NULL,            -- sentiment | kind | hoax
  old_value TEXT NOT NULL,
  old_confidence REAL NOT NULL,
  new_value TEXT NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  at INTEGER NOT NULL
);
CREATE INDEX label_corrections_mention ON label_corrections (mention_id, id);
CREATE INDEX label_corrections_task ON label_corrections (task, mention_id, id);
