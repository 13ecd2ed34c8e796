-- 0012_case_insert_counts_in_code: a new case is counted in case_state_counts by the code that
-- inserts it (InboxRepository::AttachMention(s), one upsert per agency for a whole intake batch)
-- instead of by an AFTER INSERT trigger. The trigger made every case insert a multi-statement
-- write, which SQLite must guard with a statement journal (a copy of every page the insert
-- touches: the row and its eight index entries) and run as a sub-program: measured here as the
-- largest single cost of storing a mention that opens a case. The delete and update triggers
-- stay: those writes are rare. Any other code that inserts into `cases` must count the case too.
DROP TRIGGER cases_count_ai;
