-- 0028_near_duplicate_copies: the size of each near-duplicate cluster, kept when a copy is stored
-- (MentionRepository::UpsertBatch, sqlite/rollups_batch.cc), so the mention detail reads its
-- copy count from a counter instead of counting the cluster's rows. One row per cluster (the
-- mention the copies were flagged against) and agency of the copies (0 = unassigned): the
-- detail sums the rows of the agencies the reader may see. near_duplicate_of is set only when a
-- mention is inserted and mentions are never deleted, so nothing else moves these counts.
CREATE TABLE near_duplicate_copies (
  of_id INTEGER NOT NULL,
  agency_id INTEGER NOT NULL,
  copies INTEGER NOT NULL,
  PRIMARY KEY (of_id, agency_id)
) WITHOUT ROWID;

-- backfill (also run by `humas rollups-rebuild` after emptying the table)
INSERT INTO near_duplicate_copies (of_id, agency_id, copies)
SELECT near_duplicate_of, coalesce(agency_id, 0), count(*) FROM mentions
WHERE near_duplicate_of IS NOT NULL GROUP BY 1, 2;
