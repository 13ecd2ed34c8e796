-- 0018_alert_handling: officers handle alerts. An alert goes open -> acknowledged (who, when) ->
-- closed (who, when, a short note on what was done); the evaluator still closes an alert nobody
-- acknowledged once it calmed down (closed_by stays NULL). An acknowledged alert keeps
-- de-duplicating its key; a closed one frees it. version changes with the state (the officers'
-- optimistic concurrency); the evaluator's figure refreshes leave it alone.
ALTER TABLE alerts ADD COLUMN acknowledged_at INTEGER;
ALTER TABLE alerts ADD COLUMN acknowledged_by INTEGER REFERENCES users (id);
ALTER TABLE alerts ADD COLUMN closed_by INTEGER REFERENCES users (id);
ALTER TABLE alerts ADD COLUMN close_note TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- At most one open or acknowledged alert per agency + query (or topic) + kind.
DROP INDEX alerts_one_open;
CREATE UNIQUE INDEX alerts_one_active ON alerts (agency_id, ifnull(query_id, 0), kind)
  WHERE state IN ('open', 'acknowledged');
-- The evaluator's look at recently closed alerts (their hours do not open a new alert again).
CREATE INDEX alerts_closed_window ON alerts (window_end) WHERE state = 'closed';
