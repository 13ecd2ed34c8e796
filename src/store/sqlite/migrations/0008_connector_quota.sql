-- 0008_connector_quota: a daily unit quota per connector (YouTube Data API: every call costs
-- units of the project's daily quota, which resets at midnight Pacific time). quota_day is the day
-- ("YYYY-MM-DD") that quota_used counts; a new day starts again from 0.
ALTER TABLE connectors ADD COLUMN quota_day TEXT NOT NULL DEFAULT '';
ALTER TABLE connectors ADD COLUMN quota_used INTEGER NOT NULL DEFAULT 0;
