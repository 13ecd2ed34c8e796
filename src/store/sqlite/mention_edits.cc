// SQLite side of edited mentions: UpsertBatch's edit path (a newer version of an already stored
// mention replaces its text, labels and query matches, moving every counter as if the old version
// were deleted and the new one added) and the edit history read by the mention detail.
#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_map>

#include "search/agency_query.h"
#include "store/sqlite/rollups.h"
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {
namespace {

constexpr char kSqlStoredVersion[] =
    "SELECT text, coalesce(edited_at, created_at), created_at, "
    "coalesce(agency_id, 0), platform, sentiment, input_kind FROM mentions WHERE id = ?";
constexpr char kSqlEditInsert[] =
    "INSERT INTO mention_edits (mention_id, text, version_at, replaced_at) VALUES (?, ?, ?, ?)";
// The FTS row follows the text through the mentions_fts_au trigger (migration 0001).
constexpr char kSqlApplyVersion[] =
    "UPDATE mentions SET text = ?, sentiment = ?, sentiment_confidence = ?, input_kind = ?, "
    "input_kind_confidence = ?, hoax_score = ?, has_personal_data = ?, edited_at = ? "
    "WHERE id = ?";
constexpr char kSqlEditedAtOnly[] = "UPDATE mentions SET edited_at = ? WHERE id = ?";
constexpr char kSqlRollupAdd[] =
    "INSERT INTO rollup_hourly (hour, agency_id, platform, sentiment, count) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hour, agency_id, platform, sentiment) "
    "DO UPDATE SET count = count + excluded.count";
constexpr char kSqlMatchesOf[] =
    "SELECT query_id FROM mention_queries WHERE mention_id = ? ORDER BY query_id";
constexpr char kSqlMatchDelete[] =
    "DELETE FROM mention_queries WHERE query_id = ? AND mention_id = ?";
constexpr char kSqlMatchInsert[] =
    "INSERT OR IGNORE INTO mention_queries (query_id, mention_id) VALUES (?, ?)";
constexpr char kSqlQueryHourlyAdd[] =
    "INSERT INTO query_hourly (query_id, hour, sentiment, count) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (query_id, hour, sentiment) DO UPDATE SET count = count + excluded.count";
constexpr char kSqlQueryAgencies[] =
    "SELECT id, agency_id FROM agency_queries WHERE id IN (SELECT value FROM json_each(?))";
constexpr char kSqlMentionByKey[] =
    "SELECT id, created_at, sentiment FROM mentions WHERE platform = ? AND external_id = ?";
constexpr char kSqlEditsOf[] =
    "SELECT text, version_at, replaced_at FROM mention_edits WHERE mention_id = ? ORDER BY id";

struct StoredVersion {
  std::string text;
  UnixMillis version_at = 0;  //!< edited_at, or created_at for the first version
  UnixMillis created_at = 0;
  Id agency = 0;
  std::string platform;
  std::string sentiment;
  std::string input_kind;
};

Result<StoredVersion> LoadVersion(Connection& conn, Id id) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlStoredVersion));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Internal("mention " + std::to_string(id) + " vanished during an edit");
  return StoredVersion{st.Text(0), st.Int(1),  st.Int(2), st.Int(3),
                       st.Text(4), st.Text(5), st.Text(6)};
}

Status AddToRollup(Connection& conn, const StoredVersion& v, const std::string& sentiment,
                   std::int64_t delta) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlRollupAdd));
  st.Bind(HourOf(v.created_at)).Bind(v.agency).Bind(v.platform).Bind(sentiment).Bind(delta);
  return st.Run();
}

Status AddToQueryHour(Connection& conn, Id query, UnixMillis hour, const std::string& sentiment,
                      std::int64_t delta) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlQueryHourlyAdd));
  return st.Bind(query).Bind(hour).Bind(sentiment).Bind(delta).Run();
}

//! The agency of each of `queries` that still exists (a deleted query counts for no agency).
Result<std::unordered_map<Id, Id>> AgenciesOf(Connection& conn, const std::vector<Id>& queries) {
  std::unordered_map<Id, Id> agency_of;
  if (queries.empty()) return agency_of;
  std::string ids = "[";
  for (Id q : queries) ids += (ids.size() > 1 ? "," : "") + std::to_string(q);
  ids += "]";
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlQueryAgencies));
  st.Bind(ids);
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return agency_of;
    agency_of[st.Int(0)] = st.Int(1);
  }
}

