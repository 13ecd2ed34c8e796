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

using humas::bench::BareInsert;
using humas::bench::Seconds;

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 100000;
  fs::path dir = fs::temp_directory_path() / ("humas-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);

  const humas::demo::DemoRegion region = humas::demo::MakeDemoRegion();
  const std::vector<MentionInput> rows = humas::bench::DemoRows(region, n);
  const std::string jsonl = humas::bench::JsonlOf(rows);

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
