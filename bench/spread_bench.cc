// What-spreads reads on a large store: cascade assembly, author profile and top authors, each
// against a named baseline in the same run, plus the ingest cost of migration 0007's indexes.
//
//  1. Ingest N demo mentions (replies/shares, ~30 days) through MentionRepository::UpsertBatch in
//     5,000-row batches into two stores: one as migrated (with the 0007 partial indexes) and one
//     where those indexes were dropped first (the baseline). Prints both rates and the ratio.
//  2. On the indexed store: GetCascade for 2,000 random mentions vs MentionRepository::Get of the
//     same ids (baseline: one primary-key read); the author profile of 500 random authors
//     (30-day window); TopAuthors per agency (7-day and 30-day windows) and region-wide 7 days.
//     Prints mean/p50/p99 per operation and the ratio to the baseline.
//  3. Each TopAuthors and the author profiles again through the raw-mention GROUP BY they used
//     before the counters kept at ingest (migration 0016; src/store/sqlite/rollups_reference.h),
//     on the same store, window and scope: prints old vs counters, the ratio, and whether the
//     answers are the same.
// Usage: spread_bench [N] (default 1000000) [DIR] (default a temp directory, removed after).
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "app/demo/demo_region.h"
#include "app/demo/mention_generator.h"
#include "core/clock.h"
#include "store/spread.h"
#include "store/sqlite/rollups_reference.h"
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

Stats Summarise(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  s.p50 = v[v.size() / 2];
  s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  return s;
}

