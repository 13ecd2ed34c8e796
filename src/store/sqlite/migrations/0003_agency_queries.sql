-- 0003_agency_queries: what each agency watches (social listening), which stored mentions each
-- query matched, and per-query hourly counters kept at ingest (alerts read them for baselines).

-- AUTOINCREMENT: a deleted query's id is never reused, so a match recorded by an intake that
-- raced with the delete can never be attributed to a different, newer query.
CREATE TABLE agency_queries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  name TEXT NOT NULL,
  expression TEXT NOT NULL,
  platforms TEXT NOT NULL DEFAULT '',  -- comma-separated platform names; '' = every platform
  languages TEXT NOT NULL DEFAULT '',  -- comma-separated: id, en, other; '' = every language
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX agency_queries_name ON agency_queries (agency_id, lower(name));
CREATE INDEX agency_queries_active ON agency_queries (active);

-- Written by MentionRepository::UpsertBatch in the mention batch's transaction. query_id is not a
-- foreign key: intake must never fail because a query was deleted meanwhile (the delete removes
-- the query's rows; AUTOINCREMENT keeps ids unique).
CREATE TABLE mention_queries (
  query_id INTEGER NOT NULL,
  mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
  PRIMARY KEY (query_id, mention_id)
) WITHOUT ROWID;
CREATE INDEX mention_queries_mention ON mention_queries (mention_id);

-- Mentions per query x UTC hour x sentiment ('' = unlabelled), by the mention's created_at.
CREATE TABLE query_hourly (
  query_id INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  sentiment TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (query_id, hour, sentiment)
) WITHOUT ROWID;
