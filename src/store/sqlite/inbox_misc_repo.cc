// SQLite InboxRepository, part 2: replies, ready answers (FTS5 suggestions), notifications,
// holiday overrides, inbox settings and the facts behind the responsiveness figures.
#include <algorithm>
#include <cctype>
#include <set>

#include "core/clock.h"
#include "store/sqlite/fts_query.h"
#include "store/sqlite/inbox_repo.h"
#include "store/sqlite/outbox.h"

namespace humas::store::sqlite {
namespace {

constexpr char kReplyCols[] =
    "id, case_id, text, state, idempotency_key, answer_id, created_by, approved_by, attempts, "
    "last_error, platform, in_reply_to, recipient, platform_id, platform_url, created_at, "
    "updated_at, sent_at, version, error_kind, next_retry_at";
constexpr char kSqlReplyById[] =
    "SELECT id, case_id, text, state, idempotency_key, answer_id, created_by, approved_by, "
    "attempts, last_error, platform, in_reply_to, recipient, platform_id, platform_url, "
    "created_at, updated_at, sent_at, version, error_kind, next_retry_at FROM replies WHERE id = ?";
constexpr char kSqlReplyByKey[] = "SELECT id FROM replies WHERE idempotency_key = ?";
constexpr char kSqlReplyOfCase[] =
    "SELECT id, case_id, text, state, idempotency_key, answer_id, created_by, approved_by, "
    "attempts, last_error, platform, in_reply_to, recipient, platform_id, platform_url, "
    "created_at, updated_at, sent_at, version, error_kind, next_retry_at FROM replies WHERE "
    "case_id = ? ORDER BY "
    "id";
constexpr char kSqlReplyInsert[] =
    "INSERT INTO replies (case_id, text, state, idempotency_key, answer_id, created_by, platform, "
    "in_reply_to, recipient, created_at, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
constexpr char kSqlCaseBump[] =
    "UPDATE cases SET version = version + 1, last_activity_at = max(last_activity_at, ?), "
    "updated_at = ? WHERE id = ? AND (? IS NULL OR version = ?)";
constexpr char kSqlCaseVersion[] = "SELECT version FROM cases WHERE id = ?";
constexpr char kSqlReplyUpdate[] =
    "UPDATE replies SET text = ?, state = ?, approved_by = ?, last_error = ?, updated_at = ?, "
    "error_kind = ?, next_retry_at = NULL, version = version + 1 WHERE id = ? AND version = ?";
constexpr char kSqlReplyClaim[] =
    "UPDATE replies SET state = 'sending', attempts = attempts + 1, updated_at = ?, "
    "next_retry_at = NULL, version = version + 1 WHERE id = ? AND state = 'queued'";
constexpr char kSqlReplySent[] =
    "UPDATE replies SET state = 'sent', platform_id = ?, platform_url = ?, sent_at = ?, "
    "last_error = '', error_kind = '', updated_at = ?, version = version + 1 WHERE id = ? AND "
    "state = 'sending'";
constexpr char kSqlReplyFailed[] =
    "UPDATE replies SET state = 'failed', last_error = ?, error_kind = ?, updated_at = ?, "
    "next_retry_at = ?, version = version + 1 WHERE id = ? AND state = 'sending'";
constexpr char kSqlCaseAnswered[] =
    "UPDATE cases SET first_response_at = coalesce(first_response_at, ?1), "
    "first_responder_id = coalesce(first_responder_id, ?2), "
    "state = CASE WHEN state IN ('selesai', 'menunggu_instansi') THEN state ELSE 'dijawab' END, "
    "last_activity_at = max(last_activity_at, ?1), version = version + 1, updated_at = ?1 "
    "WHERE id = ?3";
constexpr char kSqlStaleQueued[] =
    "SELECT id FROM replies WHERE state = 'queued' AND updated_at < ? ORDER BY id LIMIT ?";
constexpr char kSqlStaleSending[] =
    "SELECT id FROM replies WHERE state = 'sending' AND updated_at < ? ORDER BY id LIMIT ?";

constexpr char kAnswerCols[] =
    "a.id, a.agency_id, a.title, a.body, a.tags, a.approved, a.approved_by, a.valid_from, "
    "a.valid_until, a.active, a.uses, a.created_at, a.updated_at, a.version";
constexpr char kSqlAnswerById[] =
    "SELECT a.id, a.agency_id, a.title, a.body, a.tags, a.approved, a.approved_by, a.valid_from, "
    "a.valid_until, a.active, a.uses, a.created_at, a.updated_at, a.version "
    "FROM ready_answers a WHERE a.id = ?";
constexpr char kSqlAnswerInsert[] =
    "INSERT INTO ready_answers (agency_id, title, body, tags, approved, approved_by, valid_from, "
    "valid_until, active, uses, created_at, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 1)";
constexpr char kSqlAnswerUpdate[] =
    "UPDATE ready_answers SET title = ?, body = ?, tags = ?, approved = ?, approved_by = ?, "
    "valid_from = ?, valid_until = ?, active = ?, updated_at = ?, version = version + 1 "
    "WHERE id = ? AND version = ?";
constexpr char kSqlAnswerUse[] = "UPDATE ready_answers SET uses = uses + 1 WHERE id = ?";

constexpr char kSqlNotifyInsert[] =
    "INSERT OR IGNORE INTO notifications (user_id, kind, case_id, disposition_id, alert_id, "
    "title, body, read, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";
constexpr char kSqlUnread[] = "SELECT count(*) FROM notifications WHERE user_id = ? AND read = 0";
constexpr char kSqlReadAll[] = "UPDATE notifications SET read = 1 WHERE user_id = ? AND read = 0";
constexpr char kSqlReadSome[] =
    "UPDATE notifications SET read = 1 WHERE user_id = ? AND id IN (SELECT value FROM "
    "json_each(?))";

constexpr char kSqlHolidays[] =
    "SELECT date, name, kind, removed, updated_at FROM holiday_overrides ORDER BY date";
constexpr char kSqlHolidayPut[] =
    "INSERT INTO holiday_overrides (date, name, kind, removed, updated_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (date) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
    "removed = excluded.removed, updated_at = excluded.updated_at";
constexpr char kSqlHolidayDelete[] = "DELETE FROM holiday_overrides WHERE date = ?";
constexpr char kSqlSettingsGet[] =
    "SELECT mode, hours, reminder_minutes_json, require_reply_approval, schedule_json, updated_at "
    "FROM inbox_settings WHERE region_id = ?";
constexpr char kSqlSettingsPut[] =
    "INSERT INTO inbox_settings (region_id, mode, hours, reminder_minutes_json, "
    "require_reply_approval, schedule_json, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (region_id) DO UPDATE SET mode = excluded.mode, hours = excluded.hours, "
    "reminder_minutes_json = excluded.reminder_minutes_json, "
    "require_reply_approval = excluded.require_reply_approval, "
    "schedule_json = excluded.schedule_json, updated_at = excluded.updated_at";

constexpr char kSqlCaseFacts[] =
    "SELECT id, agency_id, state, created_at, first_response_at, first_responder_id, assignee_id "
    "FROM cases WHERE agency_id IN (SELECT value FROM json_each(?)) AND created_at < ? AND "
    "(created_at >= ? OR state != 'selesai')";
constexpr char kSqlDispFacts[] =
    "SELECT to_agency_id, state, created_at, deadline_at, answered_at FROM dispositions "
    "WHERE to_agency_id IN (SELECT value FROM json_each(?)) AND created_at >= ? AND "
    "created_at < ?";

Result<Reply> ReadReply(const Stmt& st) {
  Reply r;
  r.id = st.Int(0);
  r.case_id = st.Int(1);
  r.text = st.Text(2);
  auto s = ParseReplyState(st.Text(3));
  if (!s) return BadEnum("reply state", st.Text(3));
  r.state = *s;
  r.idempotency_key = st.Text(4);
  r.answer_id = st.OptInt(5);
  r.created_by = st.Int(6);
  r.approved_by = st.OptInt(7);
  r.attempts = static_cast<int>(st.Int(8));
  r.last_error = st.Text(9);
  auto p = ParsePlatform(st.Text(10));
  if (!p) return BadEnum("platform", st.Text(10));
  r.platform = *p;
  r.in_reply_to = st.Text(11);
  r.recipient = st.Text(12);
  r.platform_id = st.Text(13);
  r.platform_url = st.Text(14);
  r.created_at = st.Int(15);
  r.updated_at = st.Int(16);
  r.sent_at = st.OptInt(17);
  r.version = st.Int(18);
  r.error_kind = st.Text(19);
  r.next_retry_at = st.OptInt(20);
  return r;
}

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string s;
  for (const auto& t : tags) {
    if (!s.empty()) s += " ";
    s += t;
  }
  return s;
}

std::vector<std::string> SplitTags(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

Result<ReadyAnswer> ReadAnswer(const Stmt& st) {
  ReadyAnswer a;
  a.id = st.Int(0);
  a.agency_id = st.Int(1);
  a.title = st.Text(2);
  a.body = st.Text(3);
  a.tags = SplitTags(st.Text(4));
  a.approved = st.Bool(5);
  a.approved_by = st.OptInt(6);
  a.valid_from = st.Text(7);
  a.valid_until = st.Text(8);
  a.active = st.Bool(9);
  a.uses = st.Int(10);
  a.created_at = st.Int(11);
  a.updated_at = st.Int(12);
  a.version = st.Int(13);
  return a;
}

template <typename T, typename ReadFn>
Result<std::vector<T>> ReadRows(Stmt& st, ReadFn read) {
  std::vector<T> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    HUMAS_ASSIGN_OR_RETURN(T item, read(st));
    out.push_back(std::move(item));
  }
}

//! Words that say nothing about what a citizen asks; left out of similarity queries.
const std::set<std::string>& StopWords() {
  static const std::set<std::string> kWords = {
      "yang",   "dan",  "di",    "ke",     "dari",      "ini",   "itu",    "untuk",
      "dengan", "ada",  "apa",   "apakah", "bagaimana", "kapan", "tidak",  "sudah",
      "saya",   "kami", "kita",  "min",    "admin",     "mohon", "tolong", "pak",
      "bu",     "kak",  "gan",   "yg",     "gak",       "nggak", "ga",     "kok",
      "sih",    "dong", "akan",  "bisa",   "juga",      "atau",  "pada",   "karena",
      "the",    "http", "https", "www",    "com",       "co",    "id"};
  return kWords;
}

//! An FTS5 query OR-ing the distinctive words of `text` (each quoted), or "" when none.
std::string SimilarityQuery(const std::string& text) {
  std::vector<std::string> words;
  std::set<std::string> seen;
  std::string cur;
  auto flush = [&] {
    if (cur.size() >= 3 && !StopWords().count(cur) && seen.insert(cur).second &&
        words.size() < 24) {
      words.push_back(cur);
    }
    cur.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {
      cur += static_cast<char>(std::tolower(c));
    } else {
      flush();
    }
  }
  flush();
  std::string q;
  for (const auto& w : words) {
    if (!q.empty()) q += " OR ";
    q += "\"" + w + "\"";
  }
  return q;
}

}  // namespace

