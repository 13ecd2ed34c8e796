-- 0006_webhook_inbox: the durable intake of webhook deliveries. A delivery is acknowledged to the
-- platform only after its verified raw body is committed here; a worker maps pending rows to
-- mentions and stores them (idempotent on platform + external_id), so a crash between the ack and
-- the processing loses nothing. (source, delivery_key) is unique: a replayed delivery (same event
-- id, or the same body when the platform sends no id) is acknowledged again but kept once.
CREATE TABLE webhook_inbox (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,             -- endpoint family, e.g. "meta", "telegram/kota", "standard/lapor"
  delivery_key TEXT NOT NULL,       -- the platform's event id, or "sha256:<hex of body>"
  body BLOB NOT NULL,               -- the raw, verified body
  received_at INTEGER NOT NULL,     -- Unix ms
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  mentions INTEGER NOT NULL DEFAULT 0,  -- mentions it carried (after processing)
  processed_at INTEGER NOT NULL DEFAULT 0,
  UNIQUE (source, delivery_key)
);
CREATE INDEX webhook_inbox_pending ON webhook_inbox (state, id) WHERE state = 'pending';
