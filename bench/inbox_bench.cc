// The inbox on a large store (issue 6 part 8): listing the inbox and opening a case with 100,000
// open cases over 1,000,000 mentions, through the same repository calls the API handlers make,
// against named baselines in the same run.
//
//  1. Ingest N demo mentions (30 days) with MentionRepository::UpsertBatch in 5,000-row batches.
//  2. Seed C cases (every k-th mention with an agency becomes one open case, a few with a waiting
//     disposition, an assignee and a second mention), bulk SQL in one transaction — seeding, not
//     measured — plus 200 approved ready answers through the repository.
//  3. Measure (mean/p50/p99, ms):
//     - list: the first page (50) of the whole region's open inbox in activity order; the 20th page
//       by keyset cursor; one agency's inbox; the deadline view; the counts.
//       Baseline: a bare `SELECT … FROM cases ORDER BY id DESC LIMIT 50` on a raw connection.
//     - open: what GET /api/v1/cases/{id} reads — the case, its mentions, replies, notes,
//       dispositions, history, the citizen's other cases and the suggested answers — for 500
//       random cases. Baseline: one primary-key read of the case row.
// Usage: inbox_bench [N mentions] (default 1000000) [C cases] (default 100000) [DIR].
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "app/demo/demo_region.h"
#include "app/demo/mention_generator.h"
#include "core/clock.h"
#include "store/cases.h"
#include "store/store.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Stats {
  double mean = 0, p50 = 0, p99 = 0;
};

Stats Measure(int runs, const std::function<bool(int)>& fn) {
  std::vector<double> v;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    if (!fn(i)) {
      std::fprintf(stderr, "operation failed\n");
      std::exit(1);
    }
    v.push_back(Ms(t0, Clock::now()));
  }
  std::sort(v.begin(), v.end());
  Stats s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  s.p50 = v[v.size() / 2];
  s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  return s;
}

void Print(const char* what, const Stats& s, const Stats* base = nullptr) {
  std::printf("%-46s mean %8.3f ms  p50 %8.3f ms  p99 %8.3f ms", what, s.mean, s.p50, s.p99);
  if (base && base->mean > 0) std::printf("  (%.1fx baseline)", s.mean / base->mean);
  std::printf("\n");
}

