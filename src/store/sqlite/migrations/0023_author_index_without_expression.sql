-- 0023_author_index_without_expression: mentions_author indexes the handle itself, compared with
-- ASCII case folded (COLLATE NOCASE), instead of the expression lower(author_handle). Same rows,
-- same order, same answers: SQLite's lower() (built without ICU) and NOCASE both fold only A-Z, so
-- `author_handle = ? COLLATE NOCASE` holds exactly where `lower(author_handle) = lower(?)` did;
-- the readers (search's author filter, the author profile) now ask it that way.
-- Why: an index on an expression makes SQLite guard every multi-row INSERT into mentions with a
-- statement journal (a copy of each page the statement touches), which made the intake's
-- multi-row inserts (MentionRepository::UpsertBatch) dearer than one row per statement.
DROP INDEX mentions_author;
CREATE INDEX mentions_author ON mentions (author_handle COLLATE NOCASE, created_at DESC);