Result<Reply> LoadReply(Connection& conn, Id id) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlReplyById));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("reply " + std::to_string(id) + " does not exist");
  return ReadReply(st);
}

Result<std::pair<Reply, bool>> SqliteInboxRepository::CreateReply(
    Reply r, std::optional<std::int64_t> expected_case_version) {
  if (r.idempotency_key.empty()) return InvalidArgument("idempotency_key is required");
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlReplyByKey));
    st.Bind(r.idempotency_key);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      Id id = st.Int(0);
      HUMAS_ASSIGN_OR_RETURN(Reply existing, LoadReply(*conn, id));
      if (existing.case_id != r.case_id)
        return AlreadyExists("idempotency_key is already used for another case")
            .WithField("idempotency_key");
      return std::make_pair(existing, false);
    }
  }
  UnixMillis now = ctx_.clock->Now();
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseBump));
    st.Bind(now).Bind(now).Bind(r.case_id).Bind(expected_case_version);
    st.Bind(expected_case_version);
    HUMAS_RETURN_IF_ERROR(st.Run());
    if (sqlite3_changes(conn->raw()) == 0) {
      HUMAS_ASSIGN_OR_RETURN(Stmt v, conn->Prepare(kSqlCaseVersion));
      v.Bind(r.case_id);
      HUMAS_ASSIGN_OR_RETURN(bool row, v.Step());
      if (!row) return NotFound("case " + std::to_string(r.case_id) + " does not exist");
      return Conflict("the case was changed by someone else (version " + std::to_string(v.Int(0)) +
                      ", you had " + std::to_string(expected_case_version.value_or(0)) +
                      "); reload it before answering");
    }
  }
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlReplyInsert));
    st.Bind(r.case_id).Bind(r.text).Bind(ToString(r.state)).Bind(r.idempotency_key);
    st.Bind(r.answer_id).Bind(r.created_by).Bind(ToString(r.platform)).Bind(r.in_reply_to);
    st.Bind(r.recipient).Bind(now).Bind(now);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  Id id = sqlite3_last_insert_rowid(conn->raw());
  CaseEvent e{0,
              r.case_id,
              now,
              r.created_by,
              "reply_created",
              "{\"reply_id\":" + std::to_string(id) + ",\"state\":\"" +
                  std::string(ToString(r.state)) + "\"}"};
  HUMAS_RETURN_IF_ERROR(InsertEvent(*conn, &e));
  HUMAS_ASSIGN_OR_RETURN(Reply stored, LoadReply(*conn, id));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return std::make_pair(stored, true);
}