void Print(const char* what, const Stats& s, const Stats* base = nullptr) {
  std::printf("%-44s mean %8.3f ms  p50 %8.3f ms  p99 %8.3f ms", what, s.mean, s.p50, s.p99);
  if (base && base->mean > 0) std::printf("  (%.1fx baseline)", s.mean / base->mean);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows while it runs
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const bool own_dir = argc <= 2;
  const fs::path dir =
      own_dir ? fs::temp_directory_path() / "humas_spread_bench" : fs::path(argv[2]);
  fs::remove_all(dir);
  fs::create_directories(dir);
  humas::SystemClock clock;
  const humas::demo::DemoRegion region = humas::demo::MakeDemoRegion();

  // ~30 days of mentions ending now.
  const humas::UnixMillis end = clock.Now();
  const humas::UnixMillis step = std::max<humas::UnixMillis>(1, 30LL * 86'400'000 / n);
  std::vector<humas::MentionInput> inputs;
  inputs.reserve(n);
  {
    humas::demo::MentionGenerator gen(7, region);
    for (size_t i = 0; i < n; ++i)
      inputs.push_back(gen.Next(end - static_cast<humas::UnixMillis>(n - i) * step));
  }
  std::printf("generated %zu demo mentions over 30 days\n", n);

  std::map<std::string, humas::Id> agency_ids;
  auto open = [&](const char* name, bool drop_indexes) -> std::unique_ptr<humas::store::Store> {
    const std::string path = (dir / (std::string(name) + ".db")).string();
    auto st = humas::store::OpenSqliteStore({path}, clock);
    if (!st.ok()) return nullptr;
    agency_ids.clear();
    for (const auto& da : region.agencies) {
      humas::Agency a = da.agency;
      if (!da.parent_code.empty()) a.parent_id = agency_ids.at(da.parent_code);
      if (!(*st)->agencies().Create(&a).ok()) return nullptr;
      agency_ids[a.code] = a.id;
    }
    if (drop_indexes) {
      // Through a second connection: the store exposes no raw SQL, and the schema is shared.
      sqlite3* db = nullptr;
      int rc = sqlite3_open(path.c_str(), &db);
      if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        rc = sqlite3_exec(db, "DROP INDEX mentions_reply_parent; DROP INDEX mentions_share_parent;",
                          nullptr, nullptr, nullptr);
      }
      sqlite3_close(db);
      if (rc != SQLITE_OK) return nullptr;
    }
    return std::move(st).value();
  };
  auto ingest = [&](humas::store::Store& st) -> double {
    std::vector<humas::Mention> batch;
    auto t0 = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      humas::Mention m;
      m.data = inputs[i];
      auto it = agency_ids.find(m.data.agency_code);
      if (it != agency_ids.end()) m.agency_id = it->second;
      batch.push_back(std::move(m));
      if (batch.size() == 5000 || i + 1 == n) {
        if (!st.mentions().UpsertBatch(batch, end).ok()) return -1;
        batch.clear();
      }
    }
    return static_cast<double>(n) / (Ms(t0, Clock::now()) / 1000.0);
  };

  double base_rate = 0, rate = 0;
  {
    auto bare = open("without_0007_indexes", true);
    if (!bare) {
      std::fprintf(stderr, "could not open the baseline store\n");
      return 1;
    }
    base_rate = ingest(*bare);
  }
  auto st = open("with_0007_indexes", false);
  if (!st) return 1;
  rate = ingest(*st);
  std::printf("ingest without the 0007 indexes (baseline)   %9.0f mentions/s\n", base_rate);
  std::printf("ingest with the 0007 indexes                 %9.0f mentions/s  (%.2fx baseline)\n",
              rate, rate / base_rate);

  std::mt19937_64 rng(11);
  std::uniform_int_distribution<humas::Id> any_id(1, static_cast<humas::Id>(n));
  std::vector<humas::Id> ids(2000);
  for (auto& id : ids) id = any_id(rng);

  std::vector<double> get_ms, cascade_ms;
  size_t biggest = 0, deepest = 0;
  for (humas::Id id : ids) {
    auto t0 = Clock::now();
    auto m = st->mentions().Get(id);
    get_ms.push_back(Ms(t0, Clock::now()));
    if (!m.ok()) return 1;
  }
  for (humas::Id id : ids) {
    auto t0 = Clock::now();
    auto c = st->spread().GetCascade(id, 2000);
    cascade_ms.push_back(Ms(t0, Clock::now()));
    if (!c.ok()) return 1;
    biggest = std::max(biggest, c->nodes.size());
    for (const auto& node : c->nodes) deepest = std::max(deepest, static_cast<size_t>(node.depth));
  }
  const Stats get = Summarise(get_ms);
  Print("Get(id) (baseline)", get);
  Print("GetCascade(id)", Summarise(cascade_ms), &get);
  std::printf("  largest cascade %zu mentions, deepest %zu levels\n", biggest, deepest);

  // The previous query on a second connection to the same file (the reference of the counters).
  sqlite3* raw = nullptr;
  if (sqlite3_open((dir / "with_0007_indexes.db").string().c_str(), &raw) != SQLITE_OK) return 1;
  auto day_floor = [](humas::UnixMillis t) { return t - t % 86'400'000; };
  // Runs the raw-mention query for `f` (the same whole UTC days the counters read); returns
  // "influence:handle" per row.
  auto old_query = [&](const humas::store::ActivityFilter& f, const std::string& where,
                       const char* limit) {
    namespace ref = humas::store::sqlite::reference;
    std::string sql = std::string(ref::kOldHead) + where;
    if (f.agency_ids) sql += " AND m.agency_id = " + std::to_string(f.agency_ids->at(0));
    if (!f.hashtag.empty())
      sql += " AND m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH '\"" +
             f.hashtag + "\"') AND (lower(m.text) || ' ') GLOB '*#" + f.hashtag + "[^a-z0-9_]*'";
    sql += std::string(ref::kOldTail) + limit;
    sqlite3_stmt* q = nullptr;
    std::vector<std::string> rows;
    if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &q, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "%s\n", sqlite3_errmsg(raw));
      return rows;
    }
    sqlite3_bind_int64(q, 1, day_floor(f.since));
    sqlite3_bind_int64(q, 2, day_floor(f.until - 1) + 86'400'000);
    while (sqlite3_step(q) == SQLITE_ROW)
      rows.push_back(std::to_string(sqlite3_column_int64(q, 13)) + ":" +
                     reinterpret_cast<const char*>(sqlite3_column_text(q, 1)));
    sqlite3_finalize(q);
    return rows;
  };
  auto compare = [&](const char* what, const std::vector<double>& old_ms,
                     const std::vector<double>& new_ms, bool same) {
    const Stats o = Summarise(old_ms), c = Summarise(new_ms);
    std::printf("  %-42s raw mentions %9.3f ms, counters %8.3f ms: %.1fx faster; same answer: %s\n",
                what, o.mean, c.mean, c.mean > 0 ? o.mean / c.mean : 0.0, same ? "yes" : "NO");
  };

  humas::store::ActivityFilter month;
  month.until = end + 1;
  month.since = end - 30LL * 86'400'000;
  std::vector<double> author_ms, author_old_ms;
  bool authors_same = true;
  for (size_t i = 0; i < 500; ++i) {
    const humas::MentionInput& m = inputs[any_id(rng) - 1];
    auto t0 = Clock::now();
    auto a = st->spread().Author(m.platform, m.author_handle, month);
    author_ms.push_back(Ms(t0, Clock::now()));
    if (!a.ok()) return 1;
    std::string handle = m.author_handle;
    handle.erase(std::remove(handle.begin(), handle.end(), '\''), handle.end());
    t0 = Clock::now();
    auto old = old_query(month,
                         " AND m.platform = '" + std::string(humas::ToString(m.platform)) +
                             "' AND lower(m.author_handle) = lower('" + handle + "')",
                         "");
    author_old_ms.push_back(Ms(t0, Clock::now()));
    if (handle == m.author_handle)
      authors_same = authors_same && old.size() == 1 &&
                     old[0] == std::to_string(a->influence) + ":" + a->handle;
  }
  Print("Author(platform, handle), 30 days", Summarise(author_ms), &get);
  compare("(the same through the previous query)", author_old_ms, author_ms, authors_same);

  auto top = [&](const char* what, humas::store::ActivityFilter f, const char* agency) {
    if (agency) {
      f.agency_ids = std::vector<humas::Id>{agency_ids.at(agency)};
      f.include_unassigned = false;
    }
    std::vector<double> ms, old_ms;
    std::vector<std::string> now, before;
    for (int i = 0; i < 5; ++i) {
      auto t0 = Clock::now();
      auto r = st->spread().TopAuthors(f, 20);
      ms.push_back(Ms(t0, Clock::now()));
      if (!r.ok()) std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      now.clear();
      if (r.ok())
        for (const auto& a : *r) now.push_back(std::to_string(a.influence) + ":" + a.handle);
      t0 = Clock::now();
      before = old_query(f, "", " LIMIT 20");
      old_ms.push_back(Ms(t0, Clock::now()));
    }
    Print(what, Summarise(ms), &get);
    compare("(the same through the previous query)", old_ms, ms, now == before);
  };
  humas::store::ActivityFilter week = month;
  week.since = end - 7LL * 86'400'000;
  top("TopAuthors, one agency (pupr), 7 days", week, "pupr");
  top("TopAuthors, one agency (pupr), 30 days", month, "pupr");
  top("TopAuthors, whole region, 7 days", week, nullptr);
  humas::store::ActivityFilter tagged = month;
  tagged.hashtag = "sukamaju";
  top("TopAuthors, topic #sukamaju, region, 30 days", tagged, nullptr);

  sqlite3_close(raw);
  st.reset();
  if (own_dir) fs::remove_all(dir);
  return 0;
}
