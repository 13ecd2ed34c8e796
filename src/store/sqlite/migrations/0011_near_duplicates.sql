-- 0011_near_duplicates: near-duplicates flagged at intake (ingest/near_dup.h).
-- near_duplicate_of: the first mention of the cluster of nearly identical texts this mention
-- belongs to (a copy-paste campaign, a lightly edited repost), of any agency; no foreign key, the
-- original may be deleted by retention. near_duplicate_similarity: similarity (0-1) to its
-- closest earlier copy. Both NULL = not a near-duplicate. Set once, at intake.
ALTER TABLE mentions ADD COLUMN near_duplicate_of INTEGER;
ALTER TABLE mentions ADD COLUMN near_duplicate_similarity REAL;
-- The copies of a mention, newest first; partial: mentions that are no copy cost nothing.
CREATE INDEX mentions_near_duplicate ON mentions (near_duplicate_of, created_at DESC)
  WHERE near_duplicate_of IS NOT NULL;
