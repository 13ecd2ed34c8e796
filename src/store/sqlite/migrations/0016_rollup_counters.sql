-- 0016_rollup_counters: counters kept at ingest for the dashboards (issue 5: "dashboards read
-- rollup counters kept at ingest, never a GROUP BY over raw mentions"). Written by
-- MentionRepository::UpsertBatch in the batch's transaction (sqlite/rollups_batch.cc), adjusted
-- by label corrections; the raw mentions stay the source: `humas rollups-rebuild` recomputes
-- them with the backfill section below. Mentions are never deleted, so no foreign keys (they
-- would cost a look-up per write).

-- Stored replies and shares by other authors (handles compared with SQLite's ASCII lower()) to
-- one mention, at any time; a row only for mentions with at least one. A child names its parent
-- by external id, so a child stored before its parent is counted when the parent arrives.
CREATE TABLE mention_observed (
  mention_id INTEGER PRIMARY KEY,
  observed INTEGER NOT NULL
);

-- What one author did per UTC day, agency (0 = unassigned) and platform: the sums behind
-- store::AuthorActivity (store/spread.h). A mention is a share when shared_from is set or its kind
-- is 'share'; otherwise a reply when in_reply_to is set or its kind is reply/comment; otherwise
-- an original. influence = sum of likes + max(reported shares + replies, observed) per mention.
CREATE TABLE author_daily (
  day INTEGER NOT NULL,             -- start of the UTC day of created_at (ms)
  agency_id INTEGER NOT NULL,
  platform TEXT NOT NULL,
  author_key TEXT NOT NULL,         -- lower(author_handle)
  handle TEXT NOT NULL,             -- max(author_handle)
  name TEXT NOT NULL,               -- max(author_name)
  mentions INTEGER NOT NULL,
  originals INTEGER NOT NULL,
  shares INTEGER NOT NULL,
  replies INTEGER NOT NULL,
  critical_replies INTEGER NOT NULL,  -- replies labelled negative or of kind kritik/keluhan
  likes_sum INTEGER NOT NULL,       -- engagement reported by the platform on these mentions
  shares_sum INTEGER NOT NULL,
  replies_sum INTEGER NOT NULL,
  observed INTEGER NOT NULL,        -- sum of mention_observed over these mentions
  influence INTEGER NOT NULL,
  followers INTEGER,                -- largest count reported; NULL = never reported
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (day, agency_id, platform, author_key)
) WITHOUT ROWID;
-- One author's profile over a window.
CREATE INDEX author_daily_author ON author_daily (platform, author_key, day);

-- An agency's topic per UTC hour and sentiment ('' = unlabelled): distinct mentions that matched
-- at least one of the agency's queries at intake (a mention matching two of them counts once).
CREATE TABLE agency_topic_hourly (
  agency_id INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  sentiment TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (agency_id, hour, sentiment)
) WITHOUT ROWID;

-- backfill (also run by `humas rollups-rebuild` after emptying the three tables above)
INSERT INTO mention_observed (mention_id, observed)
SELECT id, count(*) FROM (
  SELECT p.id AS id FROM mentions c JOIN mentions p
    ON p.platform = c.platform AND p.external_id = c.in_reply_to
  WHERE c.in_reply_to <> '' AND lower(c.author_handle) <> lower(p.author_handle)
  UNION ALL
  SELECT p.id FROM mentions c JOIN mentions p
    ON p.platform = c.platform AND p.external_id = c.shared_from
  WHERE c.shared_from <> '' AND lower(c.author_handle) <> lower(p.author_handle))
GROUP BY id;

INSERT INTO author_daily (day, agency_id, platform, author_key, handle, name, mentions, originals,
  shares, replies, critical_replies, likes_sum, shares_sum, replies_sum, observed, influence,
  followers, first_at, last_at)
SELECT day, agency, platform, lower(author_handle), max(author_handle), max(author_name),
  count(*), sum(1 - is_share - is_reply), sum(is_share), sum(is_reply),
  sum(is_reply * critical), sum(likes), sum(shares), sum(replies), sum(observed),
  sum(likes + max(shares + replies, observed)), max(author_followers), min(created_at),
  max(created_at)
FROM (SELECT created_at - ((created_at % 86400000) + 86400000) % 86400000 AS day,
  coalesce(m.agency_id, 0) AS agency, m.platform, m.author_handle, m.author_name, m.likes,
  m.shares, m.replies, m.author_followers, m.created_at,
  CASE WHEN m.shared_from <> '' OR m.kind = 'share' THEN 1 ELSE 0 END AS is_share,
  CASE WHEN m.shared_from = '' AND m.kind <> 'share' AND (m.in_reply_to <> '' OR m.kind IN
    ('reply', 'comment')) THEN 1 ELSE 0 END AS is_reply,
  CASE WHEN m.sentiment = 'negative' OR m.input_kind IN ('kritik', 'keluhan') THEN 1 ELSE 0
    END AS critical,
  coalesce(o.observed, 0) AS observed
  FROM mentions m LEFT JOIN mention_observed o ON o.mention_id = m.id)
GROUP BY day, agency, platform, lower(author_handle);

INSERT INTO agency_topic_hourly (agency_id, hour, sentiment, count)
SELECT agency_id, hour, sentiment, count(*) FROM (
  SELECT DISTINCT q.agency_id, mq.mention_id,
    m.created_at - ((m.created_at % 3600000) + 3600000) % 3600000 AS hour, m.sentiment
  FROM mention_queries mq JOIN agency_queries q ON q.id = mq.query_id
  JOIN mentions m ON m.id = mq.mention_id)
GROUP BY agency_id, hour, sentiment;
