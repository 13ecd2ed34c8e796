// SQLite InboxRepository, part 1: cases (intake, list, updates, history), notes, dispositions.
#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "store/sqlite/inbox_repo.h"
#include "store/sqlite/multi_row.h"

namespace humas::store::sqlite {
namespace {

constexpr char kCaseCols[] =
    "id, agency_id, platform, case_key, citizen_key, citizen_handle, citizen_name, subject, "
    "input_kind, state, reopened, priority, assignee_id, mention_count, first_mention_at, "
    "last_mention_at, last_activity_at, first_response_at, first_responder_id, closed_at, due_at, "
    "version, created_at, updated_at";

constexpr char kSqlCaseById[] =
    "SELECT id, agency_id, platform, case_key, citizen_key, citizen_handle, citizen_name, subject, "
    "input_kind, state, reopened, priority, assignee_id, mention_count, first_mention_at, "
    "last_mention_at, last_activity_at, first_response_at, first_responder_id, closed_at, due_at, "
    "version, created_at, updated_at FROM cases WHERE id = ?";
constexpr char kSqlCaseOfMention[] = "SELECT case_id FROM case_mentions WHERE mention_id = ?";
// The case of the mention replied to, with what decides whether the reply joins it.
constexpr char kSqlParentCase[] =
    "SELECT c.id, c.citizen_key, c.agency_id FROM mentions m "
    "JOIN case_mentions cm ON cm.mention_id = m.id JOIN cases c ON c.id = cm.case_id "
    "WHERE m.platform = ? AND m.external_id = ?";
// What decides whether a mention reopens the case it joins.
constexpr char kSqlCaseClosedAt[] =
    "SELECT closed_at FROM cases WHERE id = ? AND state = 'selesai'";
// ?1 citizen key, ?2 case key (which ends with the citizen key): cases_citizen_case_key.
constexpr char kSqlCaseByKey[] =
    "SELECT id FROM cases WHERE citizen_key = ? AND case_key = ? ORDER BY id DESC LIMIT 1";
// A new case is stored already holding its first mention (mention_count 1; version 2, as the
// insert followed by kSqlCaseAddMention used to leave it), so intake writes the row and the entries
// of its eight indexes once instead of inserting and then moving them.
// The row also records the mention that opened it: the history's "opened" entry (migration 0019;
// no case_events row of its own).
constexpr char kSqlCaseInsert[] =
    "INSERT INTO cases (agency_id, platform, case_key, citizen_key, citizen_handle, citizen_name, "
    "subject, input_kind, state, priority, mention_count, first_mention_at, last_mention_at, "
    "last_activity_at, version, created_at, updated_at, opened_by_mention) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'baru', ?, 1, ?, ?, ?, 2, ?, ?, ?)";
constexpr char kSqlCaseOpening[] = "SELECT created_at, opened_by_mention FROM cases WHERE id = ?";
// Counts the cases an intake opened (migration 0012: no insert trigger), once per agency.
constexpr char kSqlCaseStateCountAdd[] =
    "INSERT INTO case_state_counts (agency_id, state, n) VALUES (?, ?, ?) "
    "ON CONFLICT (agency_id, state) DO UPDATE SET n = n + excluded.n";
constexpr char kSqlCaseMentionInsert[] =
    "INSERT INTO case_mentions (mention_id, case_id) VALUES (?, ?)";
constexpr char kSqlCaseAddMention[] =
    "UPDATE cases SET mention_count = mention_count + 1, "
    "first_mention_at = min(first_mention_at, ?1), last_mention_at = max(last_mention_at, ?1), "
    "last_activity_at = max(last_activity_at, ?1), version = version + 1, updated_at = ?2 "
    "WHERE id = ?3";
constexpr char kSqlCaseReopen[] =
    "UPDATE cases SET state = 'dibuka_kembali', reopened = reopened + 1, closed_at = NULL "
    "WHERE id = ?";
constexpr char kSqlCaseUpdate[] =
    "UPDATE cases SET state = ?, priority = ?, assignee_id = ?, closed_at = ?, reopened = ?, "
    "last_activity_at = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?";
constexpr char kSqlCaseExists[] = "SELECT version FROM cases WHERE id = ?";
constexpr char kSqlEventInsert[] =
    "INSERT INTO case_events (case_id, at, actor_user_id, kind, details_json) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr char kSqlEventsOfCase[] =
    "SELECT id, case_id, at, actor_user_id, kind, details_json FROM case_events "
    "WHERE case_id = ? ORDER BY id LIMIT 1000";
constexpr char kSqlMentionIdsOfCase[] =
    "SELECT cm.mention_id FROM case_mentions cm JOIN mentions m ON m.id = cm.mention_id "
    "WHERE cm.case_id = ? ORDER BY m.created_at, m.id LIMIT 500";
constexpr char kSqlCitizenCases[] =
    "SELECT id, agency_id, platform, case_key, citizen_key, citizen_handle, citizen_name, subject, "
    "input_kind, state, reopened, priority, assignee_id, mention_count, first_mention_at, "
    "last_mention_at, last_activity_at, first_response_at, first_responder_id, closed_at, due_at, "
    "version, created_at, updated_at FROM cases WHERE citizen_key = ? AND id != ? "
    "ORDER BY id DESC LIMIT ?";
constexpr char kSqlNoteInsert[] =
    "INSERT INTO case_notes (case_id, author_user_id, text, mentions_json, created_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr char kSqlNotesOfCase[] =
    "SELECT id, case_id, author_user_id, text, mentions_json, created_at FROM case_notes "
    "WHERE case_id = ? ORDER BY id LIMIT 1000";
constexpr char kSqlCaseTouch[] =
    "UPDATE cases SET last_activity_at = ?, updated_at = ? WHERE id = ?";

constexpr char kDispCols[] =
    "id, case_id, parent_id, from_agency_id, to_agency_id, question, context, state, answer, "
    "refusal_reason, created_by, answered_by, created_at, answered_at, deadline_at, sla_mode, "
    "sla_ms, timezone, reminder_points_json, reminders_sent, escalated, version";
constexpr char kSqlDispById[] =
    "SELECT id, case_id, parent_id, from_agency_id, to_agency_id, question, context, state, "
    "answer, refusal_reason, created_by, answered_by, created_at, answered_at, deadline_at, "
    "sla_mode, sla_ms, timezone, reminder_points_json, reminders_sent, escalated, version "
    "FROM dispositions WHERE id = ?";
constexpr char kSqlDispOfCase[] =
    "SELECT id, case_id, parent_id, from_agency_id, to_agency_id, question, context, state, "
    "answer, refusal_reason, created_by, answered_by, created_at, answered_at, deadline_at, "
    "sla_mode, sla_ms, timezone, reminder_points_json, reminders_sent, escalated, version "
    "FROM dispositions WHERE case_id = ? ORDER BY id";
constexpr char kSqlDispInsert[] =
    "INSERT INTO dispositions (case_id, parent_id, from_agency_id, to_agency_id, question, "
    "context, state, created_by, created_at, deadline_at, sla_mode, sla_ms, timezone, "
    "reminder_points_json, next_alert_at) VALUES (?, ?, ?, ?, ?, ?, 'menunggu', ?, ?, ?, ?, ?, ?, "
    "?, ?)";
constexpr char kSqlDispForwarded[] =
    "UPDATE dispositions SET state = 'diteruskan', next_alert_at = NULL, version = version + 1 "
    "WHERE id = ? AND version = ? AND state = 'menunggu' AND case_id = ?";
constexpr char kSqlDispResolve[] =
    "UPDATE dispositions SET state = ?, answer = ?, refusal_reason = ?, answered_by = ?, "
    "answered_at = ?, next_alert_at = NULL, version = version + 1 "
    "WHERE id = ? AND version = ? AND state = 'menunggu'";
// After any disposition change: due_at = earliest waiting deadline; a case waiting for agencies
// with none left waiting goes back to dibuka (the officer now answers the citizen).
constexpr char kSqlCaseRecomputeDue[] =
    "UPDATE cases SET due_at = (SELECT min(deadline_at) FROM dispositions d "
    "WHERE d.case_id = cases.id AND d.state = 'menunggu'), "
    "state = CASE WHEN state = 'menunggu_instansi' AND NOT EXISTS (SELECT 1 FROM dispositions d "
    "WHERE d.case_id = cases.id AND d.state = 'menunggu') THEN 'dibuka' ELSE state END, "
    "last_activity_at = max(last_activity_at, ?), version = version + 1, updated_at = ? "
    "WHERE id = ?";
constexpr char kSqlCaseWaiting[] =
    "UPDATE cases SET state = 'menunggu_instansi', version = version + 1, updated_at = ?, "
    "last_activity_at = max(last_activity_at, ?) WHERE id = ? AND version = ?";
constexpr char kSqlDueAlerts[] =
    "SELECT id, case_id, parent_id, from_agency_id, to_agency_id, question, context, state, "
    "answer, refusal_reason, created_by, answered_by, created_at, answered_at, deadline_at, "
    "sla_mode, sla_ms, timezone, reminder_points_json, reminders_sent, escalated, version "
    "FROM dispositions WHERE next_alert_at IS NOT NULL AND next_alert_at <= ? AND state = "
    "'menunggu' ORDER BY next_alert_at LIMIT ?";
constexpr char kSqlDispPoints[] =
    "SELECT reminder_points_json, deadline_at, reminders_sent, escalated FROM dispositions "
    "WHERE id = ?";
constexpr char kSqlDispMarkAlerted[] =
    "UPDATE dispositions SET reminders_sent = ?, escalated = ?, next_alert_at = ? "
    "WHERE id = ? AND reminders_sent = ? AND escalated = ? AND state = 'menunggu'";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

//! At most `max` code points of UTF-8 text, cut on a character boundary.
std::string Utf8Prefix(const std::string& s, size_t max) {
  if (s.size() <= max) return s;  // no more code points than bytes
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max) return s.substr(0, i);
      ++chars;
    }
  }
  return s;
}

