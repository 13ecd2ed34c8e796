-- 0024_alert_outbox: an alert's messages are stored in one transaction with the mark that they
-- were stored (notified_at), so a crash between opening an alert and telling its officers is
-- caught up after the restart, exactly once. Alerts from before this migration were told already.
-- notifications.alert_id: the alert a notification is about (the bell links to its page).
ALTER TABLE alerts ADD COLUMN notified_at INTEGER;
UPDATE alerts SET notified_at = opened_at;
CREATE INDEX alerts_unnotified ON alerts (id) WHERE notified_at IS NULL;

ALTER TABLE notifications ADD COLUMN alert_id INTEGER;
UPDATE notifications SET alert_id = CAST(substr(dedupe_key, 7) AS INTEGER)
  WHERE kind = 'alert' AND dedupe_key GLOB 'alert:[0-9]*';
