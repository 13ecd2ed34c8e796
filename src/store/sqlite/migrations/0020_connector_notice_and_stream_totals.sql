-- 0020_connector_notice_and_stream_totals: two parts of a connector's health that used to be lost.
-- notice: something the admin should know about a run that still succeeded (e.g. X refused a
-- checkpoint older than recent search's 7 days and the connector resumed from the window's start,
-- so older posts were skipped); notice_at when it was said; '' = nothing to say.
-- stream_*: a stream connector's counters over its life (messages received, new mentions stored,
-- malformed messages, reconnects, last message), saved by the stream worker periodically and when
-- it stops, so a restart does not zero what the connectors page shows.
ALTER TABLE connectors ADD COLUMN notice TEXT NOT NULL DEFAULT '';
ALTER TABLE connectors ADD COLUMN notice_at INTEGER;
ALTER TABLE connectors ADD COLUMN stream_events INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connectors ADD COLUMN stream_stored INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connectors ADD COLUMN stream_malformed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connectors ADD COLUMN stream_reconnects INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connectors ADD COLUMN stream_last_event_at INTEGER;