Result<Case> ReadCase(const Stmt& st) {
  Case c;
  c.id = st.Int(0);
  c.agency_id = st.Int(1);
  auto p = ParsePlatform(st.Text(2));
  if (!p) return BadEnum("platform", st.Text(2));
  c.platform = *p;
  c.case_key = st.Text(3);
  c.citizen_key = st.Text(4);
  c.citizen_handle = st.Text(5);
  c.citizen_name = st.Text(6);
  c.subject = st.Text(7);
  c.input_kind = st.Text(8);
  auto s = ParseCaseState(st.Text(9));
  if (!s) return BadEnum("case state", st.Text(9));
  c.state = *s;
  c.reopened = static_cast<int>(st.Int(10));
  auto pr = ParseCasePriority(st.Text(11));
  if (!pr) return BadEnum("case priority", st.Text(11));
  c.priority = *pr;
  c.assignee_id = st.OptInt(12);
  c.mention_count = st.Int(13);
  c.first_mention_at = st.Int(14);
  c.last_mention_at = st.Int(15);
  c.last_activity_at = st.Int(16);
  c.first_response_at = st.OptInt(17);
  c.first_responder_id = st.OptInt(18);
  c.closed_at = st.OptInt(19);
  c.due_at = st.OptInt(20);
  c.version = st.Int(21);
  c.created_at = st.Int(22);
  c.updated_at = st.Int(23);
  return c;
}

std::string JsonInts(const std::vector<UnixMillis>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(v[i]);
  }
  return s + "]";
}

std::vector<UnixMillis> ParseInts(const std::string& s) {
  std::vector<UnixMillis> out;
  std::string cur;
  for (char c : s) {
    if ((c >= '0' && c <= '9') || c == '-') {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(std::stoll(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::stoll(cur));
  return out;
}

//! Usernames are [a-z0-9._-]: no JSON escaping needed.
std::string JsonNames(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i > 0 ? ",\"" : "\"") + v[i] + "\"";
  return s + "]";
}

std::vector<std::string> ParseNames(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = s.find('"', i)) != std::string::npos) {
    size_t j = s.find('"', i + 1);
    if (j == std::string::npos) break;
    out.push_back(s.substr(i + 1, j - i - 1));
    i = j + 1;
  }
  return out;
}

