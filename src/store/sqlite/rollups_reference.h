// The author activity query from before the counters of migration 0016: a GROUP BY over every
// mention of the window with two probes of the children per mention. Kept only as the reference
// that rollups_test.cc compares the counters with and bench/spread_bench.cc times them against;
// the product reads the counters (spread_repo.cc).
#pragma once

namespace humas::store::sqlite::reference {

// The author activity query before the counters: every mention of the window, with two probes
// of the children per mention. ?1/?2 = window; scope and author conditions are appended.
inline constexpr char kOldHead[] =
    "SELECT platform, max(author_handle), max(author_name), count(*), "
    "sum(is_share), sum(is_reply), "
    "sum(CASE WHEN is_reply = 1 AND (sentiment = 'negative' OR input_kind IN ('kritik', "
    "'keluhan')) THEN 1 ELSE 0 END), "
    "count(DISTINCT (created_at - ?1) / 86400000), "
    "count(DISTINCT CASE WHEN is_share = 0 AND is_reply = 0 THEN (created_at - ?1) / 604800000 "
    "END), "
    "sum(likes), sum(shares), sum(replies), sum(observed), "
    "sum(likes + max(shares + replies, observed)), max(author_followers), min(created_at), "
    "max(created_at) "
    "FROM (SELECT m.platform, m.author_handle, m.author_name, m.created_at, m.sentiment, "
    "m.input_kind, m.likes, m.shares, m.replies, m.author_followers, "
    "CASE WHEN m.shared_from <> '' OR m.kind = 'share' THEN 1 ELSE 0 END AS is_share, "
    "CASE WHEN m.shared_from = '' AND m.kind <> 'share' AND (m.in_reply_to <> '' OR m.kind IN "
    "('reply', 'comment')) THEN 1 ELSE 0 END AS is_reply, "
    "(SELECT count(*) FROM mentions c WHERE c.platform = m.platform AND c.in_reply_to = "
    "m.external_id AND c.in_reply_to <> '' AND lower(c.author_handle) <> lower(m.author_handle)) "
    "+ (SELECT count(*) FROM mentions c WHERE c.platform = m.platform AND c.shared_from = "
    "m.external_id AND c.shared_from <> '' AND lower(c.author_handle) <> lower(m.author_handle)) "
    "AS observed "
    "FROM mentions m WHERE m.created_at >= ?1 AND m.created_at < ?2";
inline constexpr char kOldTail[] =
    ") GROUP BY platform, lower(author_handle) ORDER BY 14 DESC, 4 DESC, 2, 1";

}  // namespace humas::store::sqlite::reference
