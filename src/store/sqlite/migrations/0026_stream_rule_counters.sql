-- 0026_stream_rule_counters: the rest of a stream connector's health that used to live in memory
-- only (X filtered stream), saved with the other stream counters (0020) so that `humas serve`
-- restarting shows the same figures:
-- stream_tagged_posts: posts recorded for an agency query because X's rule tag for it delivered
-- them; stream_ignored_tags: rule tags ignored (deleted, changed, paused or another agency's
-- query); stream_gap_filled(_at): posts missed while disconnected and read back by recent search,
-- and when that last ran (also the start of the interval before the next gap fill);
-- stream_rules: the last rules sync as JSON {"at", "error", "refused": [{"query_id", "rule",
-- "reason"}]} ('' = none yet), shown until the next sync succeeds or fails.
ALTER TABLE connectors ADD COLUMN stream_tagged_posts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connectors ADD COLUMN stream_ignored_tags INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connectors ADD COLUMN stream_gap_filled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connectors ADD COLUMN stream_gap_filled_at INTEGER;
ALTER TABLE connectors ADD COLUMN stream_rules TEXT NOT NULL DEFAULT '';