Result<Disposition> ReadDisposition(const Stmt& st) {
  Disposition d;
  d.id = st.Int(0);
  d.case_id = st.Int(1);
  d.parent_id = st.OptInt(2);
  d.from_agency_id = st.Int(3);
  d.to_agency_id = st.Int(4);
  d.question = st.Text(5);
  d.context = st.Text(6);
  auto s = ParseDispositionState(st.Text(7));
  if (!s) return BadEnum("disposition state", st.Text(7));
  d.state = *s;
  d.answer = st.Text(8);
  d.refusal_reason = st.Text(9);
  d.created_by = st.Int(10);
  d.answered_by = st.OptInt(11);
  d.created_at = st.Int(12);
  d.answered_at = st.OptInt(13);
  d.deadline_at = st.Int(14);
  d.sla_mode = st.Text(15);
  d.sla_ms = st.Int(16);
  d.timezone = st.Text(17);
  d.reminder_points = ParseInts(st.Text(18));
  d.reminders_sent = static_cast<int>(st.Int(19));
  d.escalated = st.Bool(20);
  d.version = st.Int(21);
  return d;
}

Result<Disposition> LoadDisposition(Connection& conn, Id id) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlDispById));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("disposition " + std::to_string(id) + " does not exist");
  return ReadDisposition(st);
}

//! The next instant the SLA sweep must look at a waiting disposition.
std::optional<UnixMillis> NextAlert(const std::vector<UnixMillis>& points, UnixMillis deadline,
                                    int reminders_sent, bool escalated) {
  if (reminders_sent < static_cast<int>(points.size())) return points[reminders_sent];
  if (!escalated) return deadline;
  return std::nullopt;
}

template <typename T, typename ReadFn>
Result<std::vector<T>> ReadAll(Stmt& st, ReadFn read) {
  std::vector<T> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    HUMAS_ASSIGN_OR_RETURN(T item, read(st));
    out.push_back(std::move(item));
  }
}

//! Conflict or NotFound for a conditional update of a case that changed no row.
Status CaseUpdateMissed(Connection& conn, Id id, std::int64_t expected) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCaseExists));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("case " + std::to_string(id) + " does not exist");
  return Conflict("case " + std::to_string(id) + " was changed by someone else (version " +
                  std::to_string(st.Int(0)) + ", you had " + std::to_string(expected) +
                  "); reload it");
}

}  // namespace

std::string JsonIds(const std::vector<Id>& ids) {
  std::string json = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) json += ",";
    json += std::to_string(ids[i]);
  }
  return json + "]";
}

Result<Case> LoadCase(Connection& conn, Id id) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCaseById));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("case " + std::to_string(id) + " does not exist");
  return ReadCase(st);
}

Status InsertEvent(Connection& conn, CaseEvent* e) {
  if (e->details_json.empty()) e->details_json = "{}";
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlEventInsert));
  st.Bind(e->case_id).Bind(e->at).Bind(e->actor_user_id).Bind(e->kind).Bind(e->details_json);
  HUMAS_RETURN_IF_ERROR(st.Run());
  e->id = sqlite3_last_insert_rowid(conn.raw());
  return Status::Ok();
}

namespace {

//! Cases opened per agency by an intake, to count in case_state_counts before it commits.
using OpenedCases = std::map<Id, std::int64_t>;

//! The history entry of a mention joining a case.
Status MentionAdded(Connection& conn, Id case_id, Id mention_id, UnixMillis now) {
  CaseEvent e{0,
              case_id,
              now,
              std::nullopt,
              "mention_added",
              "{\"mention_id\":" + std::to_string(mention_id) + "}"};
  return InsertEvent(conn, &e);
}

//! platform:lower(handle), the citizen's key.
std::string CitizenKeyOf(const Mention& m) {
  std::string key = Lower(m.data.author_handle);
  return key.insert(0, ":").insert(0, ToString(m.data.platform));
}

//! agency|platform|thread root|citizen: the case a mention belongs to when no reply says otherwise.
std::string CaseKeyOf(const Mention& m, const std::string& citizen_key) {
  std::string_view root = m.data.kind == MentionKind::kMessage ? std::string_view("dm")
                          : !m.data.in_reply_to.empty()        ? m.data.in_reply_to
                                                               : m.data.external_id;
  std::string key = std::to_string(*m.agency_id);
  key.append("|").append(ToString(m.data.platform)).append("|").append(root).append("|");
  return key.append(citizen_key);
}

//! The stored case of the mention `m` replies to, if it is the same citizen's with the same agency.
Result<std::optional<Id>> StoredParentCase(Connection& conn, const Mention& m,
                                           const std::string& citizen_key) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlParentCase));
  st.Bind(ToString(m.data.platform)).Bind(m.data.in_reply_to);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row && st.TextView(1) == citizen_key && st.Int(2) == *m.agency_id)
    return std::optional<Id>(st.Int(0));
  return std::optional<Id>();
}

//! The newest stored case with `key`.
Result<std::optional<Id>> StoredCaseByKey(Connection& conn, const std::string& citizen_key,
                                          const std::string& key) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCaseByKey));
  st.Bind(citizen_key).Bind(key);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) return std::optional<Id>(st.Int(0));
  return std::optional<Id>();
}