Result<Reply> SqliteInboxRepository::GetReply(Id id) {
  auto conn = ctx_.pool->Acquire();
  return LoadReply(*conn, id);
}

Result<std::vector<Reply>> SqliteInboxRepository::CaseReplies(Id case_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlReplyOfCase));
  st.Bind(case_id);
  return ReadRows<Reply>(st, ReadReply);
}

Result<Reply> SqliteInboxRepository::UpdateReply(const Reply& r, std::int64_t expected_version,
                                                 const std::vector<ReplyState>& from,
                                                 const CaseEvent& event) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  HUMAS_ASSIGN_OR_RETURN(Reply current, LoadReply(*conn, r.id));
  if (current.version != expected_version)
    return Conflict("the reply was changed by someone else (version " +
                    std::to_string(current.version) + ", you had " +
                    std::to_string(expected_version) + "); reload it");
  if (std::find(from.begin(), from.end(), current.state) == from.end())
    return FailedPrecondition("the reply is " + std::string(ToString(current.state)) +
                              "; that is not possible now");
  UnixMillis now = ctx_.clock->Now();
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlReplyUpdate));
    st.Bind(r.text).Bind(ToString(r.state)).Bind(r.approved_by).Bind(r.last_error).Bind(now);
    st.Bind(r.error_kind);
    st.Bind(r.id).Bind(expected_version);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  if (sqlite3_changes(conn->raw()) == 0) return Conflict("the reply was changed; reload it");
  CaseEvent e = event;
  e.case_id = current.case_id;
  if (!e.kind.empty()) HUMAS_RETURN_IF_ERROR(InsertEvent(*conn, &e));
  HUMAS_ASSIGN_OR_RETURN(Reply stored, LoadReply(*conn, r.id));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return stored;
}

