-- 0017_leaner_intake_counters: less work per stored mention on the store thread (issue 5 part 7),
-- every reader served as before (docs/performance.md, "Session 6: the store thread").

-- One author's profile (SpreadRepository::Author) now reads that author's mentions in the window
-- through mentions_author (lower(author_handle), created_at DESC), as the profile with a hashtag
-- topic already did; the top-authors list reads author_daily by its primary key (day first).
-- Keeping this index cost ~3.3k instructions per stored mention (a random insert into a second
-- B-tree for nearly every new author-day).
DROP INDEX author_daily_author;