//! AttachMention's work inside the caller's write transaction, on `conn`, for mention `m` stored
//! with id `mention_id`; a case it opens is added to `opened` (see CountOpened). Without
//! `reopen_closed` (an edit) a closed case is left alone: the mention opens a new case instead.
//! The intake of new mentions (AttachNewMentions) follows the same rules for a whole batch.
Result<CaseIntake> AttachOne(Connection& conn_ref, const Mention& m, Id mention_id, UnixMillis now,
                             OpenedCases* opened, bool reopen_closed = true) {
  Connection* conn = &conn_ref;
  if (mention_id == 0) return InvalidArgument("the mention is not stored yet");
  if (!m.agency_id) {
    return FailedPrecondition("the mention has no agency; assign it to an agency first")
        .WithField("mention_id");
  }
  CaseIntake out;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseOfMention));
    st.Bind(mention_id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      Id id = st.Int(0);
      HUMAS_ASSIGN_OR_RETURN(out.case_, LoadCase(*conn, id));
      return out;  // already attached; nothing written
    }
  }
  const std::string_view platform = ToString(m.data.platform);
  std::string citizen_key = CitizenKeyOf(m);
  std::optional<Id> case_id;
  if (!m.data.in_reply_to.empty()) {
    HUMAS_ASSIGN_OR_RETURN(case_id, StoredParentCase(*conn, m, citizen_key));
  }
  std::string key = CaseKeyOf(m, citizen_key);
  if (!case_id) {
    HUMAS_ASSIGN_OR_RETURN(case_id, StoredCaseByKey(*conn, citizen_key, key));
  }
  if (case_id) {
    std::optional<UnixMillis> closed_at;
    bool closed = false;
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseClosedAt));
      st.Bind(*case_id);
      HUMAS_ASSIGN_OR_RETURN(closed, st.Step());
      if (closed) closed_at = st.OptInt(0);
    }
    if (closed && !reopen_closed) {
      case_id.reset();
    } else if (closed && m.data.created_at > closed_at.value_or(0)) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseReopen));
      HUMAS_RETURN_IF_ERROR(st.Bind(*case_id).Run());
      CaseEvent e{0,          *case_id,
                  now,        std::nullopt,
                  "reopened", "{\"mention_id\":" + std::to_string(mention_id) + "}"};
      HUMAS_RETURN_IF_ERROR(InsertEvent(*conn, &e));
      out.reopened = true;
    }
  }
  if (!case_id) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseInsert));
    std::string subject = Utf8Prefix(m.data.text, 280);
    st.Bind(*m.agency_id).Bind(platform).Bind(key).Bind(citizen_key).Bind(m.data.author_handle);
    st.Bind(m.data.author_name).Bind(subject).Bind(m.data.labels.input_kind).Bind("normal");
    st.Bind(m.data.created_at).Bind(m.data.created_at).Bind(m.data.created_at).Bind(now).Bind(now);
    HUMAS_RETURN_IF_ERROR(st.Bind(mention_id).Run());
    case_id = sqlite3_last_insert_rowid(conn->raw());
    out.created = true;
    ++(*opened)[*m.agency_id];
    {
      // The row just written, as LoadCase would read it back (no second lookup).
      Case& c = out.case_;
      c.id = *case_id;
      c.agency_id = *m.agency_id;
      c.platform = m.data.platform;
      c.case_key = std::move(key);
      c.citizen_key = std::move(citizen_key);
      c.citizen_handle = m.data.author_handle;
      c.citizen_name = m.data.author_name;
      c.subject = std::move(subject);
      c.input_kind = m.data.labels.input_kind;
      c.state = CaseState::kBaru;
      c.priority = CasePriority::kNormal;
      c.mention_count = 1;
      c.first_mention_at = c.last_mention_at = c.last_activity_at = m.data.created_at;
      c.version = 2;
      c.created_at = c.updated_at = now;
    }
  }
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseMentionInsert));
    HUMAS_RETURN_IF_ERROR(st.Bind(mention_id).Bind(*case_id).Run());
  }
  if (!out.created) {
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseAddMention));
      HUMAS_RETURN_IF_ERROR(st.Bind(m.data.created_at).Bind(now).Bind(*case_id).Run());
    }
    HUMAS_RETURN_IF_ERROR(MentionAdded(*conn, *case_id, mention_id, now));
    HUMAS_ASSIGN_OR_RETURN(out.case_, LoadCase(*conn, *case_id));
  }
  out.attached = true;
  return out;
}

//! Adds the cases an intake opened to the live counters (state baru, no assignee: the
//! per-assignee counters do not change).
Status CountOpened(Connection& conn, const OpenedCases& opened) {
  for (const auto& [agency, n] : opened) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCaseStateCountAdd));
    HUMAS_RETURN_IF_ERROR(st.Bind(agency).Bind(ToString(CaseState::kBaru)).Bind(n).Run());
  }
  return Status::Ok();
}

}  // namespace

