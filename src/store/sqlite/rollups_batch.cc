// RollupBatch: the author, observed-reaction and agency-topic counters of one UpsertBatch,
// aggregated in memory and written with one UPSERT per key (see rollups.h, migration 0016).
#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_set>

#include "store/sqlite/rollups.h"

namespace humas::store::sqlite {
namespace {

constexpr UnixMillis kDayMs = 86'400'000;

// Stored replies + shares to (platform ?1, external id ?2) by authors other than ?3 (lowered):
// two probes of migration 0007's partial indexes (hence the `<> ''`).
constexpr char kSqlChildrenByOthers[] =
    "SELECT (SELECT count(*) FROM mentions c WHERE c.platform = ?1 AND c.in_reply_to = ?2 AND "
    "c.in_reply_to <> '' AND lower(c.author_handle) <> ?3) + (SELECT count(*) FROM mentions c "
    "WHERE c.platform = ?1 AND c.shared_from = ?2 AND c.shared_from <> '' AND "
    "lower(c.author_handle) <> ?3)";
constexpr char kSqlParent[] =
    "SELECT id, author_handle, author_name, created_at, coalesce(agency_id, 0), shares, likes, "
    "replies FROM mentions WHERE platform = ? AND external_id = ?";
constexpr char kSqlMentionKey[] =
    "SELECT author_handle, author_name, created_at, coalesce(agency_id, 0), platform FROM "
    "mentions WHERE id = ?";
constexpr char kSqlObservedGet[] = "SELECT observed FROM mention_observed WHERE mention_id = ?";
constexpr char kSqlObservedSet[] =
    "INSERT INTO mention_observed (mention_id, observed) VALUES (?, ?) "
    "ON CONFLICT (mention_id) DO UPDATE SET observed = excluded.observed";
constexpr char kSqlCopiesAdd[] =
    "INSERT INTO near_duplicate_copies (of_id, agency_id, copies) VALUES (?, ?, ?) "
    "ON CONFLICT (of_id, agency_id) DO UPDATE SET copies = copies + excluded.copies";
constexpr char kSqlAuthorAdd[] =
    "INSERT INTO author_daily (day, agency_id, platform, author_key, handle, name, mentions, "
    "originals, shares, replies, critical_replies, likes_sum, shares_sum, replies_sum, observed, "
    "influence, followers, first_at, last_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (day, agency_id, platform, author_key) DO UPDATE SET "
    "handle = max(handle, excluded.handle), name = max(name, excluded.name), "
    "mentions = mentions + excluded.mentions, originals = originals + excluded.originals, "
    "shares = shares + excluded.shares, replies = replies + excluded.replies, "
    "critical_replies = critical_replies + excluded.critical_replies, "
    "likes_sum = likes_sum + excluded.likes_sum, shares_sum = shares_sum + excluded.shares_sum, "
    "replies_sum = replies_sum + excluded.replies_sum, observed = observed + excluded.observed, "
    "influence = influence + excluded.influence, "
    "followers = coalesce(max(followers, excluded.followers), followers, excluded.followers), "
    "first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at)";
constexpr char kSqlQueryAgencies[] =
    "SELECT id, agency_id FROM agency_queries WHERE id IN (SELECT value FROM json_each(?))";

//! (day, agency or 0, platform, lowered handle): one author_daily row.
using AuthorKey = std::tuple<UnixMillis, Id, std::string, std::string>;
using TopicKey = std::tuple<Id, UnixMillis, std::string_view>;

struct AuthorAgg {
  bool any = false;
  std::string handle, name;
  std::int64_t mentions = 0, originals = 0, shares = 0, replies = 0, critical = 0;
  std::int64_t likes_sum = 0, shares_sum = 0, replies_sum = 0, observed = 0, influence = 0;
  std::optional<std::int64_t> followers;
  UnixMillis first_at = 0, last_at = 0;

