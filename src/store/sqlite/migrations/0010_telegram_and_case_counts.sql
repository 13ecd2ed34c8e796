-- 0010_telegram_and_case_counts: officers' personal Telegram chat for notifications, and live
-- inbox counters (open cases per agency x state, and per assignee x agency) kept by triggers in
-- the same transaction as every case write, so GET /cases/counts reads a few rows instead of
-- scanning every open case.

-- The chat the humas bot writes to ("" = no Telegram notifications): the officer's numeric
-- Telegram user id (or a group's negative id), kept as text so no client rounds it.
ALTER TABLE users ADD COLUMN telegram_chat_id TEXT NOT NULL DEFAULT '';

-- How the last failed send failed: "retryable" (the platform was down or busy: try again later),
-- "permanent" (refused: fix the reply, the account or the connector first), "" = not failed.
ALTER TABLE replies ADD COLUMN error_kind TEXT NOT NULL DEFAULT '';

CREATE TABLE case_state_counts (
  agency_id INTEGER NOT NULL,
  state TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (agency_id, state)
) WITHOUT ROWID;

-- Open (not selesai) cases per assignee and agency: the "mine" count.
CREATE TABLE case_assignee_counts (
  assignee_id INTEGER NOT NULL,
  agency_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (assignee_id, agency_id)
) WITHOUT ROWID;

INSERT INTO case_state_counts (agency_id, state, n)
  SELECT agency_id, state, count(*) FROM cases GROUP BY agency_id, state;
INSERT INTO case_assignee_counts (assignee_id, agency_id, n)
  SELECT assignee_id, agency_id, count(*) FROM cases
  WHERE assignee_id IS NOT NULL AND state != 'selesai' GROUP BY assignee_id, agency_id;

CREATE TRIGGER cases_count_ai AFTER INSERT ON cases BEGIN
  INSERT INTO case_state_counts (agency_id, state, n) VALUES (new.agency_id, new.state, 1)
    ON CONFLICT (agency_id, state) DO UPDATE SET n = n + 1;
  INSERT INTO case_assignee_counts (assignee_id, agency_id, n)
    SELECT new.assignee_id, new.agency_id, 1
    WHERE new.assignee_id IS NOT NULL AND new.state != 'selesai'
    ON CONFLICT (assignee_id, agency_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cases_count_ad AFTER DELETE ON cases BEGIN
  UPDATE case_state_counts SET n = n - 1 WHERE agency_id = old.agency_id AND state = old.state;
  UPDATE case_assignee_counts SET n = n - 1
    WHERE old.assignee_id IS NOT NULL AND old.state != 'selesai'
      AND assignee_id = old.assignee_id AND agency_id = old.agency_id;
END;

CREATE TRIGGER cases_count_au_state AFTER UPDATE OF agency_id, state ON cases
WHEN old.agency_id IS NOT new.agency_id OR old.state IS NOT new.state BEGIN
  UPDATE case_state_counts SET n = n - 1 WHERE agency_id = old.agency_id AND state = old.state;
  INSERT INTO case_state_counts (agency_id, state, n) VALUES (new.agency_id, new.state, 1)
    ON CONFLICT (agency_id, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cases_count_au_assignee AFTER UPDATE OF agency_id, state, assignee_id ON cases
WHEN old.agency_id IS NOT new.agency_id OR old.assignee_id IS NOT new.assignee_id
  OR (old.state = 'selesai') != (new.state = 'selesai') BEGIN
  UPDATE case_assignee_counts SET n = n - 1
    WHERE old.assignee_id IS NOT NULL AND old.state != 'selesai'
      AND assignee_id = old.assignee_id AND agency_id = old.agency_id;
  INSERT INTO case_assignee_counts (assignee_id, agency_id, n)
    SELECT new.assignee_id, new.agency_id, 1
    WHERE new.assignee_id IS NOT NULL AND new.state != 'selesai'
    ON CONFLICT (assignee_id, agency_id) DO UPDATE SET n = n + 1;
END;

-- The overdue count per agency: a range over this index, only cases with a deadline.
CREATE INDEX cases_agency_due ON cases (agency_id, due_at) WHERE due_at IS NOT NULL;