namespace {

// The intake's new cases and case links, written kIntakeRowsPerInsert rows per statement at the end
// of AttachNewMentions (OR FAIL with the foreign keys off: no statement journal), ids chosen
// under the write lock as SQLite would have (max + 1, in order).
constexpr size_t kIntakeRowsPerInsert = 16;
constexpr char kSqlCaseInsertHead[] =
    "INSERT OR FAIL INTO cases (id, agency_id, platform, case_key, citizen_key, citizen_handle, "
    "citizen_name, subject, input_kind, state, priority, mention_count, first_mention_at, "
    "last_mention_at, last_activity_at, version, created_at, updated_at, opened_by_mention) "
    "VALUES ";
constexpr char kSqlCaseInsertRow[] =
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'baru', 'normal', ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlCaseMentionInsertHead[] =
    "INSERT OR FAIL INTO case_mentions (mention_id, case_id) VALUES ";
constexpr char kSqlMaxCaseId[] = "SELECT ifnull(max(id), 0) FROM cases";

//! A case this intake opens, as its row will be written (joins later in the batch included).
struct NewCase {
  Id id = 0;
  Id agency_id = 0;
  std::string_view platform;
  std::string case_key, citizen_key, subject;
  const Mention* first = nullptr;
  std::int64_t mention_count = 1, version = 2;
  UnixMillis first_mention_at = 0, last_mention_at = 0, last_activity_at = 0, updated_at = 0;
  Id opened_by_mention = 0;
};

//! The case a mention of this batch was attached to, for replies to it later in the batch.
struct AttachedTo {
  Id case_id = 0;
  std::string citizen_key;
  Id agency_id = 0;
};

Status WriteIntake(Connection& conn, const std::vector<NewCase>& cases,
                   const std::vector<std::pair<Id, Id>>& links, UnixMillis now) {
  static const MultiRowSql<kIntakeRowsPerInsert> case_sql(kSqlCaseInsertHead, kSqlCaseInsertRow);
  static const MultiRowSql<kIntakeRowsPerInsert> link_sql(kSqlCaseMentionInsertHead, "(?, ?)");
  for (size_t at = 0; at < cases.size(); at += kIntakeRowsPerInsert) {
    const size_t rows = std::min(kIntakeRowsPerInsert, cases.size() - at);
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(case_sql.Get(rows)));
    for (size_t r = 0; r < rows; ++r) {
      const NewCase& c = cases[at + r];
      const MentionInput& d = c.first->data;
      st.Bind(c.id).Bind(c.agency_id).Bind(c.platform).Bind(c.case_key).Bind(c.citizen_key);
      st.Bind(d.author_handle).Bind(d.author_name).Bind(c.subject).Bind(d.labels.input_kind);
      st.Bind(c.mention_count).Bind(c.first_mention_at).Bind(c.last_mention_at);
      st.Bind(c.last_activity_at).Bind(c.version).Bind(now).Bind(c.updated_at);
      st.Bind(c.opened_by_mention);
    }
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  for (size_t at = 0; at < links.size(); at += kIntakeRowsPerInsert) {
    const size_t rows = std::min(kIntakeRowsPerInsert, links.size() - at);
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(link_sql.Get(rows)));
    for (size_t r = 0; r < rows; ++r) st.Bind(links[at + r].first).Bind(links[at + r].second);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

}  // namespace

// AttachOne's rules for each new mention, in batch order, with the cases it opens and the links it
// makes kept in memory and written together at the end: a later mention of the batch joining a
// case opened earlier in it (same key, or a reply to a mention attached to it) changes the
// pending row as kSqlCaseAddMention would have changed the stored one. Cases stored before the
// batch are looked up, joined and reopened as AttachOne does, in the same order, so every row,
// id and history entry is what one AttachOne per mention writes.
Status AttachNewMentions(Connection& conn, const std::vector<Mention>& mentions,
                         const std::vector<Id>& ids, UnixMillis now) {
  OpenedCases opened;
  std::vector<NewCase> cases;
  std::unordered_map<std::string, size_t> case_of_key;  // pending cases by case_key
  std::map<std::pair<std::string_view, std::string_view>, AttachedTo> attached;
  std::vector<std::pair<Id, Id>> links;  // (mention, case)
  Id first_case = 0;  // the id of the first case this intake opens (0: not known yet)
  for (size_t i = 0; i < mentions.size(); ++i) {
    const Mention& m = mentions[i];
    if (ids[i] == 0 || !m.agency_id || !NeedsAnswer(m.data.labels.input_kind)) continue;
    const Id mention_id = ids[i];
    if (first_case == 0) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlMaxCaseId));
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Internal("max(id) of cases returned no row");
      first_case = st.Int(0) + 1;
    }
    const std::string_view platform = ToString(m.data.platform);
    std::string citizen_key = CitizenKeyOf(m);
    std::optional<Id> case_id;
    std::optional<size_t> pending;  // index into `cases` when case_id is opened by this batch
    if (!m.data.in_reply_to.empty()) {
      auto it = attached.find({platform, m.data.in_reply_to});
      if (it == attached.end()) {
        HUMAS_ASSIGN_OR_RETURN(case_id, StoredParentCase(conn, m, citizen_key));
      } else if (it->second.citizen_key == citizen_key && it->second.agency_id == *m.agency_id) {
        case_id = it->second.case_id;
      }
    }
    std::string key = CaseKeyOf(m, citizen_key);
    if (!case_id) {
      if (auto it = case_of_key.find(key); it != case_of_key.end()) {
        case_id = cases[it->second].id;  // newer than any stored case with the key
      } else {
        HUMAS_ASSIGN_OR_RETURN(case_id, StoredCaseByKey(conn, citizen_key, key));
      }
    }
    if (case_id && *case_id >= first_case) pending = static_cast<size_t>(*case_id - first_case);
    if (case_id && !pending) {  // a stored case: reopened if closed before this mention
      std::optional<UnixMillis> closed_at;
      bool closed = false;
      {
        HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCaseClosedAt));
        st.Bind(*case_id);
        HUMAS_ASSIGN_OR_RETURN(closed, st.Step());
        if (closed) closed_at = st.OptInt(0);
      }
      if (closed && m.data.created_at > closed_at.value_or(0)) {
        HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCaseReopen));
        HUMAS_RETURN_IF_ERROR(st.Bind(*case_id).Run());
        CaseEvent e{0,          *case_id,
                    now,        std::nullopt,
                    "reopened", "{\"mention_id\":" + std::to_string(mention_id) + "}"};
        HUMAS_RETURN_IF_ERROR(InsertEvent(conn, &e));
      }
    }
    if (!case_id) {
      NewCase& c = cases.emplace_back();
      c.id = first_case + static_cast<Id>(cases.size() - 1);
      c.agency_id = *m.agency_id;
      c.platform = platform;
      c.case_key = key;
      c.citizen_key = citizen_key;
      c.subject = Utf8Prefix(m.data.text, 280);
      c.first = &m;
      c.first_mention_at = c.last_mention_at = c.last_activity_at = m.data.created_at;
      c.updated_at = now;
      c.opened_by_mention = mention_id;
      case_of_key[std::move(key)] = cases.size() - 1;
      ++opened[*m.agency_id];
      case_id = c.id;
    } else {
      if (pending) {  // kSqlCaseAddMention on the pending row
        NewCase& c = cases[*pending];
        ++c.mention_count;
        c.first_mention_at = std::min(c.first_mention_at, m.data.created_at);
        c.last_mention_at = std::max(c.last_mention_at, m.data.created_at);
        c.last_activity_at = std::max(c.last_activity_at, m.data.created_at);
        ++c.version;
        c.updated_at = now;
      } else {
        HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCaseAddMention));
        HUMAS_RETURN_IF_ERROR(st.Bind(m.data.created_at).Bind(now).Bind(*case_id).Run());
      }
      HUMAS_RETURN_IF_ERROR(MentionAdded(conn, *case_id, mention_id, now));
    }
    links.emplace_back(mention_id, *case_id);
    attached[{platform, m.data.external_id}] = {*case_id, std::move(citizen_key), *m.agency_id};
  }
  HUMAS_RETURN_IF_ERROR(WriteIntake(conn, cases, links, now));
  return CountOpened(conn, opened);
}