bool Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "seed failed: %s\n", err ? err : "?");
    sqlite3_free(err);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const size_t cases = argc > 2 ? std::stoul(argv[2]) : 100'000;
  const bool own_dir = argc <= 3;
  const fs::path dir =
      own_dir ? fs::temp_directory_path() / "humas_inbox_bench" : fs::path(argv[3]);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "humas.db").string();
  humas::SystemClock clock;
  const humas::demo::DemoRegion region = humas::demo::MakeDemoRegion();
  const humas::UnixMillis end = clock.Now();
  const humas::UnixMillis step = std::max<humas::UnixMillis>(1, 30LL * 86'400'000 / n);

  auto opened = humas::store::OpenSqliteStore({path}, clock);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto& st = **opened;
  std::map<std::string, humas::Id> agency_ids;
  std::vector<humas::Id> all_agencies;
  for (const auto& da : region.agencies) {
    humas::Agency a = da.agency;
    if (!da.parent_code.empty()) a.parent_id = agency_ids.at(da.parent_code);
    if (!st.agencies().Create(&a).ok()) return 1;
    agency_ids[a.code] = a.id;
    all_agencies.push_back(a.id);
  }
  humas::User officer;
  officer.username = "petugas";
  if (!st.users().Create(&officer).ok()) return 1;

  {
    humas::demo::MentionGenerator gen(7, region);
    std::vector<humas::Mention> batch;
    auto t0 = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      humas::Mention m;
      m.data = gen.Next(end - static_cast<humas::UnixMillis>(n - i) * step);
      auto it = agency_ids.find(m.data.agency_code);
      if (it != agency_ids.end()) m.agency_id = it->second;
      batch.push_back(std::move(m));
      if (batch.size() == 5000 || i + 1 == n) {
        if (!st.mentions().UpsertBatch(batch, end).ok()) return 1;
        batch.clear();
      }
    }
    std::printf("ingested %zu mentions in %.1f s\n", n, Ms(t0, Clock::now()) / 1000);
  }

  // Seed the cases in bulk through a raw connection (seeding only; reads go through the store).
  {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_busy_timeout(db, 10000);
    std::string k = std::to_string(std::max<size_t>(1, n / (cases + cases / 10)));
    std::string limit = std::to_string(cases);
    std::string uid = std::to_string(officer.id);
    auto t0 = Clock::now();
    std::string sql =
        "BEGIN;"
        "INSERT INTO cases (id, agency_id, platform, case_key, citizen_key, citizen_handle, "
        "citizen_name, subject, input_kind, state, priority, assignee_id, mention_count, "
        "first_mention_at, last_mention_at, last_activity_at, version, created_at, updated_at) "
        "SELECT m.id, m.agency_id, m.platform, m.agency_id || '|' || m.platform || '|' || "
        "m.external_id || '|' || m.platform || ':' || lower(m.author_handle), m.platform || ':' || "
        "lower(m.author_handle), m.author_handle, m.author_name, substr(m.text, 1, 280), "
        "'pertanyaan', CASE m.id % 5 WHEN 0 THEN 'baru' WHEN 1 THEN 'dibuka' WHEN 2 THEN "
        "'dijawab' WHEN 3 THEN 'dibuka_kembali' ELSE 'baru' END, 'normal', CASE WHEN m.id % 7 = 0 "
        "THEN " +
        uid +
        " END, 1, m.created_at, m.created_at, m.created_at, 1, m.created_at, "
        "m.created_at FROM mentions m WHERE m.agency_id IS NOT NULL AND m.id % " +
        k + " = 0 ORDER BY m.id LIMIT " + limit +
        ";"
        // New cases are counted by the code that inserts them (migration 0012): count these.
        "INSERT INTO case_state_counts (agency_id, state, n) SELECT agency_id, state, count(*) "
        "FROM cases WHERE true GROUP BY agency_id, state ON CONFLICT (agency_id, state) DO "
        "UPDATE SET n = n + excluded.n;"
        "INSERT INTO case_assignee_counts (assignee_id, agency_id, n) SELECT assignee_id, "
        "agency_id, count(*) FROM cases WHERE assignee_id IS NOT NULL AND state != 'selesai' "
        "GROUP BY assignee_id, agency_id ON CONFLICT (assignee_id, agency_id) DO UPDATE SET "
        "n = n + excluded.n;"
        "INSERT INTO case_mentions (mention_id, case_id) SELECT id, id FROM cases;"
        // A follow-up message in one case out of four: the next mention by id.
        "INSERT OR IGNORE INTO case_mentions (mention_id, case_id) SELECT id + 1, id FROM cases "
        "WHERE id % 4 = 0 AND id + 1 NOT IN (SELECT id FROM cases);"
        "INSERT INTO case_events (case_id, at, kind, details_json) SELECT id, created_at, "
        "'opened', "
        "'{}' FROM cases;"
        // A waiting disposition in one case out of twenty.
        "INSERT INTO dispositions (case_id, from_agency_id, to_agency_id, question, state, "
        "created_by, created_at, deadline_at, sla_mode, sla_ms, timezone, next_alert_at) "
        "SELECT id, agency_id, agency_id, subject, 'menunggu', " +
        uid +
        ", last_activity_at, "
        "last_activity_at + 86400000, 'calendar', 86400000, 'Asia/Makassar', last_activity_at + "
        "86400000 FROM cases WHERE id % 20 = 0;"
        "UPDATE cases SET state = 'menunggu_instansi', due_at = last_activity_at + 86400000 "
        "WHERE id % 20 = 0;"
        "COMMIT; ANALYZE;";
    if (!Exec(db, sql.c_str())) return 1;
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM cases WHERE state != 'selesai'", -1, &q, nullptr);
    sqlite3_step(q);
    std::printf("seeded %lld open cases in %.1f s\n", sqlite3_column_int64(q, 0),
                Ms(t0, Clock::now()) / 1000);
    sqlite3_finalize(q);
    sqlite3_close(db);
  }
  for (int i = 0; i < 200; ++i) {
    humas::ReadyAnswer a;
    a.agency_id = all_agencies[1 + i % (all_agencies.size() - 1)];
    a.title = "Jawaban siap " + std::to_string(i) + ": jadwal layanan jalan banjir vaksin";
    a.body = "Informasi layanan nomor " + std::to_string(i) +
             " tentang jalan, banjir, vaksin, KTP, sekolah dan puskesmas.";
    a.approved = true;
    if (!st.inbox().CreateAnswer(&a).ok()) return 1;
  }

  // Baselines on a raw connection.
  sqlite3* raw = nullptr;
  sqlite3_open(path.c_str(), &raw);
  sqlite3_stmt* list_base = nullptr;
  sqlite3_prepare_v2(raw,
                     "SELECT id, agency_id, platform, subject, state, last_activity_at FROM cases "
                     "ORDER BY id DESC LIMIT 50",
                     -1, &list_base, nullptr);
  sqlite3_stmt* get_base = nullptr;
  sqlite3_prepare_v2(raw, "SELECT * FROM cases WHERE id = ?", -1, &get_base, nullptr);
  std::vector<humas::Id> ids;
  {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(raw, "SELECT id FROM cases", -1, &q, nullptr);
    while (sqlite3_step(q) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(q, 0));
    sqlite3_finalize(q);
  }
  std::mt19937 rng(42);
  std::vector<humas::Id> sample;
  for (int i = 0; i < 500; ++i) sample.push_back(ids[rng() % ids.size()]);

  auto& inbox = st.inbox();
  Stats list_b = Measure(200, [&](int) {
    int rows = 0;
    while (sqlite3_step(list_base) == SQLITE_ROW) ++rows;
    sqlite3_reset(list_base);
    return rows == 50;
  });
  humas::store::CaseFilter all;
  all.agency_ids = all_agencies;
  Stats list_first = Measure(200, [&](int) { return inbox.ListCases(all).ok(); });
  humas::store::CaseFilter deep = all;
  {
    for (int page = 0; page < 19; ++page) {
      auto p = inbox.ListCases(deep);
      if (!p.ok() || p->empty()) return 1;
      deep.after = std::make_pair(p->back().last_activity_at, p->back().id);
    }
  }
  Stats list_deep = Measure(200, [&](int) { return inbox.ListCases(deep).ok(); });
  humas::store::CaseFilter one = all;
  one.agency_ids = {all_agencies[1]};
  Stats list_one = Measure(200, [&](int) { return inbox.ListCases(one).ok(); });
  humas::store::CaseFilter due = all;
  due.sort = humas::store::CaseFilter::Sort::kDue;
  Stats list_due = Measure(200, [&](int) { return inbox.ListCases(due).ok(); });
  humas::store::CaseFilter mine = all;
  mine.assignee_id = officer.id;
  Stats list_mine = Measure(200, [&](int) { return inbox.ListCases(mine).ok(); });
  Stats counts =
      Measure(200, [&](int) { return inbox.CountCases(all_agencies, end, officer.id).ok(); });
  // The named baseline for the counts: the scan GET /cases/counts did before the live counters
  // of migration 0010 (GROUP BY over every open case, overdue and "mine" over table rows).
  std::string scope = "[";
  for (size_t i = 0; i < all_agencies.size(); ++i)
    scope += (i ? "," : "") + std::to_string(all_agencies[i]);
  scope += "]";
  sqlite3_stmt* scan = nullptr;
  sqlite3_prepare_v2(
      raw,
      "SELECT (SELECT count(*) FROM (SELECT state, count(*) FROM cases WHERE agency_id IN (SELECT "
      "value FROM json_each(?1)) AND state != 'selesai' GROUP BY agency_id, state)), "
      "(SELECT count(*) FROM cases WHERE due_at < ?2 AND agency_id IN (SELECT value FROM "
      "json_each(?1))), (SELECT count(*) FROM cases WHERE assignee_id = ?3 AND state != 'selesai' "
      "AND agency_id IN (SELECT value FROM json_each(?1)))",
      -1, &scan, nullptr);
  Stats counts_scan = Measure(50, [&](int) {
    sqlite3_bind_text(scan, 1, scope.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(scan, 2, end);
    sqlite3_bind_int64(scan, 3, officer.id);
    bool ok = sqlite3_step(scan) == SQLITE_ROW;
    sqlite3_reset(scan);
    return ok;
  });
  sqlite3_finalize(scan);
  // The counters must say what the scan says (a benchmark of a wrong answer is worthless).
  {
    std::map<std::string, std::int64_t> fast;
    auto counted = inbox.CountCases(all_agencies, end, officer.id);  // keep it alive
    if (!counted.ok()) return 1;
    for (const auto& [k, v] : *counted) fast[k] = v;
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(raw,
                       "SELECT state, count(*) FROM cases WHERE state != 'selesai' GROUP BY state",
                       -1, &q, nullptr);
    while (sqlite3_step(q) == SQLITE_ROW) {
      std::string state = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
      if (fast[state] != sqlite3_column_int64(q, 1)) {
        std::fprintf(stderr, "counter %s = %lld, scan says %lld\n", state.c_str(),
                     static_cast<long long>(fast[state]),
                     static_cast<long long>(sqlite3_column_int64(q, 1)));
        return 1;
      }
    }
    sqlite3_finalize(q);
    std::printf(
        "counters agree with the scan: baru %lld, dibuka %lld, menunggu %lld, overdue %lld, "
        "mine %lld\n",
        static_cast<long long>(fast["baru"]), static_cast<long long>(fast["dibuka"]),
        static_cast<long long>(fast["menunggu_instansi"]), static_cast<long long>(fast["overdue"]),
        static_cast<long long>(fast["mine"]));
  }

  Stats open_b = Measure(500, [&](int i) {
    sqlite3_bind_int64(get_base, 1, sample[i]);
    bool ok = sqlite3_step(get_base) == SQLITE_ROW;
    sqlite3_reset(get_base);
    return ok;
  });
  Stats open = Measure(500, [&](int i) {
    auto c = inbox.GetCase(sample[i]);
    if (!c.ok()) return false;
    auto mids = inbox.CaseMentionIds(c->id);
    if (!mids.ok()) return false;
    for (humas::Id m : *mids)
      if (!st.mentions().Get(m).ok()) return false;
    return inbox.CaseReplies(c->id).ok() && inbox.CaseNotes(c->id).ok() &&
           inbox.CaseDispositions(c->id).ok() && inbox.CaseEvents(c->id).ok() &&
           inbox.CitizenCases(c->citizen_key, c->id, 20).ok() &&
           inbox.SuggestAnswers(all_agencies, c->subject, "2026-11-23", 5).ok();
  });

  std::printf("\n%zu mentions, %zu open cases\n", n, ids.size());
  Print("baseline: bare SELECT 50 cases by id", list_b);
  Print("inbox, whole region, first page", list_first, &list_b);
  Print("inbox, whole region, 20th page (cursor)", list_deep, &list_b);
  Print("inbox, one agency, first page", list_one, &list_b);
  Print("inbox, by deadline, first page", list_due, &list_b);
  Print("inbox, assigned to me, first page", list_mine, &list_b);
  Print("baseline: counts by scanning open cases (old)", counts_scan);
  Print("counts per state (+ overdue, mine), counters", counts, &counts_scan);
  Print("baseline: case row by primary key", open_b);
  Print("open a case (everything GET /cases/{id} reads)", open, &open_b);
  sqlite3_finalize(list_base);
  sqlite3_finalize(get_base);
  sqlite3_close(raw);
  if (own_dir) fs::remove_all(dir);
  return 0;
}
