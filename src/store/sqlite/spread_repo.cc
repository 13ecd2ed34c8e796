// SQLite SpreadRepository (cascades, author activity) and CorrectionRepository (label
// corrections). Cascades walk the partial indexes of migration 0007; nothing is materialised, so
// out-of-order arrival needs no repair.
#include "store/sqlite/spread_repo.h"

#include <algorithm>
#include <deque>
#include <set>

#include "store/sqlite/rollups.h"

namespace humas::store {

std::string_view ToString(CascadeLink l) {
  switch (l) {
    case CascadeLink::kRoot:
      return "root";
    case CascadeLink::kReply:
      return "reply";
    case CascadeLink::kShare:
      return "share";
  }
  return "root";
}

const std::string& ParentExternalId(const MentionInput& m) {
  return m.shared_from.empty() ? m.in_reply_to : m.shared_from;
}

std::string_view ToString(LabelTask t) {
  switch (t) {
    case LabelTask::kSentiment:
      return "sentiment";
    case LabelTask::kKind:
      return "kind";
    case LabelTask::kHoax:
      return "hoax";
  }
  return "sentiment";
}

std::optional<LabelTask> ParseLabelTask(std::string_view s) {
  if (s == "sentiment") return LabelTask::kSentiment;
  if (s == "kind") return LabelTask::kKind;
  if (s == "hoax") return LabelTask::kHoax;
  return std::nullopt;
}

const std::vector<std::string>& LabelValues(LabelTask t) {
  static const std::vector<std::string> kSentiment = {"positive", "neutral", "negative"};
  static const std::vector<std::string> kKind = {"pertanyaan", "keluhan",   "kritik",
                                                 "saran",      "apresiasi", "lainnya"};
  static const std::vector<std::string> kHoax = {"hoax", "not_hoax"};
  switch (t) {
    case LabelTask::kSentiment:
      return kSentiment;
    case LabelTask::kKind:
      return kKind;
    case LabelTask::kHoax:
      return kHoax;
  }
  return kSentiment;
}

namespace sqlite {
namespace {

//! A read transaction: the statements until its end see one snapshot while writers go on (WAL).
class ReadTx {
 public:
  explicit ReadTx(Connection& conn) : conn_(conn) {}
  ~ReadTx() {
    if (open_) (void)conn_.Exec("COMMIT");
  }
  ReadTx(const ReadTx&) = delete;
  ReadTx& operator=(const ReadTx&) = delete;
  Status Begin() {
    HUMAS_RETURN_IF_ERROR(conn_.Exec("BEGIN"));
    open_ = true;
    return Status::Ok();
  }

