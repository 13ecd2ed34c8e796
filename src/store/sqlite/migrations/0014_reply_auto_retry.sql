-- 0014_reply_auto_retry: when a failed reply will be sent again automatically. A send that failed
-- because the platform surely did not take it (HTTP 429/503, no connection; or any transient
-- failure on a platform with idempotent posts) is retried by the job queue a few times with
-- back-off; NULL = no automatic retry is planned (sent, refused, or the officer's decision).
ALTER TABLE replies ADD COLUMN next_retry_at INTEGER;
