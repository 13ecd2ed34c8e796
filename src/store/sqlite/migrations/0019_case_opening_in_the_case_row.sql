-- 0019_case_opening_in_the_case_row: a case's "opened" history entry is read from the case row
-- instead of being a case_events row of its own (issue 5 part 7: one row and one index entry less
-- per case the intake opens, ~8.4k instructions each). InboxRepository::CaseEvents puts the
-- entry first with id 0, at = the case's created_at, no actor, details {"mention_id": N}: exactly
-- what the stored row held (the intake wrote it with the case, at the same instant).

-- The mention that opened the case (NULL for cases whose opening is still a stored event).
ALTER TABLE cases ADD COLUMN opened_by_mention INTEGER;

-- Existing cases: move each "opened" event into its case row when it is exactly what the
-- intake writes (same instant as the case row, no actor, {"mention_id":N}); any other stays a
-- stored event and is shown as before.
-- The event moved: the first such event of each case (the intake writes one).
CREATE TEMP TABLE opened_moved AS
SELECT c.id AS case_id, (
  SELECT e.id FROM case_events e
  WHERE e.case_id = c.id AND e.kind = 'opened' AND e.at = c.created_at
    AND e.actor_user_id IS NULL
    AND e.details_json = '{"mention_id":' || json_extract(e.details_json, '$.mention_id') || '}'
  ORDER BY e.id LIMIT 1) AS event_id
FROM cases c;
UPDATE cases SET opened_by_mention = (
  SELECT json_extract(e.details_json, '$.mention_id') FROM opened_moved o
  JOIN case_events e ON e.id = o.event_id WHERE o.case_id = cases.id);
DELETE FROM case_events WHERE id IN (SELECT event_id FROM opened_moved);
DROP TABLE opened_moved;
