-- 0005_connectors: the connector registry (issue 5). One row per configured connector of an
-- agency (an RSS feed, an X search, a Meta page webhook...): its settings, its credentials sealed
-- with libsodium secretbox (never stored in clear; the key lives in a 0600 file outside the
-- database), where it stopped (cursor, ETag/Last-Modified), its health and, for paid APIs, the
-- monthly read budget and usage.
CREATE TABLE connectors (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  platform TEXT NOT NULL,
  name TEXT NOT NULL,
  settings_json TEXT NOT NULL DEFAULT '{}',
  credentials_sealed TEXT NOT NULL DEFAULT '',  -- base64(nonce || secretbox); '' = not set
  enabled INTEGER NOT NULL DEFAULT 1,
  poll_interval_seconds INTEGER NOT NULL DEFAULT 900,
  cursor TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  last_success_at INTEGER,
  last_error_at INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  next_run_at INTEGER NOT NULL DEFAULT 0,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  items_total INTEGER NOT NULL DEFAULT 0,
  read_budget_monthly INTEGER,                  -- NULL = no budget (free API)
  reads_month TEXT NOT NULL DEFAULT '',         -- 'YYYY-MM' that reads_used counts
  reads_used INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX connectors_agency_name ON connectors (agency_id, lower(name));
CREATE INDEX connectors_due ON connectors (enabled, next_run_at);
CREATE INDEX connectors_platform ON connectors (platform);