Result<std::optional<Reply>> SqliteInboxRepository::ClaimReply(Id id, UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlReplyClaim));
    HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(id).Run());
  }
  if (sqlite3_changes(conn->raw()) == 0) return std::optional<Reply>();
  HUMAS_ASSIGN_OR_RETURN(Reply r, LoadReply(*conn, id));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return std::optional<Reply>(std::move(r));
}

Result<Reply> SqliteInboxRepository::MarkReplySent(Id id, const std::string& platform_id,
                                                   const std::string& platform_url,
                                                   UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlReplySent));
    HUMAS_RETURN_IF_ERROR(
        st.Bind(platform_id).Bind(platform_url).Bind(now).Bind(now).Bind(id).Run());
  }
  if (sqlite3_changes(conn->raw()) == 0)
    return FailedPrecondition("reply " + std::to_string(id) + " is not being sent");
  HUMAS_ASSIGN_OR_RETURN(Reply r, LoadReply(*conn, id));
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseAnswered));
    HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(r.created_by).Bind(r.case_id).Run());
  }
  CaseEvent e{
      0, r.case_id, now, std::nullopt, "reply_sent", "{\"reply_id\":" + std::to_string(id) + "}"};
  HUMAS_RETURN_IF_ERROR(InsertEvent(*conn, &e));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return r;
}