  void Saw(const std::string& h, const std::string& n, UnixMillis at) {
    if (!any) {
      any = true;
      handle = h;
      name = n;
      first_at = last_at = at;
      return;
    }
    handle = std::max(handle, h);
    name = std::max(name, n);
    first_at = std::min(first_at, at);
    last_at = std::max(last_at, at);
  }
};

std::int64_t Influence(std::int64_t likes, std::int64_t shares, std::int64_t replies,
                       std::int64_t observed) {
  return likes + std::max(shares + replies, observed);
}

//! An already stored mention whose counters this batch changes (engagement raised, or a new
//! reply/share by someone else).
struct Touched {
  AuthorKey key;
  std::string handle, name;
  UnixMillis created_at = 0;
  std::int64_t before[3] = {0, 0, 0};  // shares, likes, replies
  std::int64_t after[3] = {0, 0, 0};
  std::int64_t new_observed = 0;
};

}  // namespace

UnixMillis DayOf(UnixMillis t) { return t - ((t % kDayMs) + kDayMs) % kDayMs; }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

MentionClass ClassOf(bool has_shared_from, bool has_in_reply_to, std::string_view kind,
                     std::string_view sentiment, std::string_view input_kind) {
  MentionClass c;
  c.share = has_shared_from || kind == "share";
  c.reply = !c.share && (has_in_reply_to || kind == "reply" || kind == "comment");
  c.critical =
      c.reply && (sentiment == "negative" || input_kind == "kritik" || input_kind == "keluhan");
  return c;
}

MentionClass ClassOf(const MentionInput& d) {
  return ClassOf(!d.shared_from.empty(), !d.in_reply_to.empty(), ToString(d.kind),
                 d.labels.sentiment, d.labels.input_kind);
}

void RollupBatch::Raised(Id id, std::int64_t old_shares, std::int64_t old_likes,
                         std::int64_t old_replies, std::int64_t new_shares, std::int64_t new_likes,
                         std::int64_t new_replies) {
  auto [it, added] = raised_.try_emplace(id);
  if (added) it->second.before = {old_shares, old_likes, old_replies};
  it->second.after = {new_shares, new_likes, new_replies};
}

Status RollupBatch::Flush(Connection& conn) {
  if (inserted_.empty() && raised_.empty()) return Status::Ok();
  std::unordered_set<Id> new_ids;
  new_ids.reserve(inserted_.size());
  for (const New& n : inserted_) new_ids.insert(n.id);

  std::map<AuthorKey, AuthorAgg> authors;
  std::unordered_map<Id, Touched> touched;
  // An already stored mention this batch changes: its key and engagement (now = after).
  auto touch_stored = [&](Id id, std::string handle, std::string name, UnixMillis created_at,
                          Id agency, std::string platform, const std::int64_t now[3]) {
    auto [it, added] = touched.try_emplace(id);
    Touched& t = it->second;
    if (!added) return &t;
    t.key = {DayOf(created_at), agency, std::move(platform), AsciiLower(handle)};
    t.handle = std::move(handle);
    t.name = std::move(name);
    t.created_at = created_at;
    std::copy(now, now + 3, t.after);
    std::copy(now, now + 3, t.before);
    if (auto r = raised_.find(id); r != raised_.end()) {
      t.before[0] = r->second.before.shares;
      t.before[1] = r->second.before.likes;
      t.before[2] = r->second.before.replies;
    }
    return &t;
  };

  for (const New& n : inserted_) {
    const MentionInput& d = n.m->data;
    const std::string platform(ToString(d.platform));
    std::string key = AsciiLower(d.author_handle);
    Engagement e{d.shares, d.likes, d.replies};
    if (auto r = raised_.find(n.id); r != raised_.end()) e = r->second.after;
    // Reactions stored before (or in) this batch: children name their parent by external id.
    std::int64_t observed = 0;
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlChildrenByOthers));
      st.Bind(platform).Bind(d.external_id).Bind(key);
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) observed = st.Int(0);
    }
    if (observed > 0) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlObservedSet));
      HUMAS_RETURN_IF_ERROR(st.Bind(n.id).Bind(observed).Run());
    }
    // This mention as a reaction to an earlier stored parent (one of this batch counted itself).
    for (const std::string* parent : {&d.in_reply_to, &d.shared_from}) {
      if (parent->empty()) continue;
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlParent));
      st.Bind(platform).Bind(*parent);
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) continue;
      const Id pid = st.Int(0);
      std::string handle = st.Text(1);
      if (new_ids.count(pid) || AsciiLower(handle) == key) continue;
      const std::int64_t now[3] = {st.Int(5), st.Int(6), st.Int(7)};
      Touched* t =
          touch_stored(pid, std::move(handle), st.Text(2), st.Int(3), st.Int(4), platform, now);
      ++t->new_observed;
    }

    const MentionClass c = ClassOf(d);
    AuthorAgg& a = authors[AuthorKey{DayOf(d.created_at), n.m->agency_id.value_or(0), platform,
                                     std::move(key)}];
    a.Saw(d.author_handle, d.author_name, d.created_at);
    ++a.mentions;
    a.shares += c.share;
    a.replies += c.reply;
    a.originals += !c.share && !c.reply;
    a.critical += c.critical;
    a.likes_sum += e.likes;
    a.shares_sum += e.shares;
    a.replies_sum += e.replies;
    a.observed += observed;
    a.influence += Influence(e.likes, e.shares, e.replies, observed);
    if (d.author_followers)
      a.followers = std::max(a.followers.value_or(*d.author_followers), *d.author_followers);
  }

  for (const auto& [id, r] : raised_) {
    if (new_ids.count(id) || touched.count(id)) continue;
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlMentionKey));
    st.Bind(id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Internal("raised mention " + std::to_string(id) + " vanished");
    const std::int64_t now[3] = {r.after.shares, r.after.likes, r.after.replies};
    touch_stored(id, st.Text(0), st.Text(1), st.Int(2), st.Int(3), st.Text(4), now);
  }

  for (const auto& [id, t] : touched) {
    std::int64_t observed = 0;
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlObservedGet));
      st.Bind(id);
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) observed = st.Int(0);
    }
    if (t.new_observed > 0) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlObservedSet));
      HUMAS_RETURN_IF_ERROR(st.Bind(id).Bind(observed + t.new_observed).Run());
    }
    AuthorAgg& a = authors[t.key];
    a.Saw(t.handle, t.name, t.created_at);
    a.shares_sum += t.after[0] - t.before[0];
    a.likes_sum += t.after[1] - t.before[1];
    a.replies_sum += t.after[2] - t.before[2];
    a.observed += t.new_observed;
    a.influence += Influence(t.after[1], t.after[0], t.after[2], observed + t.new_observed) -
                   Influence(t.before[1], t.before[0], t.before[2], observed);
  }

  // In primary-key order.
  for (const auto& [key, a] : authors) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlAuthorAdd));
    st.Bind(std::get<0>(key)).Bind(std::get<1>(key)).Bind(std::get<2>(key)).Bind(std::get<3>(key));
    st.Bind(a.handle).Bind(a.name).Bind(a.mentions).Bind(a.originals).Bind(a.shares);
    st.Bind(a.replies).Bind(a.critical).Bind(a.likes_sum).Bind(a.shares_sum).Bind(a.replies_sum);
    st.Bind(a.observed).Bind(a.influence).Bind(a.followers).Bind(a.first_at).Bind(a.last_at);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }

  // Near-duplicate cluster sizes (migration 0028), in primary-key order.
  for (const auto& [key, n] : copies_) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCopiesAdd));
    HUMAS_RETURN_IF_ERROR(st.Bind(key.first).Bind(key.second).Bind(n).Run());
  }

  // The agency topics: each new mention once per agency whose queries it matched.
  std::vector<Id> query_ids;
  for (const New& n : inserted_)
    query_ids.insert(query_ids.end(), n.m->query_ids.begin(), n.m->query_ids.end());
  if (query_ids.empty()) return Status::Ok();
  std::sort(query_ids.begin(), query_ids.end());
  query_ids.erase(std::unique(query_ids.begin(), query_ids.end()), query_ids.end());
  std::string ids_json = "[";
  for (Id q : query_ids) ids_json += (ids_json.size() > 1 ? "," : "") + std::to_string(q);
  ids_json += "]";
  std::unordered_map<Id, Id> agency_of;  // a query deleted meanwhile has none: not counted
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlQueryAgencies));
    st.Bind(ids_json);
    while (true) {
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      agency_of[st.Int(0)] = st.Int(1);
    }
  }
  std::map<TopicKey, std::int64_t> topics;
  std::vector<Id> agencies;
  for (const New& n : inserted_) {
    agencies.clear();
    for (Id q : n.m->query_ids)
      if (auto it = agency_of.find(q); it != agency_of.end()) agencies.push_back(it->second);
    std::sort(agencies.begin(), agencies.end());
    agencies.erase(std::unique(agencies.begin(), agencies.end()), agencies.end());
    for (Id agency : agencies)
      ++topics[TopicKey{agency, HourOf(n.m->data.created_at), n.m->data.labels.sentiment}];
  }
  for (const auto& [key, count] : topics) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlTopicAdd));
    st.Bind(std::get<0>(key)).Bind(std::get<1>(key)).Bind(std::get<2>(key)).Bind(count);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

}  // namespace humas::store::sqlite
