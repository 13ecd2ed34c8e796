-- 0002_fts_insert_in_code: new mentions are indexed by MentionRepository::UpsertBatch itself, in
-- the same transaction, instead of by an AFTER INSERT trigger. A trigger makes every insert open
-- a statement savepoint, and FTS5 flushes its pending index data at each savepoint: measured
-- here ~4x slower ingest (tiny segments, constant merging). Delete and text-update triggers stay:
-- those writes are rare. Any other code that inserts into `mentions` must index the row too.
DROP TRIGGER mentions_fts_ai;