Result<Reply> SqliteInboxRepository::MarkReplyFailed(Id id, const std::string& error,
                                                     bool retryable, UnixMillis now,
                                                     std::optional<UnixMillis> next_retry_at) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlReplyFailed));
    st.Bind(error).Bind(retryable ? "retryable" : "permanent");
    HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(next_retry_at).Bind(id).Run());
  }
  if (sqlite3_changes(conn->raw()) == 0)
    return FailedPrecondition("reply " + std::to_string(id) + " is not being sent");
  HUMAS_ASSIGN_OR_RETURN(Reply r, LoadReply(*conn, id));
  std::string details =
      "{\"reply_id\":" + std::to_string(id) + ",\"attempts\":" + std::to_string(r.attempts) +
      (next_retry_at ? ",\"next_retry_at\":\"" + FormatRfc3339(*next_retry_at) + "\"" : "") + "}";
  CaseEvent e{0, r.case_id, now, std::nullopt, "reply_failed", details};
  HUMAS_RETURN_IF_ERROR(InsertEvent(*conn, &e));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return r;
}

Result<std::vector<Id>> SqliteInboxRepository::StaleQueuedReplies(UnixMillis queued_before,
                                                                  int limit) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlStaleQueued));
  st.Bind(queued_before).Bind(std::clamp(limit, 1, 1000));
  return ReadRows<Id>(st, [](const Stmt& s) -> Result<Id> { return s.Int(0); });
}

Result<std::vector<Id>> SqliteInboxRepository::StaleSendingReplies(UnixMillis before, int limit) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlStaleSending));
  st.Bind(before).Bind(std::clamp(limit, 1, 1000));
  return ReadRows<Id>(st, [](const Stmt& s) -> Result<Id> { return s.Int(0); });
}

Status SqliteInboxRepository::CreateAnswer(ReadyAnswer* a) {
  auto conn = ctx_.pool->Acquire();
  UnixMillis now = ctx_.clock->Now();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAnswerInsert));
  st.Bind(a->agency_id).Bind(a->title).Bind(a->body).Bind(JoinTags(a->tags)).Bind(a->approved);
  st.Bind(a->approved_by).Bind(a->valid_from).Bind(a->valid_until).Bind(a->active).Bind(now);
  st.Bind(now);
  HUMAS_RETURN_IF_ERROR(st.Run());
  a->id = sqlite3_last_insert_rowid(conn->raw());
  a->created_at = a->updated_at = now;
  a->version = 1;
  a->uses = 0;
  return Status::Ok();
}

Result<ReadyAnswer> SqliteInboxRepository::GetAnswer(Id id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAnswerById));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("ready answer " + std::to_string(id) + " does not exist");
  return ReadAnswer(st);
}

Result<ReadyAnswer> SqliteInboxRepository::UpdateAnswer(const ReadyAnswer& a,
                                                        std::int64_t expected_version) {
  {
    auto conn = ctx_.pool->Acquire();
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAnswerUpdate));
    st.Bind(a.title).Bind(a.body).Bind(JoinTags(a.tags)).Bind(a.approved).Bind(a.approved_by);
    st.Bind(a.valid_from).Bind(a.valid_until).Bind(a.active).Bind(ctx_.clock->Now()).Bind(a.id);
    st.Bind(expected_version);
    HUMAS_RETURN_IF_ERROR(st.Run());
    if (sqlite3_changes(conn->raw()) == 0) {
      HUMAS_ASSIGN_OR_RETURN(Stmt check, conn->Prepare(kSqlAnswerById));
      check.Bind(a.id);
      HUMAS_ASSIGN_OR_RETURN(bool row, check.Step());
      if (!row) return NotFound("ready answer " + std::to_string(a.id) + " does not exist");
      return Conflict("the ready answer was changed by someone else; reload it");
    }
  }
  return GetAnswer(a.id);
}

