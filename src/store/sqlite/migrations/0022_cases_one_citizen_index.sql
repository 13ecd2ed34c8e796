-- 0022_cases_one_citizen_index: one index instead of two on the columns that identify a case's
-- citizen (issue 5 part 7: one B-tree insert less per case the intake opens). The intake's
-- look-up of a case by its key (the key ends with the citizen key, so citizen_key is known there)
-- and the citizen's other cases (sorted by id from this index's rows of that citizen, a few per
-- citizen) both read it.
CREATE INDEX cases_citizen_case_key ON cases (citizen_key, case_key, id DESC);
DROP INDEX cases_key;
DROP INDEX cases_citizen;
