-- 0021_mention_edits: posts their authors edited (Telegram edited messages, Mastodon status
-- edits, X edit chains, Facebook comment edits, YouTube comment updates). The mention row always
-- holds the newest version's text and labels; edited_at is when that version was written (NULL =
-- never edited: the first version). Each replaced version is kept here, so officers see what was
-- said first. Rows go with their mention (retention).
ALTER TABLE mentions ADD COLUMN edited_at INTEGER;
CREATE TABLE mention_edits (
  id INTEGER PRIMARY KEY,
  mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  version_at INTEGER NOT NULL,   -- when the replaced version was written
  replaced_at INTEGER NOT NULL   -- when humas stored the newer one
);
CREATE INDEX mention_edits_mention ON mention_edits (mention_id, id);