Result<ListResult<ReadyAnswer>> SqliteInboxRepository::ListAnswers(const AnswerFilter& f) {
  ListResult<ReadyAnswer> out;
  if (f.agency_ids.empty()) return out;
  std::string from = " FROM ready_answers a";
  std::string where = " WHERE ";
  std::vector<BindValue> binds;
  if (!f.q.empty()) {
    HUMAS_ASSIGN_OR_RETURN(search::ParsedQuery parsed, search::ParseUserQuery(f.q));
    if (!parsed.required.empty()) {
      from += " JOIN ready_answers_fts ON ready_answers_fts.rowid = a.id";
      where += "ready_answers_fts MATCH ? AND ";
      binds.push_back(RenderFts5Match(parsed));
    }
  }
  AppendIdsIn(&where, &binds, "a.agency_id", f.agency_ids);
  if (f.approved) {
    where += " AND a.approved = ?";
    binds.push_back(static_cast<std::int64_t>(*f.approved ? 1 : 0));
  }
  if (f.active) {
    where += " AND a.active = ?";
    binds.push_back(static_cast<std::int64_t>(*f.active ? 1 : 0));
  }
  auto conn = ctx_.pool->Acquire();
  return ListQuery<ReadyAnswer>(
      *conn, "SELECT count(*)" + from, std::string("SELECT ") + kAnswerCols + from, where,
      "a.title COLLATE NOCASE, a.id", binds, Page{f.limit, f.offset}, ReadAnswer);
}

Result<std::vector<ReadyAnswer>> SqliteInboxRepository::SuggestAnswers(
    const std::vector<Id>& agency_ids, const std::string& text, const std::string& today,
    int limit) {
  std::vector<ReadyAnswer> out;
  std::string q = SimilarityQuery(text);
  if (q.empty() || agency_ids.empty()) return out;
  std::string sql = std::string("SELECT ") + kAnswerCols +
                    ", bm25(ready_answers_fts, 3.0, 1.0, 2.0) AS rank FROM ready_answers a "
                    "JOIN ready_answers_fts ON ready_answers_fts.rowid = a.id "
                    "WHERE ready_answers_fts MATCH ? AND a.approved = 1 AND a.active = 1 "
                    "AND (a.valid_from = '' OR a.valid_from <= ?) "
                    "AND (a.valid_until = '' OR a.valid_until >= ?) AND ";
  std::vector<BindValue> binds = {q, today, today};
  AppendIdsIn(&sql, &binds, "a.agency_id", agency_ids);
  sql += " ORDER BY rank LIMIT ?";
  binds.push_back(static_cast<std::int64_t>(std::clamp(limit, 1, 20)));
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(sql));
  BindAll(st, binds);
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    HUMAS_ASSIGN_OR_RETURN(ReadyAnswer a, ReadAnswer(st));
    double rank = -st.Double(14);  // bm25: more negative = better; map to (0, 1)
    a.score = rank > 0 ? rank / (1.0 + rank) : 0.0;
    out.push_back(std::move(a));
  }
  return out;
}

Status SqliteInboxRepository::CountAnswerUse(Id answer_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAnswerUse));
  return st.Bind(answer_id).Run();
}

Result<bool> InsertNotification(Connection& conn, Notification* n, UnixMillis now) {
  if (n->dedupe_key.empty()) return InvalidArgument("a notification needs a dedupe key");
  n->created_at = now;
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlNotifyInsert));
  st.Bind(n->user_id).Bind(n->kind).Bind(n->case_id).Bind(n->disposition_id).Bind(n->alert_id);
  st.Bind(n->title).Bind(n->body).Bind(n->dedupe_key).Bind(n->created_at);
  HUMAS_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(conn.raw()) == 0) return false;
  n->id = sqlite3_last_insert_rowid(conn.raw());
  return true;
}

Result<bool> SqliteInboxRepository::Notify(Notification* n) {
  auto conn = ctx_.pool->Acquire();
  return InsertNotification(*conn, n, ctx_.clock->Now());
}

Result<ListResult<Notification>> SqliteInboxRepository::ListNotifications(Id user_id,
                                                                          bool unread_only,
                                                                          const Page& page) {
  std::string where = " WHERE user_id = ?";
  std::vector<BindValue> binds = {user_id};
  if (unread_only) where += " AND read = 0";
  auto conn = ctx_.pool->Acquire();
  return ListQuery<Notification>(
      *conn, "SELECT count(*) FROM notifications",
      "SELECT id, user_id, kind, case_id, disposition_id, title, body, read, dedupe_key, "
      "created_at, alert_id FROM notifications",
      where, "id DESC", binds, page, [](const Stmt& s) -> Result<Notification> {
        return Notification{s.Int(0),  s.Int(1),  s.Text(2), s.OptInt(3), s.OptInt(4), s.Text(5),
                            s.Text(6), s.Bool(7), s.Text(8), s.Int(9),    s.OptInt(10)};
      });
}