Status RecheckEditedCases(Connection& conn, const std::vector<Mention>& mentions,
                          const std::vector<AppliedEdit>& edits, UnixMillis now) {
  OpenedCases opened;
  for (const AppliedEdit& edit : edits) {
    const Mention& m = mentions[edit.position];
    std::optional<Id> case_id;
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCaseOfMention));
      st.Bind(edit.id);
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) case_id = st.Int(0);
    }
    if (!case_id) {
      // Now a question, complaint, ...: the same rules as intake, but never into a closed case.
      if (edit.agency == 0 || !NeedsAnswer(m.data.labels.input_kind)) continue;
      Mention stored = m;
      stored.agency_id = edit.agency;
      HUMAS_RETURN_IF_ERROR(AttachOne(conn, stored, edit.id, now, &opened,
                                      /*reopen_closed=*/false)
                                .status());
      continue;
    }
    HUMAS_ASSIGN_OR_RETURN(Case c, LoadCase(conn, *case_id));
    if (c.state == CaseState::kSelesai) continue;  // closed cases are never touched
    // Only a change of the words asked is news to the officer: spacing, emoji, punctuation or a
    // link the platform expanded are not (the new version is stored all the same).
    if (!WordsChanged(edit.old_text, m.data.text)) continue;
    // Still open: the officer decides (the case is not closed, nor its kind changed, silently).
    nlohmann::json details = {{"mention_id", edit.id},
                              {"from_kind", edit.old_input_kind},
                              {"to_kind", m.data.labels.input_kind},
                              {"needs_answer", NeedsAnswer(m.data.labels.input_kind)}};
    CaseEvent e{0, *case_id, now, std::nullopt, "content_edited", details.dump()};
    HUMAS_RETURN_IF_ERROR(InsertEvent(conn, &e));
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCaseTouch));
    HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(now).Bind(*case_id).Run());
  }
  return CountOpened(conn, opened);
}

Result<CaseIntake> SqliteInboxRepository::AttachMention(const Mention& m, UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  OpenedCases opened;
  HUMAS_ASSIGN_OR_RETURN(CaseIntake out, AttachOne(*conn, m, m.id, now, &opened));
  HUMAS_RETURN_IF_ERROR(CountOpened(*conn, opened));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Result<std::vector<CaseIntake>> SqliteInboxRepository::AttachMentions(
    const std::vector<Mention>& mentions, UnixMillis now) {
  std::vector<CaseIntake> out;
  if (mentions.empty()) return out;
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  OpenedCases opened;
  for (const Mention& m : mentions) {
    HUMAS_ASSIGN_OR_RETURN(CaseIntake one, AttachOne(*conn, m, m.id, now, &opened));
    out.push_back(std::move(one));
  }
  HUMAS_RETURN_IF_ERROR(CountOpened(*conn, opened));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Result<Case> SqliteInboxRepository::GetCase(Id id) {
  auto conn = ctx_.pool->Acquire();
  return LoadCase(*conn, id);
}

Result<Case> SqliteInboxRepository::CaseOfMention(Id mention_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseOfMention));
  st.Bind(mention_id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("the mention belongs to no case");
  Id id = st.Int(0);
  return LoadCase(*conn, id);
}

Result<std::vector<Case>> SqliteInboxRepository::ListCases(const CaseFilter& f) {
  std::vector<Case> none;
  if (f.agency_ids.empty()) return none;
  std::string sql = std::string("SELECT ") + kCaseCols + " FROM cases WHERE ";
  std::vector<BindValue> binds;
  AppendIdsIn(&sql, &binds, "agency_id", f.agency_ids);
  std::vector<CaseState> states = f.states;
  if (states.empty()) {
    states = {CaseState::kBaru, CaseState::kDibuka, CaseState::kMenungguInstansi,
              CaseState::kDijawab, CaseState::kDibukaKembali};
  }
  std::string state_json = "[";
  for (size_t i = 0; i < states.size(); ++i)
    state_json += (i > 0 ? ",\"" : "\"") + std::string(ToString(states[i])) + "\"";
  state_json += "]";
  sql += " AND state IN (SELECT value FROM json_each(?))";
  binds.push_back(state_json);
  if (f.unassigned) {
    sql += " AND assignee_id IS NULL";
  } else if (f.assignee_id) {
    sql += " AND assignee_id = ?";
    binds.push_back(*f.assignee_id);
  }
  if (f.priority) {
    sql += " AND priority = ?";
    binds.push_back(std::string(ToString(*f.priority)));
  }
  if (f.overdue_at) {
    sql += " AND due_at < ?";
    binds.push_back(*f.overdue_at);
  }
  if (f.sort == CaseFilter::Sort::kDue) {
    sql += " AND due_at IS NOT NULL";
    if (f.after) {
      sql += " AND (due_at > ? OR (due_at = ? AND id > ?))";
      binds.push_back(f.after->first);
      binds.push_back(f.after->first);
      binds.push_back(f.after->second);
    }
    sql += " ORDER BY due_at, id";
  } else {
    if (f.after) {
      sql += " AND (last_activity_at < ? OR (last_activity_at = ? AND id < ?))";
      binds.push_back(f.after->first);
      binds.push_back(f.after->first);
      binds.push_back(f.after->second);
    }
    sql += " ORDER BY last_activity_at DESC, id DESC";
  }
  sql += " LIMIT ?";
  binds.push_back(static_cast<std::int64_t>(std::clamp(f.limit, 1, 200)));
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(sql));
  BindAll(st, binds);
  return ReadAll<Case>(st, ReadCase);
}