//! The agency topic counters (agency_topic_hourly: a mention once per agency whose queries it
//! matched, by sentiment): the old version leaves those of its matches, the new one joins those
//! of its matches; pairs that cancel write nothing.
Status MoveTopics(Connection& conn, UnixMillis hour, const std::vector<Id>& before,
                  const std::string& old_sentiment, const std::vector<Id>& after,
                  const std::string& new_sentiment) {
  std::vector<Id> all = before;
  all.insert(all.end(), after.begin(), after.end());
  HUMAS_ASSIGN_OR_RETURN(auto agency_of, AgenciesOf(conn, all));
  auto agencies = [&](const std::vector<Id>& queries) {
    std::vector<Id> out;
    for (Id q : queries)
      if (auto it = agency_of.find(q); it != agency_of.end()) out.push_back(it->second);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  std::map<std::pair<Id, std::string>, std::int64_t> delta;
  for (Id a : agencies(before)) --delta[{a, old_sentiment}];
  for (Id a : agencies(after)) ++delta[{a, new_sentiment}];
  for (const auto& [key, d] : delta) {
    if (d == 0) continue;
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlTopicAdd));
    HUMAS_RETURN_IF_ERROR(st.Bind(key.first).Bind(hour).Bind(key.second).Bind(d).Run());
  }
  return Status::Ok();
}

//! Replaces the mention's query matches by `now_matched`, moving the per-query and agency topic
//! counters.
Status MoveMatches(Connection& conn, Id id, const StoredVersion& old, const MentionInput& d,
                   std::vector<Id> now_matched) {
  std::vector<Id> before;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlMatchesOf));
    st.Bind(id);
    while (true) {
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      before.push_back(st.Int(0));
    }
  }
  std::sort(now_matched.begin(), now_matched.end());
  now_matched.erase(std::unique(now_matched.begin(), now_matched.end()), now_matched.end());
  const UnixMillis hour = HourOf(old.created_at);
  for (Id q : before) {
    if (!std::binary_search(now_matched.begin(), now_matched.end(), q)) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlMatchDelete));
      HUMAS_RETURN_IF_ERROR(st.Bind(q).Bind(id).Run());
    }
    HUMAS_RETURN_IF_ERROR(AddToQueryHour(conn, q, hour, old.sentiment, -1));
  }
  for (Id q : now_matched) {
    if (!std::binary_search(before.begin(), before.end(), q)) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlMatchInsert));
      HUMAS_RETURN_IF_ERROR(st.Bind(q).Bind(id).Run());
    }
    HUMAS_RETURN_IF_ERROR(AddToQueryHour(conn, q, hour, d.labels.sentiment, 1));
  }
  return MoveTopics(conn, hour, before, old.sentiment, now_matched, d.labels.sentiment);
}

}  // namespace