 private:
  Connection& conn_;
  bool open_ = false;
};

constexpr int kMaxCascadeNodes = 20000;
constexpr int kMaxParentHops = 10000;
constexpr UnixMillis kDayMs = 86'400'000;

constexpr char kSqlByExternalId[] = "WHERE m.platform = ? AND m.external_id = ?";
// Children of one parent: replies, then (UNION ALL) shares, oldest first (column 8 is created_at,
// 1 the id). Two arms, not an OR: with an OR SQLite scans the platform instead of using the
// partial indexes (the `<> ''` conditions are what let it use them).
constexpr char kSqlReplyChildren[] =
    "WHERE m.platform = ?1 AND m.in_reply_to = ?2 AND m.in_reply_to <> '' UNION ALL ";
constexpr char kSqlShareChildren[] =
    "WHERE m.platform = ?1 AND m.shared_from = ?2 AND m.shared_from <> '' ORDER BY 8, 1";

// Author activity. ?1 = window start (day and week buckets are counted from it; the window is
// whole UTC days). The top authors without a topic read the per-day author counters kept at ingest
// (migration 0016, rollups_batch.cc): a GROUP BY over the window's counter rows. One author's
// profile reads that author's mentions in the window through mentions_author (the counters have
// no per-author index since migration 0017: its upkeep cost every stored mention more than this
// bounded read costs a profile).
constexpr char kSqlCountersHead[] =
    "SELECT platform, max(handle), max(name), sum(mentions), sum(shares), sum(replies), "
    "sum(critical_replies), count(DISTINCT day), "
    "count(DISTINCT CASE WHEN originals > 0 THEN (day - ?1) / 604800000 END), "
    "sum(likes_sum), sum(shares_sum), sum(replies_sum), sum(observed), sum(influence), "
    "max(followers), min(first_at), max(last_at) "
    "FROM author_daily WHERE day >= ?1 AND day < ?2";
constexpr char kSqlCountersTail[] = " GROUP BY platform, author_key";
// The same over raw mentions: one author's profile (the author's mentions in the window, through
// mentions_author), and any ranking with a hashtag topic (counters per hashtag would add an upsert
// per hashtag to every stored mention). Each mention's observed reactions come from the
// mention_observed counter instead of probing its children.
constexpr char kSqlTopicHead[] =
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
    "coalesce((SELECT o.observed FROM mention_observed o WHERE o.mention_id = m.id), 0) "
    "AS observed ";
// One author: the author index gives the rows; a topic is checked per row (below).
constexpr char kSqlAuthorFrom[] = "FROM mentions m WHERE m.created_at >= ?1 AND m.created_at < ?2";
// A topic ranking: the candidates are the newest ?4 mentions containing the word ?3 (the
// full-text index read newest rowid first, stopping at the cap), each then read by primary key.
// CROSS JOIN keeps that order: a scan of the window (unbounded) is never chosen.
constexpr char kSqlTopicFrom[] =
    "FROM (SELECT rowid AS id FROM mentions_fts WHERE mentions_fts MATCH ?3 "
    "ORDER BY rowid DESC LIMIT ?4) c CROSS JOIN mentions m ON m.id = c.id "
    "WHERE m.created_at >= ?1 AND m.created_at < ?2";
// How many candidates there are, up to the cap + 1 (the cap was reached when cap + 1).
constexpr char kSqlTopicCandidates[] =
    "SELECT count(*) FROM (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? "
    "ORDER BY rowid DESC LIMIT ?)";
// "#word" followed by a non-word character (so #gizi does not match #gizibaik).
constexpr char kSqlHashtagGlob[] = " AND (lower(m.text) || ' ') GLOB ?";
// An author's mention contains the word (one full-text probe of this rowid).
constexpr char kSqlHasWord[] =
    " AND EXISTS (SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH ? AND rowid = m.id)";
constexpr char kSqlTopicTail[] = ") GROUP BY platform, lower(author_handle)";
// Influence, then mentions, then the handle; platform last makes the order total.
constexpr char kSqlActivityOrder[] = " ORDER BY 14 DESC, 4 DESC, 2, 1 LIMIT ";

constexpr char kSqlMentionLabels[] =
    "SELECT sentiment, sentiment_confidence, input_kind, input_kind_confidence, hoax_score, "
    "created_at, coalesce(agency_id, 0), platform FROM mentions WHERE id = ?";
constexpr char kSqlSetSentiment[] =
    "UPDATE mentions SET sentiment = ?, sentiment_confidence = 1 WHERE id = ?";
constexpr char kSqlSetKind[] =
    "UPDATE mentions SET input_kind = ?, input_kind_confidence = 1 WHERE id = ?";
constexpr char kSqlSetHoax[] = "UPDATE mentions SET hoax_score = ? WHERE id = ?";
constexpr char kSqlRollupAdd[] =
    "INSERT INTO rollup_hourly (hour, agency_id, platform, sentiment, count) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hour, agency_id, platform, sentiment) "
    "DO UPDATE SET count = count + excluded.count";
constexpr char kSqlCorrectionInsert[] =
    "INSERT INTO label_corrections (mention_id, task, old_value, old_confidence, new_value, "
    "user_id, username, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlCorrectionsOfMention[] =
    "SELECT id, mention_id, task, old_value, old_confidence, new_value, user_id, username, note, "
    "at FROM label_corrections WHERE mention_id = ? ORDER BY id";
// The latest correction per mention for a task (max(id) picks its row: SQLite's bare-column rule),
// one page after a mention id: a range of the label_corrections_task index (task, mention_id, id).
constexpr char kSqlExamples[] =
    "SELECT c.mention_id, m.text, c.new_value, max(c.id) FROM label_corrections c "
    "JOIN mentions m ON m.id = c.mention_id WHERE c.task = ? AND c.mention_id > ? "
    "GROUP BY c.mention_id ORDER BY c.mention_id LIMIT ?";

Result<AuthorActivity> ReadActivity(const Stmt& st) {
  AuthorActivity a;
  auto platform = ParsePlatform(st.Text(0));
  if (!platform) return BadEnum("platform", st.Text(0));
  a.platform = *platform;
  a.handle = st.Text(1);
  a.name = st.Text(2);
  a.mentions = st.Int(3);
  a.shares = st.Int(4);
  a.replies = st.Int(5);
  a.originals = a.mentions - a.shares - a.replies;
  a.critical_replies = st.Int(6);
  a.active_days = st.Int(7);
  a.original_weeks = st.Int(8);
  a.likes_received = st.Int(9);
  a.shares_received = st.Int(10);
  a.replies_received = st.Int(11);
  a.reactions_observed = st.Int(12);
  a.influence = st.Int(13);
  a.followers = st.OptInt(14);
  a.first_at = st.Int(15);
  a.last_at = st.Int(16);
  return a;
}

std::string FtsWord(const std::string& tag) { return "\"" + AsciiLower(tag) + "\""; }

}  // namespace

//! The statement for `f` up to its GROUP BY (counters, the author's mentions, or a topic's
//! candidates), with the window (bound as ?1/?2) widened to whole UTC days, plus `author`
//! conditions when not empty.
std::string ActivitySql(const ActivityFilter& f, const std::string& author_platform,
                        const std::string& author, std::vector<BindValue>* binds) {
  const bool topic = !f.hashtag.empty();
  const bool raw = topic || !author.empty();  // mentions, not the counters
  const bool candidates = topic && author.empty();
  const std::string p = raw ? "m." : "";
  std::string sql = raw ? kSqlTopicHead : kSqlCountersHead;
  if (raw) sql += candidates ? kSqlTopicFrom : kSqlAuthorFrom;
  *binds = {DayOf(f.since), DayOf(f.until - 1) + kDayMs};
  if (candidates) {
    binds->push_back(FtsWord(f.hashtag));
    binds->push_back(f.topic_cap);
  }
  if (!author.empty()) {
    sql += " AND m.platform = ? AND m.author_handle = ? COLLATE NOCASE";  // mentions_author
    binds->push_back(author_platform);
    binds->push_back(AsciiLower(author));
  }
  if (f.agency_ids) {
    sql += " AND (";
    AppendIdsIn(&sql, binds, p + "agency_id", *f.agency_ids);
    if (f.include_unassigned) sql += raw ? " OR m.agency_id IS NULL" : " OR agency_id = 0";
    sql += ")";
  }
  if (topic) {
    if (!candidates) {
      sql += kSqlHasWord;
      binds->push_back(FtsWord(f.hashtag));
    }
    sql += kSqlHashtagGlob;
    binds->push_back("*#" + AsciiLower(f.hashtag) + "[^a-z0-9_]*");
  }
  return sql + (raw ? kSqlTopicTail : kSqlCountersTail);
}

namespace {

Status CheckHashtag(const std::string& tag) {
  if (tag.size() > 100) return InvalidArgument("topic is too long").WithField("topic");
  for (unsigned char c : tag) {
    if (!std::isalnum(c) && c != '_')
      return InvalidArgument("a hashtag topic has only letters, digits and _").WithField("topic");
  }
  return Status::Ok();
}

}  // namespace

Result<Cascade> SqliteSpreadRepository::GetCascade(Id mention_id, int max_nodes) {
  max_nodes = std::clamp(max_nodes, 1, kMaxCascadeNodes);
  auto conn = ctx_.pool->Acquire();
  const std::string by_id = MentionSelectSql() + "WHERE m.id = ?";
  const std::string by_external = MentionSelectSql() + kSqlByExternalId;
  const std::string children_sql =
      MentionSelectSql() + kSqlReplyChildren + MentionSelectSql() + kSqlShareChildren;

  Mention current;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(by_id));
    st.Bind(mention_id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("mention " + std::to_string(mention_id) + " does not exist");
    HUMAS_ASSIGN_OR_RETURN(current, ReadMention(st));
  }
  Cascade out;
  // Up to the root; a cycle of ids (malformed data) stops at the first repeat.
  std::set<Id> seen = {current.id};
  for (int hop = 0; hop < kMaxParentHops; ++hop) {
    const std::string parent_ext = ParentExternalId(current.data);
    if (parent_ext.empty()) break;
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(by_external));
    const std::string platform(ToString(current.data.platform));
    st.Bind(platform).Bind(parent_ext);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      out.missing_parent = parent_ext;
      break;
    }
    HUMAS_ASSIGN_OR_RETURN(Mention parent, ReadMention(st));
    if (!seen.insert(parent.id).second) break;
    current = std::move(parent);
  }

  // Down, breadth first.
  seen.clear();
  seen.insert(current.id);
  out.nodes.push_back({std::move(current), 0, CascadeLink::kRoot, 0});
  for (size_t next = 0; next < out.nodes.size(); ++next) {
    const Id parent_id = out.nodes[next].mention.id;
    const int depth = out.nodes[next].depth + 1;
    const std::string platform(ToString(out.nodes[next].mention.data.platform));
    const std::string external_id = out.nodes[next].mention.data.external_id;
    std::vector<Mention> children;
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(children_sql));
      st.Bind(platform).Bind(external_id);
      while (true) {
        HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        HUMAS_ASSIGN_OR_RETURN(Mention child, ReadMention(st));
        // A quote that also replies hangs under what it shares only.
        if (ParentExternalId(child.data) != external_id) continue;
        children.push_back(std::move(child));
      }
    }
    for (Mention& child : children) {
      if (!seen.insert(child.id).second) continue;
      if (static_cast<int>(out.nodes.size()) >= max_nodes) {
        out.truncated = true;
        return out;
      }
      CascadeLink link = child.data.shared_from.empty() ? CascadeLink::kReply : CascadeLink::kShare;
      out.nodes.push_back({std::move(child), parent_id, link, depth});
    }
  }
  return out;
}

