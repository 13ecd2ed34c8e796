-- 0015_leaner_ingest_writes: less work per stored mention (issue 5 part 7, the store's write path),
-- every reader served as before. Measured with callgrind on `bench/ingest_bench 10000 store`
-- (docs/performance.md, "Session 5"): instructions per stored mention saved by each change.

-- Author profiles (SpreadRepository::Author: platform = ? AND lower(author_handle) = lower(?) in
-- a window) read mentions_author (lower(author_handle), created_at DESC) and check the platform on
-- the few rows of that handle; search's author filter already did. ~8k instructions per mention.
DROP INDEX mentions_platform_author;

-- No reader: every inbox list names its agencies and states, so SQLite reads
-- cases_agency_state_activity (or cases_agency_due / cases_assignee), never this one.
DROP INDEX cases_activity;

-- Its one reader, the inbox figures (cases created before the period's end that were created in
-- it or are still open), reads every case of the agency created before the period's end: through
-- cases_agency_state_activity (agency_id = ?) it reads the agency's cases instead, the same rows
-- for a period that ends now. ~3k instructions per opened case.
DROP INDEX cases_created;

-- The full-text index without its per-row token counts (columnsize=0: no mentions_fts_docsize row
-- per mention, ~4.7k instructions each). They serve only bm25()/xColumnSize ranking, which
-- mention search does not use (it orders by time); MATCH, phrases and NOT are unchanged.
DROP TABLE mentions_fts;
CREATE VIRTUAL TABLE mentions_fts USING fts5 (
  text, author_handle, author_name,
  content = 'mentions', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  columnsize = 0
);
INSERT INTO mentions_fts (mentions_fts) VALUES ('rebuild');