Result<std::vector<std::pair<std::string, std::int64_t>>> SqliteInboxRepository::CountCases(
    const std::vector<Id>& agency_ids, UnixMillis now, Id user_id) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (CaseState s : {CaseState::kBaru, CaseState::kDibuka, CaseState::kMenungguInstansi,
                      CaseState::kDijawab, CaseState::kDibukaKembali}) {
    out.emplace_back(std::string(ToString(s)), 0);
  }
  if (agency_ids.empty()) return out;
  auto conn = ctx_.pool->Acquire();
  std::string ids = JsonIds(agency_ids);
  {
    // Live counters kept in the same transaction as every case write (by triggers, migration
    // 0010, and by the intake for the cases it opens, 0012): a few rows per agency instead of a
    // scan over every open case.
    HUMAS_ASSIGN_OR_RETURN(
        Stmt st, conn->Prepare("SELECT state, sum(n) FROM case_state_counts WHERE agency_id IN "
                               "(SELECT value FROM json_each(?)) AND state != 'selesai' "
                               "GROUP BY state"));
    st.Bind(ids);
    while (true) {
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      for (auto& [name, n] : out)
        if (name == st.Text(0)) n += st.Int(1);
    }
  }
  auto count = [&](const std::string& sql, auto bind) -> Result<std::int64_t> {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(sql));
    bind(st);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.Int(0) : 0;
  };
  // Overdue depends on the clock: a range per agency over (agency_id, due_at), touching only the
  // cases already past their deadline.
  HUMAS_ASSIGN_OR_RETURN(std::int64_t overdue,
                         count("SELECT count(*) FROM json_each(?) AS a, cases "
                               "WHERE cases.agency_id = a.value AND cases.due_at < ?",
                               [&](Stmt& st) { st.Bind(ids).Bind(now); }));
  HUMAS_ASSIGN_OR_RETURN(
      std::int64_t mine,
      count("SELECT coalesce(sum(n), 0) FROM case_assignee_counts WHERE assignee_id = ? AND "
            "agency_id IN (SELECT value FROM json_each(?))",
            [&](Stmt& st) { st.Bind(user_id).Bind(ids); }));
  out.emplace_back("overdue", overdue);
  out.emplace_back("mine", mine);
  return out;
}

Result<Case> SqliteInboxRepository::UpdateCase(const Case& c, std::int64_t expected_version,
                                               const CaseEvent& event) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  UnixMillis now = event.at;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseUpdate));
    st.Bind(ToString(c.state)).Bind(ToString(c.priority)).Bind(c.assignee_id).Bind(c.closed_at);
    st.Bind(c.reopened).Bind(std::max(c.last_activity_at, now)).Bind(now).Bind(c.id);
    st.Bind(expected_version);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  if (sqlite3_changes(conn->raw()) == 0) return CaseUpdateMissed(*conn, c.id, expected_version);
  CaseEvent e = event;
  e.case_id = c.id;
  HUMAS_RETURN_IF_ERROR(InsertEvent(*conn, &e));
  HUMAS_ASSIGN_OR_RETURN(Case stored, LoadCase(*conn, c.id));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return stored;
}

Result<std::vector<Id>> SqliteInboxRepository::CaseMentionIds(Id case_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlMentionIdsOfCase));
  st.Bind(case_id);
  return ReadAll<Id>(st, [](const Stmt& s) -> Result<Id> { return s.Int(0); });
}

Result<std::vector<CaseEvent>> SqliteInboxRepository::CaseEvents(Id case_id) {
  auto conn = ctx_.pool->Acquire();
  std::vector<CaseEvent> out;
  {
    // The opening, from the case row (migration 0019): first, as it happened first.
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseOpening));
    st.Bind(case_id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row && !st.IsNull(1)) {
      out.push_back(CaseEvent{0, case_id, st.Int(0), std::nullopt, "opened",
                              "{\"mention_id\":" + std::to_string(st.Int(1)) + "}"});
    }
  }
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlEventsOfCase));
  st.Bind(case_id);
  HUMAS_ASSIGN_OR_RETURN(
      std::vector<CaseEvent> stored, ReadAll<CaseEvent>(st, [](const Stmt& s) -> Result<CaseEvent> {
        return CaseEvent{s.Int(0), s.Int(1), s.Int(2), s.OptInt(3), s.Text(4), s.Text(5)};
      }));
  out.insert(out.end(), std::make_move_iterator(stored.begin()),
             std::make_move_iterator(stored.end()));
  return out;
}

Result<std::vector<Case>> SqliteInboxRepository::CitizenCases(const std::string& citizen_key,
                                                              Id except, int limit) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCitizenCases));
  st.Bind(citizen_key).Bind(except).Bind(std::clamp(limit, 1, 200));
  return ReadAll<Case>(st, ReadCase);
}

Status SqliteInboxRepository::AppendEvent(CaseEvent* event) {
  auto conn = ctx_.pool->Acquire();
  return InsertEvent(*conn, event);
}

Status SqliteInboxRepository::AddNote(CaseNote* note) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  HUMAS_RETURN_IF_ERROR(LoadCase(*conn, note->case_id).status());
  note->created_at = ctx_.clock->Now();
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlNoteInsert));
    st.Bind(note->case_id).Bind(note->author_user_id).Bind(note->text);
    st.Bind(JsonNames(note->mentions)).Bind(note->created_at);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  note->id = sqlite3_last_insert_rowid(conn->raw());
  CaseEvent e{0,
              note->case_id,
              note->created_at,
              note->author_user_id,
              "note_added",
              "{\"note_id\":" + std::to_string(note->id) + "}"};
  HUMAS_RETURN_IF_ERROR(InsertEvent(*conn, &e));
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseTouch));
    HUMAS_RETURN_IF_ERROR(
        st.Bind(note->created_at).Bind(note->created_at).Bind(note->case_id).Run());
  }
  return tx.Commit();
}

Result<std::vector<CaseNote>> SqliteInboxRepository::CaseNotes(Id case_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlNotesOfCase));
  st.Bind(case_id);
  return ReadAll<CaseNote>(st, [](const Stmt& s) -> Result<CaseNote> {
    return CaseNote{s.Int(0), s.Int(1), s.Int(2), s.Text(3), ParseNames(s.Text(4)), s.Int(5)};
  });
}