Result<std::vector<AuthorActivity>> SqliteSpreadRepository::TopAuthors(const ActivityFilter& f,
                                                                       int limit,
                                                                       TopicCoverage* coverage) {
  HUMAS_RETURN_IF_ERROR(CheckHashtag(f.hashtag));
  if (f.topic_cap < 1) return InvalidArgument("the topic cap must be positive");
  limit = std::clamp(limit, 1, 200);
  std::vector<BindValue> binds;
  std::string sql = ActivitySql(f, "", "", &binds) + kSqlActivityOrder + std::to_string(limit);
  auto conn = ctx_.pool->Acquire();
  // One read transaction: the candidate count and the ranking see the same mentions.
  ReadTx read(*conn);
  HUMAS_RETURN_IF_ERROR(read.Begin());
  if (coverage) *coverage = {};
  if (coverage && !f.hashtag.empty()) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlTopicCandidates));
    const std::string word = FtsWord(f.hashtag);  // bound without a copy: lives past Step()
    st.Bind(word).Bind(f.topic_cap + 1);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    std::int64_t n = row ? st.Int(0) : 0;
    coverage->capped = n > f.topic_cap;
    coverage->candidates = std::min(n, f.topic_cap);
  }
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(sql));
  BindAll(st, binds);
  std::vector<AuthorActivity> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    HUMAS_ASSIGN_OR_RETURN(AuthorActivity a, ReadActivity(st));
    out.push_back(std::move(a));
  }
}