Result<std::int64_t> SqliteInboxRepository::MarkRead(Id user_id, const std::vector<Id>& ids) {
  auto conn = ctx_.pool->Acquire();
  if (ids.empty()) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlReadAll));
    HUMAS_RETURN_IF_ERROR(st.Bind(user_id).Run());
  } else {
    std::string json = JsonIds(ids);
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlReadSome));
    HUMAS_RETURN_IF_ERROR(st.Bind(user_id).Bind(json).Run());
  }
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlUnread));
  st.Bind(user_id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Result<std::vector<HolidayOverride>> SqliteInboxRepository::HolidayOverrides() {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlHolidays));
  return ReadRows<HolidayOverride>(st, [](const Stmt& s) -> Result<HolidayOverride> {
    return HolidayOverride{s.Text(0), s.Text(1), s.Text(2), s.Bool(3), s.Int(4)};
  });
}

Status SqliteInboxRepository::PutHolidayOverride(const HolidayOverride& h) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlHolidayPut));
  return st.Bind(h.date).Bind(h.name).Bind(h.kind).Bind(h.removed).Bind(ctx_.clock->Now()).Run();
}

Status SqliteInboxRepository::DeleteHolidayOverride(const std::string& date) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlHolidayDelete));
  HUMAS_RETURN_IF_ERROR(st.Bind(date).Run());
  if (sqlite3_changes(conn->raw()) == 0) return NotFound("no holiday change on " + date);
  return Status::Ok();
}

Result<InboxSettings> SqliteInboxRepository::GetSettings(Id region_id) {
  InboxSettings s;
  s.region_id = region_id;
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSettingsGet));
  st.Bind(region_id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return s;
  s.mode = st.Text(0);
  s.hours = static_cast<int>(st.Int(1));
  s.reminder_minutes.clear();
  std::string cur;
  for (char c : st.Text(2) + ",") {
    if (c >= '0' && c <= '9') {
      cur += c;
    } else if (!cur.empty()) {
      s.reminder_minutes.push_back(std::stoi(cur));
      cur.clear();
    }
  }
  s.require_reply_approval = st.Bool(3);
  s.schedule_json = st.Text(4);
  s.updated_at = st.Int(5);
  return s;
}

Status SqliteInboxRepository::PutSettings(InboxSettings* s) {
  std::string minutes = "[";
  for (size_t i = 0; i < s->reminder_minutes.size(); ++i)
    minutes += (i > 0 ? "," : "") + std::to_string(s->reminder_minutes[i]);
  minutes += "]";
  s->updated_at = ctx_.clock->Now();
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSettingsPut));
  st.Bind(s->region_id).Bind(s->mode).Bind(s->hours).Bind(minutes);
  st.Bind(s->require_reply_approval).Bind(s->schedule_json).Bind(s->updated_at);
  return st.Run();
}

Result<std::vector<CaseFact>> SqliteInboxRepository::CaseFacts(const std::vector<Id>& agency_ids,
                                                               UnixMillis since, UnixMillis until) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseFacts));
  std::string ids = JsonIds(agency_ids);
  st.Bind(ids).Bind(until).Bind(since);
  return ReadRows<CaseFact>(st, [](const Stmt& s) -> Result<CaseFact> {
    auto state = ParseCaseState(s.Text(2));
    if (!state) return BadEnum("case state", s.Text(2));
    return CaseFact{s.Int(0), s.Int(1), *state, s.Int(3), s.OptInt(4), s.OptInt(5), s.OptInt(6)};
  });
}

Result<std::vector<DispositionFact>> SqliteInboxRepository::DispositionFacts(
    const std::vector<Id>& agency_ids, UnixMillis since, UnixMillis until) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlDispFacts));
  std::string ids = JsonIds(agency_ids);
  st.Bind(ids).Bind(since).Bind(until);
  return ReadRows<DispositionFact>(st, [](const Stmt& s) -> Result<DispositionFact> {
    auto state = ParseDispositionState(s.Text(1));
    if (!state) return BadEnum("disposition state", s.Text(1));
    return DispositionFact{s.Int(0), *state, s.Int(2), s.Int(3), s.OptInt(4)};
  });
}

}  // namespace humas::store::sqlite