std::vector<std::string> EditWords(std::string_view text) {
  // Links out: the platform may have expanded a shortened one (t.co → the page), which changes
  // no word of the question.
  std::string kept;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find_first_of(" \t\r\n\f\v", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view token = text.substr(i, end - i);
    std::string lower(token.substr(0, std::min<size_t>(token.size(), 8)));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t lead = lower.find_first_not_of("([{<\"'");
    const bool www = lead != std::string::npos && lower.compare(lead, 4, "www.") == 0;
    if (!token.empty() && token.find("://") == std::string_view::npos && !www) {
      kept.append(token);
      kept.push_back(' ');
    }
    i = end + 1;
  }
  const std::string folded = search::FoldForMatch(kept);
  std::vector<std::string> words;
  std::string word;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(folded.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {  // FoldForMatch gives valid UTF-8; be safe anyway
      n = 1;
      cp = -1;
    }
    bool in_word = false;
    if (cp >= 0) {
      switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
          in_word = true;
          break;
        default:
          break;
      }
    }
    if (in_word) {
      word.append(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
    p += n;
    left -= n;
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool WordsChanged(std::string_view before, std::string_view after) {
  return EditWords(before) != EditWords(after);
}

Status ApplyMentionEdits(Connection& conn, const std::vector<Mention>& mentions,
                         const std::vector<std::pair<size_t, Id>>& edited, UnixMillis now,
                         std::vector<UpsertOutcome>* out, std::vector<AppliedEdit>* applied) {
  for (const auto& [i, id] : edited) {
    const Mention& m = mentions[i];
    const MentionInput& d = m.data;
    HUMAS_ASSIGN_OR_RETURN(StoredVersion old, LoadVersion(conn, id));
    // Only a newer version counts: replays and late deliveries of older ones change nothing.
    if (d.edited_at <= old.version_at) continue;
    // Read again by a pull of a platform that marks no edits: only changed words are an edit.
    if (d.edit_observed && d.text == old.text) continue;
    if ((*out)[i].kind != UpsertOutcome::Kind::kInserted)
      (*out)[i].kind = UpsertOutcome::Kind::kUpdated;
    if (d.text == old.text) {  // a new version with the same words (e.g. media edited)
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlEditedAtOnly));
      HUMAS_RETURN_IF_ERROR(st.Bind(d.edited_at).Bind(id).Run());
      continue;
    }
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlEditInsert));
      HUMAS_RETURN_IF_ERROR(st.Bind(id).Bind(old.text).Bind(old.version_at).Bind(now).Run());
    }
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlApplyVersion));
      st.Bind(d.text).Bind(d.labels.sentiment).Bind(d.labels.sentiment_confidence);
      st.Bind(d.labels.input_kind).Bind(d.labels.input_kind_confidence);
      st.Bind(d.labels.hoax_score).Bind(d.labels.has_personal_data).Bind(d.edited_at).Bind(id);
      HUMAS_RETURN_IF_ERROR(st.Run());
    }
    if (old.sentiment != d.labels.sentiment) {
      HUMAS_RETURN_IF_ERROR(AddToRollup(conn, old, old.sentiment, -1));
      HUMAS_RETURN_IF_ERROR(AddToRollup(conn, old, d.labels.sentiment, 1));
    }
    if (old.sentiment != d.labels.sentiment || old.input_kind != d.labels.input_kind) {
      HUMAS_RETURN_IF_ERROR(MoveCriticalReply(conn, id, old.sentiment, old.input_kind,
                                              d.labels.sentiment, d.labels.input_kind));
    }
    HUMAS_RETURN_IF_ERROR(MoveMatches(conn, id, old, d, m.query_ids));
    (*out)[i].edited = true;
    applied->push_back({i, id, old.agency, std::move(old.input_kind), std::move(old.text)});
  }
  return Status::Ok();
}

Result<std::vector<Id>> SqliteMentionRepository::RecordMatches(Platform platform,
                                                               const std::string& external_id,
                                                               std::vector<Id> query_ids) {
  std::sort(query_ids.begin(), query_ids.end());
  query_ids.erase(std::unique(query_ids.begin(), query_ids.end()), query_ids.end());
  std::vector<Id> added;
  if (query_ids.empty()) return added;
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  Id id = 0;
  UnixMillis created_at = 0;
  std::string sentiment;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlMentionByKey));
    st.Bind(ToString(platform)).Bind(external_id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("no stored mention " + external_id);
    id = st.Int(0);
    created_at = st.Int(1);
    sentiment = st.Text(2);
  }
  std::vector<Id> before;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlMatchesOf));
    st.Bind(id);
    while (true) {
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      before.push_back(st.Int(0));
    }
  }
  const UnixMillis hour = HourOf(created_at);
  for (Id q : query_ids) {
    if (std::binary_search(before.begin(), before.end(), q)) continue;
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlMatchInsert));
    HUMAS_RETURN_IF_ERROR(st.Bind(q).Bind(id).Run());
    HUMAS_RETURN_IF_ERROR(AddToQueryHour(*conn, q, hour, sentiment, 1));
    added.push_back(q);
  }
  if (added.empty()) return added;
  std::vector<Id> after = before;
  after.insert(after.end(), added.begin(), added.end());
  // The agency topic counters gain the agencies the mention was not counted for yet.
  HUMAS_RETURN_IF_ERROR(MoveTopics(*conn, hour, before, sentiment, after, sentiment));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return added;
}

Result<std::vector<MentionEdit>> SqliteMentionRepository::Edits(Id mention_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlEditsOf));
  st.Bind(mention_id);
  std::vector<MentionEdit> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back({st.Text(0), st.Int(1), st.Int(2)});
  }
}

}  // namespace humas::store::sqlite