Result<AuthorActivity> SqliteSpreadRepository::Author(Platform platform, const std::string& handle,
                                                      const ActivityFilter& f) {
  HUMAS_RETURN_IF_ERROR(CheckHashtag(f.hashtag));
  AuthorActivity none;
  none.platform = platform;
  none.handle = handle;
  std::vector<BindValue> binds;
  std::string sql = ActivitySql(f, std::string(ToString(platform)), handle, &binds);
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(sql));
  BindAll(st, binds);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return none;
  return ReadActivity(st);
}

Status SqliteCorrectionRepository::Apply(LabelCorrection* c) {
  const auto& allowed = LabelValues(c->task);
  if (std::find(allowed.begin(), allowed.end(), c->new_value) == allowed.end()) {
    std::string list;
    for (const auto& v : allowed) list += (list.empty() ? "" : ", ") + v;
    return InvalidArgument("value for " + std::string(ToString(c->task)) + " must be one of " +
                           list)
        .WithField("value");
  }
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  std::string sentiment, input_kind, platform;
  UnixMillis created_at = 0;
  Id agency = 0;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlMentionLabels));
    st.Bind(c->mention_id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("mention " + std::to_string(c->mention_id) + " does not exist");
    sentiment = st.Text(0);
    input_kind = st.Text(2);
    switch (c->task) {
      case LabelTask::kSentiment:
        c->old_value = sentiment;
        c->old_confidence = st.Double(1);
        break;
      case LabelTask::kKind:
        c->old_value = input_kind;
        c->old_confidence = st.Double(3);
        break;
      case LabelTask::kHoax:
        c->old_value = st.Double(4) >= 0.5 ? "hoax" : "not_hoax";
        c->old_confidence = st.Double(4);
        break;
    }
    created_at = st.Int(5);
    agency = st.Int(6);
    platform = st.Text(7);
  }
  // A hoax score that is not exactly 0 or 1 came from the model: confirming it is a correction.
  const bool hoax_decided = c->old_confidence == 0 || c->old_confidence == 1;
  if (c->old_value == c->new_value && (c->task != LabelTask::kHoax || hoax_decided)) {
    return FailedPrecondition("the " + std::string(ToString(c->task)) + " label is already " +
                              c->new_value)
        .WithField("value");
  }
  switch (c->task) {
    case LabelTask::kSentiment: {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSetSentiment));
      HUMAS_RETURN_IF_ERROR(st.Bind(c->new_value).Bind(c->mention_id).Run());
      // Keep the dashboard counters equal to the stored labels.
      for (const auto& [label, delta] :
           {std::pair<const std::string&, std::int64_t>{sentiment, -1},
            std::pair<const std::string&, std::int64_t>{c->new_value, 1}}) {
        HUMAS_ASSIGN_OR_RETURN(Stmt r, conn->Prepare(kSqlRollupAdd));
        r.Bind(HourOf(created_at)).Bind(agency).Bind(platform).Bind(label).Bind(delta);
        HUMAS_RETURN_IF_ERROR(r.Run());
      }
      HUMAS_RETURN_IF_ERROR(MoveCorrectedLabels(*conn, c->mention_id, sentiment, input_kind,
                                                c->new_value, input_kind));
      break;
    }
    case LabelTask::kKind: {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSetKind));
      HUMAS_RETURN_IF_ERROR(st.Bind(c->new_value).Bind(c->mention_id).Run());
      HUMAS_RETURN_IF_ERROR(MoveCorrectedLabels(*conn, c->mention_id, sentiment, input_kind,
                                                sentiment, c->new_value));
      break;
    }
    case LabelTask::kHoax: {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSetHoax));
      HUMAS_RETURN_IF_ERROR(st.Bind(c->new_value == "hoax" ? 1.0 : 0.0).Bind(c->mention_id).Run());
      break;
    }
  }
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCorrectionInsert));
    st.Bind(c->mention_id).Bind(ToString(c->task)).Bind(c->old_value).Bind(c->old_confidence);
    st.Bind(c->new_value).Bind(c->user_id).Bind(c->username).Bind(c->note).Bind(c->at);
    HUMAS_RETURN_IF_ERROR(st.Run());
    c->id = sqlite3_last_insert_rowid(conn->raw());
  }
  return tx.Commit();
}

Result<std::vector<LabelCorrection>> SqliteCorrectionRepository::ForMention(Id mention_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCorrectionsOfMention));
  st.Bind(mention_id);
  std::vector<LabelCorrection> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    LabelCorrection c;
    c.id = st.Int(0);
    c.mention_id = st.Int(1);
    auto task = ParseLabelTask(st.Text(2));
    if (!task) return BadEnum("label task", st.Text(2));
    c.task = *task;
    c.old_value = st.Text(3);
    c.old_confidence = st.Double(4);
    c.new_value = st.Text(5);
    c.user_id = st.OptInt(6);
    c.username = st.Text(7);
    c.note = st.Text(8);
    c.at = st.Int(9);
    out.push_back(std::move(c));
  }
}

Result<std::vector<CorrectedExample>> SqliteCorrectionRepository::Examples(LabelTask task, Id after,
                                                                           int limit) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlExamples));
  st.Bind(ToString(task)).Bind(after).Bind(std::int64_t{std::clamp(limit, 1, 10000)});
  std::vector<CorrectedExample> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back({st.Int(0), st.Text(1), st.Text(2)});
  }
}

}  // namespace sqlite
}  // namespace humas::store