Result<Case> SqliteInboxRepository::CreateDispositions(Id case_id,
                                                       std::int64_t expected_case_version,
                                                       std::optional<Id> parent_id,
                                                       std::int64_t expected_parent_version,
                                                       std::vector<Disposition>* dispositions,
                                                       const CaseEvent& event) {
  if (dispositions->empty()) return InvalidArgument("no agency to forward to");
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  UnixMillis now = event.at;
  if (parent_id) {
    HUMAS_ASSIGN_OR_RETURN(Disposition parent, LoadDisposition(*conn, *parent_id));
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlDispForwarded));
    HUMAS_RETURN_IF_ERROR(st.Bind(*parent_id).Bind(expected_parent_version).Bind(case_id).Run());
    if (sqlite3_changes(conn->raw()) == 0) {
      if (parent.version != expected_parent_version)
        return Conflict("the disposition was changed by someone else; reload it");
      return FailedPrecondition("the disposition is no longer waiting (it is " +
                                std::string(ToString(parent.state)) + ")");
    }
  } else {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseWaiting));
    HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(now).Bind(case_id).Bind(expected_case_version).Run());
    if (sqlite3_changes(conn->raw()) == 0)
      return CaseUpdateMissed(*conn, case_id, expected_case_version);
  }
  for (Disposition& d : *dispositions) {
    d.case_id = case_id;
    d.parent_id = parent_id;
    d.state = DispositionState::kMenunggu;
    d.created_at = now;
    d.version = 1;
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlDispInsert));
    st.Bind(case_id).Bind(d.parent_id).Bind(d.from_agency_id).Bind(d.to_agency_id);
    st.Bind(d.question).Bind(d.context).Bind(d.created_by).Bind(now).Bind(d.deadline_at);
    std::string points = JsonInts(d.reminder_points);
    st.Bind(d.sla_mode).Bind(d.sla_ms).Bind(d.timezone).Bind(points);
    st.Bind(NextAlert(d.reminder_points, d.deadline_at, 0, false));
    HUMAS_RETURN_IF_ERROR(st.Run());
    d.id = sqlite3_last_insert_rowid(conn->raw());
  }
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseRecomputeDue));
    HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(now).Bind(case_id).Run());
  }
  CaseEvent e = event;
  e.case_id = case_id;
  HUMAS_RETURN_IF_ERROR(InsertEvent(*conn, &e));
  HUMAS_ASSIGN_OR_RETURN(Case c, LoadCase(*conn, case_id));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return c;
}

Result<Disposition> SqliteInboxRepository::GetDisposition(Id id) {
  auto conn = ctx_.pool->Acquire();
  return LoadDisposition(*conn, id);
}

Result<std::vector<Disposition>> SqliteInboxRepository::CaseDispositions(Id case_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlDispOfCase));
  st.Bind(case_id);
  return ReadAll<Disposition>(st, ReadDisposition);
}

Result<ListResult<Disposition>> SqliteInboxRepository::ListDispositions(
    const DispositionFilter& f) {
  ListResult<Disposition> none;
  if (f.agency_ids.empty()) return none;
  std::string where = " WHERE ";
  std::vector<BindValue> binds;
  AppendIdsIn(&where, &binds, f.incoming ? "to_agency_id" : "from_agency_id", f.agency_ids);
  if (f.state) {
    where += " AND state = ?";
    binds.push_back(std::string(ToString(*f.state)));
  }
  auto conn = ctx_.pool->Acquire();
  return ListQuery<Disposition>(*conn, "SELECT count(*) FROM dispositions",
                                std::string("SELECT ") + kDispCols + " FROM dispositions", where,
                                "deadline_at, id", binds, Page{f.limit, f.offset}, ReadDisposition);
}

Result<Disposition> SqliteInboxRepository::ResolveDisposition(Id id, std::int64_t expected_version,
                                                              DispositionState to,
                                                              const std::string& text, Id user_id,
                                                              UnixMillis now,
                                                              const CaseEvent& event) {
  if (to != DispositionState::kDijawab && to != DispositionState::kSebagian &&
      to != DispositionState::kDitolak) {
    return InvalidArgument("a disposition is resolved as dijawab, sebagian or ditolak");
  }
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  HUMAS_ASSIGN_OR_RETURN(Disposition d, LoadDisposition(*conn, id));
  {
    bool refused = to == DispositionState::kDitolak;
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlDispResolve));
    // Views of `text`, not temporaries: the statement reads bound text when it runs.
    const std::string_view answer = refused ? std::string_view("") : std::string_view(text);
    const std::string_view reason = refused ? std::string_view(text) : std::string_view("");
    st.Bind(ToString(to)).Bind(answer).Bind(reason);
    st.Bind(user_id).Bind(now).Bind(id).Bind(expected_version);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  if (sqlite3_changes(conn->raw()) == 0) {
    if (d.version != expected_version)
      return Conflict("the disposition was changed by someone else (version " +
                      std::to_string(d.version) + ", you had " + std::to_string(expected_version) +
                      "); reload it");
    return FailedPrecondition("the disposition is no longer waiting (it is " +
                              std::string(ToString(d.state)) + ")");
  }
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCaseRecomputeDue));
    HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(now).Bind(d.case_id).Run());
  }
  CaseEvent e = event;
  e.case_id = d.case_id;
  HUMAS_RETURN_IF_ERROR(InsertEvent(*conn, &e));
  HUMAS_ASSIGN_OR_RETURN(Disposition stored, LoadDisposition(*conn, id));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return stored;
}

Result<std::vector<DueAlert>> SqliteInboxRepository::DueAlerts(UnixMillis now, int limit) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlDueAlerts));
  st.Bind(now).Bind(std::clamp(limit, 1, 1000));
  HUMAS_ASSIGN_OR_RETURN(auto ds, ReadAll<Disposition>(st, ReadDisposition));
  std::vector<DueAlert> out;
  for (Disposition& d : ds) {
    bool escalate =
        d.reminders_sent >= static_cast<int>(d.reminder_points.size()) || now >= d.deadline_at;
    out.push_back({std::move(d), escalate});
  }
  return out;
}

Result<bool> SqliteInboxRepository::MarkAlerted(Id id, int reminders_sent_before, bool escalated,
                                                UnixMillis /*now*/) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  std::vector<UnixMillis> points;
  UnixMillis deadline = 0;
  bool was_escalated = false;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlDispPoints));
    st.Bind(id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("disposition " + std::to_string(id) + " does not exist");
    points = ParseInts(st.Text(0));
    deadline = st.Int(1);
    was_escalated = st.Bool(3);
  }
  int sent = escalated ? reminders_sent_before : reminders_sent_before + 1;
  // A reminder point that passed unnoticed (the server was down) is skipped once the deadline
  // passed: the escalation says more.
  bool esc = escalated || was_escalated;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlDispMarkAlerted));
    st.Bind(escalated ? static_cast<std::int64_t>(points.size()) : sent).Bind(esc);
    st.Bind(NextAlert(points, deadline, escalated ? static_cast<int>(points.size()) : sent, esc));
    st.Bind(id).Bind(reminders_sent_before).Bind(was_escalated);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  bool changed = sqlite3_changes(conn->raw()) > 0;
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return changed;
}

}  // namespace humas::store::sqlite
