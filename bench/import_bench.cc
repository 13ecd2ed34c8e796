// Import throughput: humas's intake path (parse JSONL → resolve agency → language labels →
// UpsertBatch with FTS and rollups, durable in WAL) against the named baseline, a bare
// prepared-statement INSERT of the same rows into a plain SQLite table in 10k-row transactions, in
// the same run. Prints both rates and the ratio. Usage: import_bench [N] (default 100000).
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "app/demo/demo_region.h"
#include "app/demo/mention_generator.h"
#include "bench_common.h"
#include "core/clock.h"
#include "ingest/ingest.h"
#include "ingest/labeling.h"
#include "store/store.h"

namespace fs = std::filesystem;
using humas::MentionInput;

namespace {

using humas::bench::Seconds;
using humas::bench::ToJsonl;

// The baseline: the same rows, same columns, one prepared INSERT, 10k rows per transaction.
double BareInsert(const std::string& path, const std::vector<MentionInput>& rows) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr,
               nullptr);
  sqlite3_exec(db,
               "CREATE TABLE m(id INTEGER PRIMARY KEY, platform TEXT, external_id TEXT, url TEXT, "
               "author_handle TEXT, author_name TEXT, text TEXT, created_at INTEGER, "
               "agency TEXT, shares INTEGER, likes INTEGER, replies INTEGER)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO m VALUES(NULL,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % 10000 == 0) sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    const MentionInput& m = rows[i];
    std::string platform(humas::ToString(m.platform));
    sqlite3_bind_text(st, 1, platform.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, m.external_id.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m.url.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m.author_handle.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m.author_name.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, m.text.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, m.created_at);
    sqlite3_bind_text(st, 8, m.agency_code.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, m.shares);
    sqlite3_bind_int64(st, 10, m.likes);
    sqlite3_bind_int64(st, 11, m.replies);
    sqlite3_step(st);
    sqlite3_reset(st);
    if (i % 10000 == 9999 || i + 1 == rows.size())
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double s = Seconds(t0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 100000;
  fs::path dir = fs::temp_directory_path() / ("humas-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);

  const humas::demo::DemoRegion region = humas::demo::MakeDemoRegion();
  humas::demo::MentionGenerator gen(42, region);
  std::vector<MentionInput> rows;
  rows.reserve(n);
  humas::UnixMillis t = 1'790'000'000'000;
  for (size_t i = 0; i < n; ++i) rows.push_back(gen.Next(t += 500));
  std::string jsonl;
  for (const auto& m : rows) jsonl += ToJsonl(m) + "\n";

  humas::SystemClock clock;
  // The intake path as `humas serve` runs it: with the shipped language models labelling every
  // mention. (Without them, labels stay empty and intake is faster; measured below too.)
  auto labeler = humas::ingest::LoadLabeler("");
  if (!labeler.ok()) {
    std::fprintf(stderr, "models: %s\n", labeler.status().ToString().c_str());
    return 1;
  }
  auto run_import = [&](const char* name, humas::ingest::Labeler label) -> double {
    auto st = humas::store::OpenSqliteStore({(dir / (std::string(name) + ".db")).string()}, clock);
    if (!st.ok()) return -1;
    std::map<std::string, humas::Id> agency_ids = humas::bench::SeedAgencies(**st, region);
    if (agency_ids.empty()) return -1;
    humas::ingest::Ingestor ingestor(**st, clock, {}, std::move(label));
    auto t0 = std::chrono::steady_clock::now();
    auto report = ingestor.ImportBytes(jsonl, humas::ImportFormat::kJsonl);
    double s = Seconds(t0);
    if (!report.ok() || report->imported != static_cast<int64_t>(n)) {
      std::fprintf(stderr, "import failed: %s\n", report.status().ToString().c_str());
      return -1;
    }
    return s;
  };
  double humas_s = run_import("labelled", *labeler);
  double unlabelled_s = run_import("unlabelled", {});
  if (humas_s < 0 || unlabelled_s < 0) return 1;
  double bare_s = BareInsert((dir / "bare.db").string(), rows);
  fs::remove_all(dir);

  std::printf("rows=%zu\n", n);
  std::printf("humas intake (parse+label+store+FTS+rollups): %8.0f mentions/s (%.2f s)\n",
              n / humas_s, humas_s);
  std::printf("humas intake without language labels:        %8.0f mentions/s (%.2f s)\n",
              n / unlabelled_s, unlabelled_s);
  std::printf("baseline bare SQLite INSERT:                  %8.0f rows/s     (%.2f s)\n",
              n / bare_s, bare_s);
  std::printf("ratio humas intake/baseline: %.2f   without labels/baseline: %.2f\n",
              bare_s / humas_s, bare_s / unlabelled_s);
  return 0;
}
